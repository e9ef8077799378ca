package org.criuatlas.bridge.proc;

import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FileLock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of /proc/PID/fdinfo/N the graph needs.
 *
 * @param pos      file position
 * @param flags    open(2) flags (the file shows them in octal)
 * @param mntId    mount id, -1 when absent
 * @param ino      inode ("ino:", Linux 5.14+), 0 when absent
 * @param ttyIndex a pty master's index ("tty-index:"), -1 when absent
 * @param locks    the locks held through this fd ("lock:" lines), in order
 */
public record FdInfoFields(long pos, long flags, int mntId, long ino, int ttyIndex, List<FileLock> locks) {
    public FdInfoFields {
        locks = locks == null ? List.of() : List.copyOf(locks);
    }

    public FdInfoFields(long pos, long flags, int mntId) {
        this(pos, flags, mntId, 0, -1, List.of());
    }

    public AccessMode mode() { return AccessMode.fromFlags(flags); }

    public static FdInfoFields parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return parse(b, b.length);
    }

    /** @throws ProcFormatException when there is no "flags:" line or a lock line is malformed */
    public static FdInfoFields parse(byte[] b, int len) {
        long pos = 0, flags = -1, ino = 0;
        int mnt = -1, tty = -1;
        List<FileLock> locks = null;
        int i = 0;
        while (i < len) {
            int eol = i;
            while (eol < len && b[eol] != '\n') eol++;
            if (startsWith(b, i, eol, "pos:")) pos = value(b, i + 4, eol, 10);
            else if (startsWith(b, i, eol, "flags:")) flags = value(b, i + 6, eol, 8);
            else if (startsWith(b, i, eol, "mnt_id:")) mnt = (int) value(b, i + 7, eol, 10);
            else if (startsWith(b, i, eol, "ino:")) ino = value(b, i + 4, eol, 10);
            else if (startsWith(b, i, eol, "tty-index:")) tty = (int) value(b, i + 10, eol, 10);
            else if (startsWith(b, i, eol, "lock:")) {
                if (locks == null) locks = new ArrayList<>(1);
                locks.add(ProcLocks.parseLine(new String(b, i + 5, eol - i - 5, StandardCharsets.UTF_8)));
            }
            i = eol + 1;
        }
        if (flags < 0) throw new ProcFormatException("fdinfo", "no flags: line");
        return new FdInfoFields(pos, flags, mnt, ino, tty, locks);
    }

    /** The {@code Pid:} line of a pidfd's fdinfo (the target's pid as the reader sees it), 0 when absent or -1 (exited). */
    public static int pidfdPid(byte[] b, int len) {
        int i = 0;
        while (i < len) {
            int eol = i;
            while (eol < len && b[eol] != '\n') eol++;
            if (startsWith(b, i, eol, "Pid:")) {
                String v = new String(b, i + 4, eol - i - 4, StandardCharsets.UTF_8).strip();
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            i = eol + 1;
        }
        return 0;
    }

    private static boolean startsWith(byte[] b, int from, int end, String prefix) {
        if (end - from < prefix.length()) return false;
        for (int k = 0; k < prefix.length(); k++) if (b[from + k] != prefix.charAt(k)) return false;
        return true;
    }

    private static long value(byte[] b, int p, int end, int radix) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) p++;
        int start = p;
        long v = 0;
        while (p < end && b[p] >= '0' && b[p] < '0' + radix) v = v * radix + (b[p++] - '0');
        if (p == start) throw new ProcFormatException("fdinfo", "field is not a number");
        return v;
    }
}
