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

    @Override
    void close();

    interface Dir extends AutoCloseable {
        /** A whole small file under the process directory ("stat", "status", "cmdline"). */
        byte[] read(String name) throws ProcError;

        /** A link under the process directory ("ns/net"). */
        String readlink(String name) throws ProcError;

        /** The fd numbers in fd/, in directory order. */
        int[] fds() throws ProcError;

        /** The text of the link fd/N. */
        String fdLink(int fd) throws ProcError;

        /** {st_mode, st_ino} of the file open at fd N (follows the link). */
        long[] fdStat(int fd) throws ProcError;

        /** The text of fdinfo/N. */
        byte[] fdinfo(int fd) throws ProcError;

        @Override
        void close();
    }
}
