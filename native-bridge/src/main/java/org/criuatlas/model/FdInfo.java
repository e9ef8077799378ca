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
 * @param detail what else is known about it (file on which mount, anon inode kind, terminal role);
 *               null when nothing more is known
 */
public record FdInfo(int fd, FdKind kind, String target, long inode, AccessMode mode, long flags, FdDetail detail) {
    public FdInfo {
        if (kind == null) throw new IllegalArgumentException("kind");
        target = target == null ? "" : target;
        mode = mode == null ? AccessMode.UNKNOWN : mode;
    }

    public FdInfo(int fd, FdKind kind, String target, long inode, AccessMode mode, long flags) {
        this(fd, kind, target, inode, mode, flags, null);
    }

    /** The CRIU object key ({@code socket:[INO]}/{@code pipe:[INO]}) or null for other kinds. */
    public String objectKey() {
        return switch (kind) {
            case SOCKET -> ObjectKey.ofSocket(inode).text();
            case PIPE -> ObjectKey.ofPipe(inode).text();
            default -> null;
        };
    }

    /** The file details of a path fd, or null. */
    public FdDetail.File file() { return detail instanceof FdDetail.File f ? f : null; }

    /** The anon inode kind, or null when this is not an anon inode. */
    public FdDetail.AnonInode anonInode() { return detail instanceof FdDetail.AnonInode a ? a : null; }

    /** The terminal role, or null when this is not a terminal. */
    public FdDetail.Terminal terminal() { return detail instanceof FdDetail.Terminal t ? t : null; }
}
