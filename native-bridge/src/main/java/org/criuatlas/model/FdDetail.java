package org.criuatlas.model;

/** What a scan knows about an fd beyond its link text, by kind of fd. */
public sealed interface FdDetail permits FdDetail.File, FdDetail.AnonInode, FdDetail.Terminal {

    /**
     * A file, directory, FIFO or device opened by path.
     *
     * @param devMajor device of the file system holding it (statx), -1 unknown
     * @param devMinor device minor, -1 unknown
     * @param ino      its inode, 0 unknown
     * @param mntId    the mount it was opened through (statx STATX_MNT_ID, the same number as fdinfo's
     *                 {@code mnt_id:} and the first field of /proc/PID/mountinfo), -1 unknown
     * @param deleted  the file was unlinked while open (the link ends in " (deleted)")
     * @param flavor   memfd, POSIX shared memory under /dev/shm, or an ordinary file
     * @param nlink    hard links to the inode (a deleted file with links left is CRIU's link-remap case), -1 unknown
     * @param size     bytes (CRIU copies a deleted file up to its ghost limit into the images), -1 unknown
     */
    record File(int devMajor, int devMinor, long ino, int mntId, boolean deleted, FileFlavor flavor, int nlink, long size)
            implements FdDetail {
        public File {
            flavor = flavor == null ? FileFlavor.ORDINARY : flavor;
        }

        public File(int devMajor, int devMinor, long ino, int mntId, boolean deleted, FileFlavor flavor) {
            this(devMajor, devMinor, ino, mntId, deleted, flavor, -1, -1);
        }

        /** "MAJ:MIN" in hex, as /proc/locks and fdinfo lock lines spell a device. */
        public String deviceHex() { return String.format("%02x:%02x", devMajor, devMinor); }
    }

    /**
     * An anonymous inode ({@code anon_inode:[eventfd]}, {@code anon_inode:bpf-map}, ...).
     *
     * @param kind what it is
     * @param name the name after {@code anon_inode:}, without brackets
     * @param pidfdTarget for a pidfd: the pid it refers to (fdinfo {@code Pid:}), else 0
     */
    record AnonInode(AnonInodeKind kind, String name, int pidfdTarget) implements FdDetail {
        public AnonInode(AnonInodeKind kind, String name) {
            this(kind, name, 0);
        }
    }

    /**
     * A terminal.
     *
     * @param role  pty master, pty slave, /dev/tty (whatever the controlling terminal is), console, ...
     * @param index the pty number: N of /dev/pts/N for a slave, fdinfo's {@code tty-index:} for a master;
     *              the N of /dev/ttyN for a virtual console; -1 unknown or not applicable
     */
    record Terminal(TtyRole role, int index) implements FdDetail {}

    enum FileFlavor {
        ORDINARY,
        /** memfd_create(2): {@code /memfd:NAME (deleted)}. */
        MEMFD,
        /** A POSIX shared-memory object (shm_open), a file under /dev/shm. */
        POSIX_SHM
    }

    enum TtyRole {
        /** /dev/ptmx or /dev/pts/ptmx: the master side of a pseudo-terminal. */
        PTY_MASTER,
        /** /dev/pts/N. */
        PTY_SLAVE,
        /** /dev/tty: the opener's controlling terminal, whichever it is. */
        CURRENT_TTY,
        CONSOLE,
        /** /dev/ttyN. */
        VIRTUAL_CONSOLE,
        /** /dev/ttySN and other serial lines. */
        SERIAL,
        OTHER
    }
}
