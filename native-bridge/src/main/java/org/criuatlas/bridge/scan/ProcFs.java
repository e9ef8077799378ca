package org.criuatlas.bridge.scan;

/**
 * What a scan reads from /proc, as an interface so the scanner's handling of vanished processes
 * and EACCES can be tested with a scripted file system. One instance per thread.
 */
interface ProcFs extends AutoCloseable {
    /** The numeric entries of /proc. */
    int[] pids() throws ProcError;

    /** Opens /proc/PID; everything else is read relative to it. */
    Dir open(int pid) throws ProcError;

    /** A whole file under /proc that belongs to no process ("locks", "thread-self/net/raw"). */
    byte[] readProc(String name) throws ProcError;

    @Override
    void close();

    /**
     * What statx says about the file open at an fd.
     *
     * @param mode     st_mode
     * @param ino      inode
     * @param devMajor device of its file system
     * @param devMinor device minor
     * @param mntId    mount id, -1 when the kernel does not report it
     */
    /** @param nlink hard links, -1 unknown; @param size bytes, -1 unknown */
    record FileStat(int mode, long ino, int devMajor, int devMinor, int mntId, int nlink, long size) {
        public FileStat(int mode, long ino, int devMajor, int devMinor, int mntId) {
            this(mode, ino, devMajor, devMinor, mntId, -1, -1);
        }
    }

    interface Dir extends AutoCloseable {
        /** A whole file under the process directory ("stat", "status", "cmdline", "maps", "mountinfo"). */
        byte[] read(String name) throws ProcError;

        /** A link under the process directory ("ns/net", "cwd"). */
        String readlink(String name) throws ProcError;

        /**
         * The inode a namespace link under the process directory names ("ns/net" reading
         * {@code net:[4026531840]}), 0 when the link is not of that form.
         */
        default long namespaceInode(String name) throws ProcError {
            return org.criuatlas.bridge.proc.FdLink.namespaceInode(readlink(name));
        }

        /** The fd numbers in fd/, in directory order. */
        int[] fds() throws ProcError;

        /** The text of the link fd/N. */
        String fdLink(int fd) throws ProcError;

        /** statx of the file open at fd N (follows the link). */
        FileStat fdStat(int fd) throws ProcError;

        /** statx of a file under the process directory, following its link ("map_files/START-END": a mapped file). */
        default FileStat stat(String name) throws ProcError {
            throw new ProcError("statx(" + name + ")", 2);
        }

        /** The text of fdinfo/N. */
        byte[] fdinfo(int fd) throws ProcError;

        /**
         * The protocol name sockfs gives the socket at fd N (its {@code system.sockprotoname}
         * attribute: "TCP", "UDP", "NETLINK", "ALG", ...): what a socket is when no sock_diag dump
         * lists it.
         */
        String socketProtocol(int fd) throws ProcError;

        @Override
        void close();
    }
}
