package org.criuatlas.model;

import java.util.List;

/**
 * One process.
 *
 * @param pid        process id (virtual pid when read from images)
 * @param ppid       parent pid, 0 for none
 * @param comm       short command name
 * @param cmdline    argv; empty when unknown (images, kernel threads, no permission)
 * @param uid        real uid, -1 when unknown
 * @param state      the one-letter state from /proc/PID/stat ('R', 'S', 'Z', 'T' stopped, 't' stopped by
 *                   its tracer, ...); from images: 'S' alive, 'Z' zombie/dead, 'T' stopped
 * @param pgid       process group
 * @param sid        session id
 * @param ttyNr      controlling tty device number (stat field 7), 0 for none, -1 unknown
 * @param netNs      inode of the net namespace, 0 when unknown (the same as {@code namespaces.net()})
 * @param fds        open fds, sorted by number; empty when unreadable (see {@link #fdsReadable})
 * @param fdsReadable false when the fd table could not be read (no permission, vanished)
 * @param tpgid      foreground process group of its controlling terminal (stat field 8), -1 none or unknown
 * @param tracerPid  pid of the process tracing it (ptrace), 0 for none, -1 unknown
 * @param threads    number of threads, 0 when unknown
 * @param seccomp    seccomp mode
 * @param namespaces the inode of each namespace it lives in
 * @param cwd        its working directory as /proc/PID/cwd shows it (ends in " (deleted)" when that
 *                   directory was removed), "" when unknown
 * @param deletedMappings the files it maps whose name is gone (live scans as root; empty otherwise)
 */
public record ProcessInfo(int pid, int ppid, String comm, List<String> cmdline, int uid, char state,
                          int pgid, int sid, long ttyNr, long netNs, List<FdInfo> fds, boolean fdsReadable,
                          int tpgid, int tracerPid, int threads, SeccompMode seccomp, Namespaces namespaces, String cwd,
                          List<DeletedMapping> deletedMappings) {
    public ProcessInfo {
        comm = comm == null ? "" : comm;
        cmdline = cmdline == null ? List.of() : List.copyOf(cmdline);
        fds = SortedLists.of(fds, BY_FD);
        seccomp = seccomp == null ? SeccompMode.UNKNOWN : seccomp;
        namespaces = namespaces == null ? Namespaces.UNKNOWN : namespaces;
        if (namespaces.net() == 0 && netNs != 0) namespaces = namespaces.with(NamespaceKind.NET, netNs);
        if (netNs == 0) netNs = namespaces.net();
        cwd = cwd == null ? "" : cwd;
        deletedMappings = deletedMappings == null ? List.of() : List.copyOf(deletedMappings);
    }

    /** Without deleted mappings (images, fixtures, a scan without privilege). */
    public ProcessInfo(int pid, int ppid, String comm, List<String> cmdline, int uid, char state,
                       int pgid, int sid, long ttyNr, long netNs, List<FdInfo> fds, boolean fdsReadable,
                       int tpgid, int tracerPid, int threads, SeccompMode seccomp, Namespaces namespaces, String cwd) {
        this(pid, ppid, comm, cmdline, uid, state, pgid, sid, ttyNr, netNs, fds, fdsReadable, tpgid, tracerPid, threads, seccomp,
                namespaces, cwd, List.of());
    }

    private static final java.util.Comparator<FdInfo> BY_FD = java.util.Comparator.comparingInt(FdInfo::fd);

    /** The fields every snapshot source knows; the rest unknown. */
    public ProcessInfo(int pid, int ppid, String comm, List<String> cmdline, int uid, char state,
                       int pgid, int sid, long ttyNr, long netNs, List<FdInfo> fds, boolean fdsReadable) {
        this(pid, ppid, comm, cmdline, uid, state, pgid, sid, ttyNr, netNs, fds, fdsReadable,
                -1, -1, 0, SeccompMode.UNKNOWN, Namespaces.UNKNOWN, "", List.of());
    }

    public boolean isSessionLeader() { return sid == pid; }

    public boolean isZombie() { return state == 'Z' || state == 'X'; }

    /** Stopped by a signal ('T') or in a tracing stop ('t'). */
    public boolean isStopped() { return state == 'T' || state == 't'; }

    /** Under ptrace (a debugger, strace, or CRIU itself). */
    public boolean isTraced() { return tracerPid > 0; }

    public boolean isProcessGroupLeader() { return pgid == pid; }

    /** Its working directory was removed (CRIU needs --link-remap or a ghost file for it). */
    public boolean cwdDeleted() { return cwd.endsWith(" (deleted)"); }

    /** The controlling terminal, decoded from {@link #ttyNr}; null for none or unknown. */
    public TtyDevice controllingTty() { return ttyNr > 0 ? TtyDevice.fromTtyNr(ttyNr) : null; }

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
