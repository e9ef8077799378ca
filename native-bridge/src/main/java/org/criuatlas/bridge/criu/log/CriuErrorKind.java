package org.criuatlas.bridge.criu.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one vocabulary of CRIU's errors: every error CRIU Atlas predicts (the dump planner) or recognises
 * in a log (the diagnoser), each with the text that identifies it. Adding a kind here is the only way
 * to teach both sides a new error, so the line the planner promises and the line the diagnoser finds
 * cannot drift apart. Texts as CRIU 4.1.1 and 4.2.1 print them on this project's machines
 * (docs/dump-rules.md, shared/criu-facts.md §5).
 */
public enum CriuErrorKind {
    /** Dump: a socket in the tree is connected to a socket outside it. */
    EXTERNAL_SOCKET_USED(Phase.DUMP, "criu/sk-unix.c:874", "External socket is used"),
    /** Dump with --ext-unix-sk: a stream/seqpacket connection leaves the tree. */
    HALF_STREAM_CONNECTION(Phase.DUMP, "criu/sk-unix.c:881", "Can't dump half of stream unix connection"),
    /** Dump with --ext-unix-sk: a datagram socket whose outside peer has no name. */
    NAMELESS_EXTERNAL_SOCKET(Phase.DUMP, "criu/sk-unix.c:888", "Can't dump name-less external socket"),
    /**
     * Dump: a socket's peer cannot be found or does not point back (groups 1-3), or a connected stream
     * socket without a peer (group 4).
     */
    UNIX_PEER_MISSING(Phase.DUMP, "criu/sk-unix.c",
            "Unix socket (\\d+) (without peer|with unreachable peer) (\\d+)|Dangling connection (\\d+)"),
    /** Dump: the root is not a session leader (a job of a shell); group 1 its pid when named. */
    NOT_SESSION_LEADER(Phase.DUMP, "criu/pstree.c:300", "The root process (\\d+) is not a session leader|Consider using --shell-job"),
    /** Dump: a terminal whose other side is outside the tree; groups sid, pgid, tty, fd. */
    DANGLING_TTY(Phase.DUMP, "criu/tty.c:1830", "Found dangling tty with sid (\\d+) pgid (\\d+) \\(([^)]*)\\) on peer fd (\\d+)|Found dangling tty"),
    /** Dump: a pseudo-terminal slave whose master (the terminal emulator) is outside the tree. */
    TTY_WITHOUT_MASTER(Phase.DUMP, "criu/tty.c:410", "without correspond master peer"),
    /** Dump: more than 1,024 pipes with data. */
    TOO_MANY_PIPES(Phase.DUMP, "criu/pipes.c:416", "OOM storing pipe"),
    /** Dump: a process ended while CRIU held it. */
    PROCESS_GONE(Phase.DUMP, "compel/src/lib/infect.c:418", "Unable to detach from (\\d+): No such process"),
    /** Dump: the network could not be locked. */
    NETWORK_LOCK(Phase.DUMP, "criu/net.c:3282", "Locking network failed"),
    /** Dump with --tcp-established: CRIU could not lock a TCP connection (iptables/ip6tables missing or refusing). */
    TCP_LOCK_FAILED(Phase.DUMP, "criu/netfilter.c:105", "Iptables configuration failed",
            "CRIU holds each TCP connection still during the dump with an iptables (ip6tables for IPv6) rule, and running it failed:"
                    + " on most machines because the iptables package is not installed.",
            "Install iptables (apt-get install iptables), or dump with --tcp-close instead (the connection is closed at restore)."),
    // --- objects other than unix sockets, pipes and terminals: texts as CRIU 4.2.1 (and 4.1.1) print them here
    /** Dump (CRIU before 4.2 on Linux 6.16 and later): any inet or packet socket; groups level, option. */
    SOCKET_OPT_UNSUPPORTED(Phase.DUMP, "criu/sockets.c:628", "sockets: Can't get (\\d+):(\\d+) opt: Operation not supported",
            "CRIU could not read a socket option of an inet or packet socket: this CRIU predates Linux 6.16's change to SO_PASSCRED/SO_PASSSEC.",
            "Use CRIU 4.2 or newer (criu-atlas setup-criu), or leave the process with inet/packet sockets out of the dump."),
    /** Dump without --tcp-established: a connected TCP socket. */
    TCP_CONNECTED(Phase.DUMP, "criu/sk-inet.c:200", "inet: Connected TCP socket, consider using --tcp-established option",
            "A process in the dump holds a connected TCP socket.",
            "Dump with --tcp-established (restore needs the same addresses and a quiet peer) or --tcp-close (the connection is closed at restore)."),
    /** Dump without --skip-in-flight: a TCP listener with a connection not accepted yet; group 1 its inode in hex. */
    TCP_IN_FLIGHT(Phase.DUMP, "criu/sk-inet.c:185", "inet: In-flight connection \\(l\\) for ([0-9a-fA-F]+)",
            "A TCP listener in the dump has a connection waiting in its accept queue.",
            "Dump with --skip-in-flight: the waiting connection is dropped and the client must connect again."),
    /** Dump without --file-locks: a process holds a file lock. */
    FILE_LOCKS_HELD(Phase.DUMP, "criu/file-lock.c:110", "Some file locks are hold by dumping tasks!",
            "A process in the dump holds a file lock (flock, POSIX or OFD).",
            "Dump with --file-locks (restore with --file-locks too); the locked file must exist at restore."),
    /** Dump: a SysV shared-memory attachment of a namespace CRIU does not dump; groups pid, address. */
    SYSV_SHM_OUTSIDE_IPC_NS(Phase.DUMP, "criu/cr-dump.c:478", "Task (\\d+) with SysVIPC shmem map @(\\S+) doesn't live in IPC ns",
            "A process in the dump has SysV shared memory of the host's IPC namespace attached; CRIU dumps SysV IPC only with a private IPC namespace.",
            "Run the program in its own IPC namespace (unshare -i) so the namespace is dumped with it, or detach the segment."),
    /** Dump: an io_uring instance (its fd cannot be passed to the parasite). */
    IO_URING(Phase.DUMP, "criu/pie/parasite.c:588", "send_fds failed \\((-?\\d+)\\)",
            "A process in the dump uses io_uring; CRIU cannot dump io_uring instances.",
            "No option helps: stop the program's io_uring use or leave it out of the dump."),
    /** Dump: an fd of a type CRIU cannot dump (userfaultfd, bpf map, perf event); groups fd, type, what. */
    UNSUPPORTED_FILE(Phase.DUMP, "criu/files-ext.c:94", "Can't dump file (\\d+) of that type \\[(\\d+)\\] \\((.*)\\)",
            "A process in the dump holds a file CRIU cannot dump (userfaultfd, BPF object or perf event).",
            "No option helps: close it or leave the process out of the dump."),
    /** Dump: a pidfd of a process outside the dump; group 1 the target pid. */
    PIDFD_OUTSIDE(Phase.DUMP, "criu/pidfd.c:97", "pidfd: pidfd pid (\\d+) is not a part of process tree",
            "A process in the dump holds a pidfd of a process outside the dump.",
            "Pull the target process into the dump (dump from a common ancestor) or close the pidfd."),
    /** Dump: a deleted open file larger than the ghost limit; groups path, size. */
    GHOST_TOO_BIG(Phase.DUMP, "criu/files-reg.c:1031", "Can't dump ghost file (.*) of (\\d+) size, increase limit",
            "A process in the dump holds a deleted file larger than CRIU's ghost-file limit (1 MiB).",
            "Dump with --ghost-limit SIZE (at least the file's size): its contents go into the images."),
    /** Dump: an open file whose name was removed but whose inode has another name; group 1 the path. */
    LINK_REMAP_NEEDED(Phase.DUMP, "criu/files-reg.c:1122", "Can't create link remap for (.*)\\. Use link-remap option",
            "A process in the dump holds a file that was unlinked but still has another name (or lives on a mount of another namespace).",
            "Dump with --link-remap: CRIU links it under a temporary name so the restore can open it."),
    /** Dump with --link-remap: the file is on a mount of another mount namespace; group 1 the path. */
    LINK_REMAP_CROSS_DEVICE(Phase.DUMP, "criu/files-reg.c:1159", "Can't link remap to (.*): Invalid cross-device link",
            "CRIU could not link a file of another mount namespace for --link-remap.",
            "Dump from the process that owns that mount namespace, so the namespace is dumped with its mounts."),
    /** Dump: a file (or mapping, fd -1) on a mount not in the dumped mount namespace; groups mount, fd, path. */
    MOUNT_NOT_FOUND(Phase.DUMP, "criu/files-reg.c:1790", "Can't lookup mount=(\\d+) for fd=(-?\\d+) path=(.*)",
            "A process in the dump uses a file on a mount that is not part of its own mount namespace.",
            "Mark the mount external (--external mnt[...]) or start the program inside its namespace."),
    /** Dump: a process of the tree is in a pid namespace below the root's; group 1 its pid. */
    NESTED_PID_NAMESPACE(Phase.DUMP, "criu/namespaces.c:460", "Can't dump nested pid namespace for (\\d+)",
            "A process in the dump lives in a pid namespace nested below the root's; CRIU cannot dump nested pid namespaces.",
            "Dump from the namespace's init (pid 1 inside it) instead."),
    /** Dump: the root is pid 1 of its pid namespace and its session leader is outside; groups pid, vpid. */
    SESSION_LEADER_OUTSIDE_PID_NS(Phase.DUMP, "criu/cr-dump.c:1528", "A session leader of (\\d+)\\((\\d+)\\) is outside of its pid namespace",
            "A dumped process belongs to a session whose leader lives outside its pid namespace (the namespace's init started"
                    + " without its own session, or CRIU running inside a container whose sessions began outside it).",
            "Start the process (or the namespace's init) with setsid, its own session; --shell-job does not help here."),
    /** Dump: a process is traced by a process inside the dump; groups pid, state. */
    UNSEIZABLE(Phase.DUMP, "compel/src/lib/infect.c:262", "Unseizable non-zombie (\\d+) found, state (\\S+), err (-?\\d+)/(\\d+)",
            "A process in the dump is traced (ptrace) by another process of the dump; CRIU cannot seize it.",
            "Detach the tracer (debugger, strace) first."),
    /** Restore: the images hold an external socket and nothing says how to reconnect it. */
    EXTERNAL_SOCKET_IN_IMAGE(Phase.RESTORE, "criu/sk-unix.c", "External socket found in image"),
    /** Restore without --tcp-established of images holding an established TCP connection (measured, CRIU 4.2.1). */
    TCP_IN_IMAGE(Phase.RESTORE, "criu/sk-inet.c:912", "inet: Connected TCP socket in image",
            "The images hold an established TCP connection (the dump used --tcp-established), and this restore ran without"
                    + " --tcp-established.",
            "Restore with --tcp-established too (CRIU Atlas adds it when it has read the images); the connection's addresses"
                    + " must be free here, and a peer outside the dump must still be waiting for it."),
    /** Restore: a file descriptor could not be re-opened; groups fd, file id. */
    UNABLE_TO_OPEN_FD(Phase.RESTORE, "criu/files.c", "Unable to open fd=(\\d+) id=(0x[0-9a-fA-F]+|\\d+)"),
    /** Restore: a pid the images need is in use; group 1 the pid. */
    PID_TAKEN(Phase.RESTORE, "criu/cr-restore.c", "Can't fork for (\\d+): .*File exists"),
    /** Restore: an inherit-fd argument is malformed (group 1) or its fd is not open in criu (groups 2, 3). */
    BAD_INHERIT_FD(Phase.RESTORE, "criu/files.c", "Invalid inherit fd argument: (.*)$|Can't fstat inherit fd (\\d+): (.*)$"),
    /** Restore: a restored task crashed (seen with a socketpair end restored via --ext-unix-sk); groups pid, how, signal. */
    RESTORED_TASK_CRASHED(Phase.RESTORE, "criu/cr-restore.c", "(?:Task )?(\\d+) (killed|stopped) by signal (\\d+)"),
    /** Any other error CRIU logged on a failed run. */
    OTHER_ERROR(Phase.ANY, null, null);

