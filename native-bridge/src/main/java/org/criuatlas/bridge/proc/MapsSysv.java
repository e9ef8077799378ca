package org.criuatlas.bridge.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * The SysV shared-memory attachments in /proc/PID/maps: mappings of {@code /SYSV<key hex> (deleted)},
 * whose inode column is the shmid. One entry per mapping (a segment attached twice, or split by
 * mprotect, appears more than once, as the kernel's attach count counts it).
 */
public final class MapsSysv {
    private MapsSysv() {}

    /** The shmid of every SYSV mapping, in address order. */
    public static List<Integer> shmids(byte[] b, int len) {
        List<Integer> out = new ArrayList<>(0);
        int i = 0;
        while (i < len) {
            int eol = i;
            while (eol < len && b[eol] != '\n') eol++;
            int id = shmid(b, i, eol);
            if (id >= 0) out.add(id);
            i = eol + 1;
        }
        return out;
    }

    /**
     * The shmid of the maps line {@code [from, eol)} when it maps a SysV segment (its path, the sixth field, starts with
     * {@code /SYSV}; a deleted file under a folder named SYSV is not one), else -1.
     */
    public static int shmid(byte[] b, int from, int eol) {
        int p = from;
        for (int field = 0; field < 5; field++) {
            while (p < eol && b[p] == ' ') p++;
            while (p < eol && b[p] != ' ') p++;
        }
        while (p < eol && b[p] == ' ') p++;
        return startsWith(b, p, eol, "/SYSV") ? inodeColumn(b, from, p) : -1;
    }

    private static boolean startsWith(byte[] b, int at, int end, String s) {
        if (at + s.length() > end) return false;
        for (int k = 0; k < s.length(); k++) if (b[at + k] != s.charAt(k)) return false;
        return true;
    }

    public static List<Integer> shmids(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return shmids(b, b.length);
    }

    /** The fifth blank-separated field: start-end perms offset dev inode. */
    private static int inodeColumn(byte[] b, int from, int end) {
        int field = 0, p = from;
        while (p < end) {
            while (p < end && b[p] == ' ') p++;
            int start = p;
            while (p < end && b[p] != ' ') p++;
            if (field++ == 4) {
                long v = 0;
                for (int k = start; k < p; k++) {
                    if (b[k] < '0' || b[k] > '9') throw new ProcFormatException("maps", "inode column is not a number");
                    v = v * 10 + (b[k] - '0');
                }
                if (p == start) break;
                return (int) v;
            }
        }
        throw new ProcFormatException("maps", "SYSV mapping without an inode column");
    }
}
