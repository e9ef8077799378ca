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
    /** Restore: the images hold an external socket and nothing says how to reconnect it. */
    EXTERNAL_SOCKET_IN_IMAGE(Phase.RESTORE, "criu/sk-unix.c", "External socket found in image"),
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

    CriuErrorKind(Phase phase, String where, String messageRegex) {
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
