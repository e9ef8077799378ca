package org.criuatlas.model;

import java.util.List;

/**
 * One process.
 *
 * @param pid     process id (virtual pid when read from images)
 * @param ppid    parent pid, 0 for none
 * @param comm    short command name
 * @param cmdline argv; empty when unknown (images, kernel threads, no permission)
 * @param uid     real uid, -1 when unknown
 * @param state   the one-letter state from /proc/PID/stat ('R', 'S', 'Z', ...); from images:
 *                'S' alive, 'Z' zombie/dead, 'T' stopped
 * @param pgid    process group
 * @param sid     session id
 * @param ttyNr   controlling tty device number (stat field 7), 0 for none, -1 unknown
 * @param netNs   inode of the net namespace, 0 when unknown
 * @param fds     open fds, sorted by number; empty when unreadable (see {@link #fdsReadable})
 * @param fdsReadable false when the fd table could not be read (no permission, vanished)
 */
public record ProcessInfo(int pid, int ppid, String comm, List<String> cmdline, int uid, char state,
                          int pgid, int sid, long ttyNr, long netNs, List<FdInfo> fds, boolean fdsReadable) {
    public ProcessInfo {
        comm = comm == null ? "" : comm;
        cmdline = cmdline == null ? List.of() : List.copyOf(cmdline);
        fds = fds == null ? List.of()
                : fds.stream().sorted(java.util.Comparator.comparingInt(FdInfo::fd)).toList();
    }

    public boolean isSessionLeader() { return sid == pid; }

    public boolean isZombie() { return state == 'Z' || state == 'X'; }

    /**
     * The command line joined with spaces, or [comm] when unknown; on one line (a script passed
     * with {@code -c} often has newlines, shown as a return sign) so it fits a table row.
     */
    public String commandText() {
        if (cmdline.isEmpty()) return "[" + comm + "]";
        String joined = String.join(" ", cmdline);
        StringBuilder b = new StringBuilder(joined.length());
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '\n') b.append(" \u21b5 ");
            else if (Character.isISOControl(c)) b.append(' ');
            else b.append(c);
        }
        return b.toString();
    }

    public FdInfo fd(int n) {
        for (FdInfo f : fds) if (f.fd() == n) return f;
        return null;
    }
}
