package org.criuatlas.ui.dump;

/**
 * The one-click fix offered for a failed dump.
 *
 * @param kind  what it changes
 * @param inode the socket inode inside the dump for {@link Kind#MARK_EXTERNAL}, 0 otherwise
 * @param label the button text
 */
public record FixAction(Kind kind, long inode, String label) {
    public enum Kind {
        /** Tick {@code socket:[INO]} as external ({@code --external unix[INO]}), re-plan and dump again. */
        MARK_EXTERNAL,
        /** Dump as a shell job and try again. */
        SHELL_JOB,
        /** Nothing to change: just try again (a connection that was settling, a transient error). */
        RETRY
    }

    public static FixAction markExternal(long ino) {
        return new FixAction(Kind.MARK_EXTERNAL, ino, "Tick socket:[" + ino + "] as external and retry");
    }

    public static final FixAction SHELL_JOB_ACTION = new FixAction(Kind.SHELL_JOB, 0, "Dump as a shell job and retry");
    public static final FixAction RETRY_ACTION = new FixAction(Kind.RETRY, 0, "Retry");
}
