package org.criuatlas.plan;

/**
 * One way to deal with a crossing, with what it costs.
 *
 * @param kind        what the user would tick
 * @param title       short action text ("mark external: unix[123]")
 * @param consequence what happens at dump and at restore, in plain words
 * @param newRoot     for {@link Kind#PULL_IN}: the pid to dump from instead; 0 otherwise
 * @param works       false for the tempting fixes that do not work (shown as warnings)
 */
public record Fix(Kind kind, String title, String consequence, int newRoot, boolean works) {
    public enum Kind {
        /** {@code --external unix[<our inode>]}. */
        MARK_EXTERNAL,
        /** {@code --ext-unix-sk}: reconnect by name at restore. */
        RECONNECT_BY_NAME,
        /** Dump from a higher root whose subtree also holds the other end. */
        PULL_IN,
        /** {@code --shell-job}. */
        SHELL_JOB,
        /** Hand a replacement pipe end to the restore ({@code --inherit-fd fd[N]:pipe:[INO]}). */
        INHERIT_PIPE,
        /** A CRIU option for an object ({@code --tcp-established}, {@code --file-locks}, ...); the title is the option. */
        OPTION,
        /** Accept the consequence; nothing to set. */
        ACCEPT,
        /** A tempting option that does not help (ticking the wrong inode, ext_unix_sk on a pair). */
        WRONG
    }
}
