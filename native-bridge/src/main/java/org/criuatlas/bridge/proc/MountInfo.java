package org.criuatlas.bridge.proc;

import org.criuatlas.model.Mount;

import java.util.ArrayList;
import java.util.List;

/**
 * /proc/PID/mountinfo (proc(5)):
 * {@code 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue}.
 * Paths escape space, tab, newline and backslash as {@code \040}-style octal.
 */
public final class MountInfo {
    private MountInfo() {}

    public static List<Mount> parse(String text) {
        List<Mount> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] t = line.split(" ");
            int sep = -1;
            for (int i = 6; i < t.length; i++) if (t[i].equals("-")) { sep = i; break; }
            if (t.length < 10 || sep < 0 || t.length < sep + 3) {
                throw new ProcFormatException("mountinfo", "line " + lineNo + " is not a mountinfo line: '" + line + "'");
            }
            try {
                String[] dev = t[2].split(":");
                List<String> tags = new ArrayList<>(sep - 6);
                for (int i = 6; i < sep; i++) tags.add(t[i]);
                out.add(new Mount(Integer.parseInt(t[0]), Integer.parseInt(t[1]), Integer.parseInt(dev[0]),
                        Integer.parseInt(dev[1]), unescape(t[3]), unescape(t[4]), t[5], tags, unescape(t[sep + 1]),
                        unescape(t[sep + 2])));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new ProcFormatException("mountinfo", "line " + lineNo + ": bad number in '" + line + "'");
            }
        }
        return out;
    }

    /** Undoes the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int k = from; k < from + 3; k++) if (s.charAt(k) < '0' || s.charAt(k) > '7') return false;
        return true;
    }
}
