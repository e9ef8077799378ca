package org.criuatlas.plan;

import java.util.regex.Pattern;

/**
 * An error line CRIU 4.1.1 prints when a dump fails, with the source location it carries in the
 * log ({@code Error (<where>): <text>}). Every text was observed on this machine; see
 * docs/dump-rules.md for the experiments.
 *
 * @param kind  which rule fired
 * @param where the {@code file:line} CRIU 4.1.1 prints
 * @param text  the message text as CRIU prints it, with the real inodes/pids filled in
 */
public record CriuError(Kind kind, String where, String text) {

    /** The kinds of dump failure the planner predicts, each with a pattern that recognises it in a real log. */
    public enum Kind {
        EXTERNAL_SOCKET_USED("criu/sk-unix.c:874", "unix: External socket is used\\. Consider using --ext-unix-sk option\\."),
        HALF_STREAM("criu/sk-unix.c:881", "unix: Can't dump half of stream unix connection\\..*"),
        NAMELESS_DGRAM("criu/sk-unix.c:888", "unix: Can't dump name-less external socket\\."),
        PEER_MISSING("criu/sk-unix.c", "unix: Unix socket \\d+ without peer \\d+"),
        NOT_SESSION_LEADER("criu/pstree.c:300", "The root process \\d+ is not a session leader\\. Consider using --shell-job option"),
        DANGLING_TTY("criu/tty.c:1830", "tty: Found dangling tty with sid \\d+ pgid \\d+ .*"),
        TTY_WITHOUT_MASTER("criu/tty.c:410", "tty: Found slave peer index \\d+ without correspond master peer"),
        TOO_MANY_PIPES("criu/pipes.c:416", "OOM storing pipe"),
        PROCESS_GONE("compel/src/lib/infect.c:418", "Unable to detach from \\d+: No such process"),
        NETWORK_LOCK("criu/net.c:3282", "net: Locking network failed.*");

        public final String where;
        private final Pattern pattern;

        Kind(String where, String regex) {
            this.where = where;
            // any line number: the text is what identifies the rule, line numbers move between versions
            String file = where.contains(":") ? where.substring(0, where.indexOf(':')) : where;
            this.pattern = Pattern.compile("Error \\(" + Pattern.quote(file) + ":\\d+\\): " + regex);
        }

        /** True when a line of a real CRIU log is this kind of error (line numbers of 4.1.1). */
        public boolean matches(String logLine) { return pattern.matcher(logLine).find(); }

        /** The kind of the first error line in a real log that the planner knows, or null. */
        public static Kind firstIn(Iterable<String> logLines) {
            for (String l : logLines) for (Kind k : values()) if (k.matches(l)) return k;
            return null;
        }
    }

    /** The line as it appears in the log (without the timestamp). */
    public String line() { return "Error (" + where + "): " + text; }

    static CriuError of(Kind k, String text) { return new CriuError(k, k.where, text); }

    @Override
    public String toString() { return line(); }
}
