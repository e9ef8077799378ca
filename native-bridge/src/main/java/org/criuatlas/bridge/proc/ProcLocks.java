package org.criuatlas.bridge.proc;

import org.criuatlas.model.FileLock;
import org.criuatlas.model.FileLock.LockAccess;
import org.criuatlas.model.FileLock.LockKind;

import java.util.ArrayList;
import java.util.List;

/**
 * /proc/locks and the {@code lock:} lines of /proc/PID/fdinfo/N, which the kernel prints with the
 * same function (fs/locks.c lock_get_status):
 * <pre>
 * 3: POSIX  ADVISORY  WRITE 13203 fe:00:2148361 5 14
 * 3: -> POSIX  ADVISORY  WRITE 13290 fe:00:2148361 5 14     (a request waiting for lock 3)
 * 2: OFDLCK ADVISORY  WRITE -1 fe:00:2148362 0 EOF
 * 4: LEASE  ACTIVE    READ 912 08:01:1234 0 EOF
 * </pre>
 * The device is MAJOR:MINOR in hex, the inode decimal; {@code <none>:0} when the lock has no inode.
 */
public final class ProcLocks {
    private ProcLocks() {}

    /** Every line of /proc/locks, in order. */
    public static List<FileLock> parse(String text) {
        List<FileLock> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) continue;
            try {
                out.add(parseLine(line));
            } catch (ProcFormatException e) {
                throw new ProcFormatException("locks", "line " + lineNo + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * One lock line (without fdinfo's {@code lock:\t} prefix).
     *
     * @throws ProcFormatException when it is not a lock line
     */
    public static FileLock parseLine(String line) {
        String[] t = line.trim().split("\\s+");
        int i = 0;
        if (t.length < 8 || !t[0].endsWith(":")) throw bad(line);
        int id = integer(t[i++].substring(0, t[0].length() - 1), line);
        boolean waiting = false;
        if (t[i].equals("->")) {
            waiting = true;
            i++;
        }
        if (t.length - i < 7) throw bad(line);
        LockKind kind = switch (t[i++]) {
            case "POSIX" -> LockKind.POSIX;
            case "FLOCK" -> LockKind.FLOCK;
            case "OFDLCK" -> LockKind.OFD;
            case "LEASE" -> LockKind.LEASE;
            case "DELEG" -> LockKind.DELEGATION;
            default -> LockKind.OTHER;
        };
        i++; // ADVISORY / MANDATORY, or a lease's ACTIVE / BREAKING / BREAKER
        LockAccess access = switch (t[i++]) {
            case "READ" -> LockAccess.READ;
            case "WRITE" -> LockAccess.WRITE;
            default -> LockAccess.NONE;
        };
        int pid = integer(t[i++], line);
        String dev = t[i++];
        int major = -1, minor = -1;
        long ino = 0;
        if (!dev.startsWith("<none>")) {
            String[] d = dev.split(":");
            if (d.length != 3) throw bad(line);
            major = hex(d[0], line);
            minor = hex(d[1], line);
            ino = longValue(d[2], line);
        }
        long start = longValue(t[i++], line);
        long end = t[i].equals("EOF") ? -1 : longValue(t[i], line);
        return new FileLock(id, kind, access, waiting, pid, major, minor, ino, start, end, null, List.of());
    }

    private static ProcFormatException bad(String line) {
        return new ProcFormatException("locks", "not a lock line: '" + line.strip() + "'");
    }

    private static int integer(String s, String line) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad(line);
        }
    }

    private static long longValue(String s, String line) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad(line);
        }
    }

    private static int hex(String s, String line) {
        try {
            return Integer.parseInt(s, 16);
        } catch (NumberFormatException e) {
            throw bad(line);
        }
    }
}