    /** When CRIU prints it. */
    public enum Phase { DUMP, RESTORE, ANY }

    public final Phase phase;
    /** {@code file:line} (or just the file) of the CRIU source that prints it, as 4.1.1 logs it; null for OTHER_ERROR. */
    public final String where;
    private final Pattern message;
    private final Pattern logLine;

    /** Plain words for the diagnoser (kinds the diagnoser has no special branch for), or null. */
    public final String explanation;
    /** What to do about it, in plain words with the exact options, or null. */
    public final String remedy;

    CriuErrorKind(Phase phase, String where, String messageRegex) {
        this(phase, where, messageRegex, null, null);
    }

    CriuErrorKind(Phase phase, String where, String messageRegex, String explanation, String remedy) {
        this.explanation = explanation;
        this.remedy = remedy;
        this.phase = phase;
        this.where = where;
        this.message = messageRegex == null ? null : Pattern.compile(messageRegex);
        // any line number: the text is what identifies the error, line numbers move between versions
        String file = where == null ? null : where.contains(":") ? where.substring(0, where.indexOf(':')) : where;
        this.logLine = messageRegex == null ? null
                : Pattern.compile("Error \\(" + Pattern.quote(file) + ":\\d+\\): .*?(?:" + messageRegex + ")");
    }

    /** True for the errors that mean "the tree is a job of a shell" (fixed by --shell-job). */
    public boolean shellJob() {
        return this == NOT_SESSION_LEADER || this == DANGLING_TTY || this == TTY_WITHOUT_MASTER;
    }

    /** A matcher that has found this error in a log line's message (groups as documented per kind), or null. */
    public Matcher find(String message) {
        if (this.message == null || message == null) return null;
        Matcher m = this.message.matcher(message);
        return m.find() ? m : null;
    }

    /** True when {@code message} (the text after CRIU's {@code Error (file:line): } tag) is this error. */
    public boolean recognises(String message) {
        return find(message) != null;
    }

    /** True when a whole line of a real CRIU log ({@code Error (file:N): ...}, timestamp allowed) is this error. */
    public boolean matchesLogLine(String line) {
        return logLine != null && logLine.matcher(line).find();
    }

    /** The kind of the first error line in a real log that the vocabulary knows, or null. */
    public static CriuErrorKind firstIn(Iterable<String> logLines) {
        for (String l : logLines) for (CriuErrorKind k : values()) if (k.matchesLogLine(l)) return k;
        return null;
    }
}
