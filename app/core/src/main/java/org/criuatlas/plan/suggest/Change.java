package org.criuatlas.plan.suggest;

/**
 * One change a suggestion makes to a plan: dump from another root (the processes under it come
 * along), or one tick.
 *
 * @param kind   what changes
 * @param root   for {@link Kind#DUMP_FROM}: the new root; 0 otherwise
 * @param inode  for the socket ticks: our end's inode; 0 otherwise
 * @param key    for {@link Kind#INHERIT_AT_RESTORE}: the object handed in at restore; null otherwise
 * @param text   in words, for the window and the CLI ("dump from pid 812 (supervisor): takes 1 more process along")
 */
public record Change(Kind kind, int root, long inode, String key, String text) {
    public enum Kind {
        /** {@code -t ROOT}: a higher root whose subtree holds the other ends too. */
        DUMP_FROM,
        /** {@code --external unix[INO]}: dump our end, hand in a replacement at restore. */
        MARK_EXTERNAL,
        /** {@code --ext-unix-sk} for this socket: reconnect by its peer's name at restore. */
        RECONNECT_BY_NAME,
        /** {@code --shell-job}. */
        SHELL_JOB,
        /** Hand in a replacement ({@code --inherit-fd fd[N]:KEY}) at restore. */
        INHERIT_AT_RESTORE
    }
}
