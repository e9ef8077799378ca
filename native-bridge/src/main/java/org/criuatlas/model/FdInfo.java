package org.criuatlas.model;

/**
 * One file descriptor of one process.
 *
 * @param fd     the descriptor number
 * @param kind   what it refers to
 * @param target the text of the /proc/PID/fd/N link ({@code socket:[123]}, {@code pipe:[45]},
 *               a path, {@code anon_inode:[eventfd]}); from images, the same spelling is rebuilt
 * @param inode  the inode of the object for sockets, pipes and FIFOs; 0 when not applicable
 * @param mode   read/write end (from the fdinfo flags); matters for pipes and FIFOs
 * @param flags  the open(2) flags word, -1 when unknown
 */
public record FdInfo(int fd, FdKind kind, String target, long inode, AccessMode mode, long flags) {
    public FdInfo {
        if (kind == null) throw new IllegalArgumentException("kind");
        target = target == null ? "" : target;
        mode = mode == null ? AccessMode.UNKNOWN : mode;
    }

    /** The CRIU object key ({@code socket:[INO]}/{@code pipe:[INO]}) or null for other kinds. */
    public String objectKey() {
        return switch (kind) {
            case SOCKET -> ObjectKey.ofSocket(inode).text();
            case PIPE -> ObjectKey.ofPipe(inode).text();
            default -> null;
        };
    }
}
