package org.criuatlas.bridge.scan;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.criuatlas.bridge.scan.ProcSyscalls.*;

/**
 * /proc through libc with reused native buffers: per fd one readlinkat relative to an open fd/
 * directory, no Java Path or String building on the way in. Bytes move between Java and the
 * native buffers through direct ByteBuffer views (plain memory access), not JNA's Pointer
 * read/write methods, each of which is a JNI call: per readlink that was three JNI calls around
 * the one system call. Not thread-safe: one per thread.
 */
final class NativeProcFs implements ProcFs {
    private static final int BUF = 64 * 1024;
    private final Memory path = new Memory(512);
    private final Memory buf = new Memory(BUF);
    private final Memory stx = new Memory(STATX_SIZE);
    private final ByteBuffer pathView = path.getByteBuffer(0, 512);
    private final ByteBuffer bufView = buf.getByteBuffer(0, BUF);
    private final ByteBuffer stxView = stx.getByteBuffer(0, STATX_SIZE).order(ByteOrder.nativeOrder());
    private final byte[] heap = new byte[BUF];

    @Override
    public int[] pids() throws ProcError {
        int fd = openAt(AT_FDCWD, "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        try {
            return numericEntries(fd);
        } finally {
            closeQuietly(fd);
        }
    }

    /** /proc itself, kept open: each process directory is then one path step away. */
    private int procFd = -1;

    @Override
    public Dir open(int pid) throws ProcError {
        if (procFd < 0) procFd = openAt(AT_FDCWD, "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        setPath(pid);
        int fd;
        try {
            fd = openat(procFd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new ProcError("openat(/proc/" + pid + ")", e.getErrorCode());
        }
        return new NativeDir(pid, fd);
    }

    @Override
    public byte[] readProc(String name) throws ProcError {
        return readWhole(openAt(AT_FDCWD, "/proc/" + name, O_RDONLY | O_CLOEXEC), false);
    }

    @Override
    public void close() {
        if (procFd >= 0) closeQuietly(procFd);
        procFd = -1;
        path.close();
        buf.close();
        stx.close();
    }

    private final class NativeDir implements Dir {
        private final int pid;
        private final int dirFd;
        private int fdDirFd = -1;
        private int nsDirFd = -1;

        NativeDir(int pid, int dirFd) {
            this.pid = pid;
            this.dirFd = dirFd;
        }

        @Override
        public byte[] read(String name) throws ProcError {
            // stat and status are single seq_file records: one read of a large buffer returns all of it
            boolean oneRecord = name.equals("stat") || name.equals("status") || name.equals("cmdline");
            return readWhole(openAt(dirFd, name, O_RDONLY | O_CLOEXEC), oneRecord);
        }

        @Override
        public String readlink(String name) throws ProcError {
            if (name.startsWith("ns/")) {
                // ten namespace links per process: resolving "ns" once saves a path step on each
                // (measured: about a quarter of their cost)
                if (nsDirFd < 0) nsDirFd = openAt(dirFd, "ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                setPath(name, 3);
                return linkText(nsDirFd, name);
            }
            setPath(name);
            return linkText(dirFd, name);
        }

        @Override
        public long namespaceInode(String name) throws ProcError {
            if (!name.startsWith("ns/")) return ProcFs.Dir.super.namespaceInode(name);
            // ten per process: the number is read from the link's bytes, no String on the way
            if (nsDirFd < 0) nsDirFd = openAt(dirFd, "ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            setPath(name, 3);
            return namespaceNumber(linkBytes(nsDirFd, name));
        }

        @Override
        public int[] fds() throws ProcError {
            if (fdDirFd < 0) fdDirFd = openAt(dirFd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            return numericEntries(fdDirFd);
        }

        @Override
        public String fdLink(int fd) throws ProcError {
            if (fdDirFd < 0) fdDirFd = openAt(dirFd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            setPath(fd);
            return linkText(fdDirFd, "fd");
        }

        @Override
        public FileStat fdStat(int fd) throws ProcError {
            if (fdDirFd < 0) fdDirFd = openAt(dirFd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            setPath(fd);
            return statHere(fdDirFd, "statx(fd)");
        }

        @Override
        public FileStat stat(String name) throws ProcError {
            setPath(name);
            return statHere(dirFd, "statx(" + name + ")");
        }

        /** statx of {@code path} (set by the caller) under {@code at}, following a last link. */
        private FileStat statHere(int at, String what) throws ProcError {
            try {
                statx(at, path, 0, STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_BYTES | STATX_MNT_ID, stx);
            } catch (LastErrorException e) {
                throw new ProcError(what, e.getErrorCode());
            }
            // the mount id comes for free with the stat: no fdinfo read for it (Linux 5.8+)
            ByteBuffer x = stxView;
            int mnt = (x.getInt(STX_MASK) & STATX_MNT_ID) != 0 ? (int) x.getLong(STX_MNT_ID) : -1;
            return new FileStat(Short.toUnsignedInt(x.getShort(STX_MODE)), x.getLong(STX_INO),
                    x.getInt(STX_DEV_MAJOR), x.getInt(STX_DEV_MINOR), mnt,
                    (x.getInt(STX_MASK) & STATX_NLINK) != 0 ? x.getInt(STX_NLINK) : -1,
                    (x.getInt(STX_MASK) & STATX_BYTES) != 0 ? x.getLong(STX_BYTES) : -1);
        }

        @Override
        public byte[] fdinfo(int fd) throws ProcError {
            return readWhole(openAt(dirFd, "fdinfo/" + fd, O_RDONLY | O_CLOEXEC), false);
        }

        @Override
        public String socketProtocol(int fd) throws ProcError {
            long n;
            try {
                n = getxattr("/proc/" + pid + "/fd/" + fd, "system.sockprotoname", buf, 256);
            } catch (LastErrorException e) {
                throw new ProcError("getxattr(system.sockprotoname)", e.getErrorCode());
            }
            bufView.get(0, heap, 0, (int) n);
            int len = (int) n;
            while (len > 0 && heap[len - 1] == 0) len--;
            return new String(heap, 0, len, StandardCharsets.US_ASCII);
        }

        @Override
        public void close() {
            if (fdDirFd >= 0) closeQuietly(fdDirFd);
            if (nsDirFd >= 0) closeQuietly(nsDirFd);
            closeQuietly(dirFd);
        }
    }

    private int openAt(int dirFd, String name, int flags) throws ProcError {
        setPath(name);
        try {
            return openat(dirFd, path, flags);
        } catch (LastErrorException e) {
            throw new ProcError("openat(" + name + ")", e.getErrorCode());
        }
    }

    private byte[] readWhole(int fd, boolean oneRecord) throws ProcError {
        try {
            int total = 0;
            byte[] out = heap;
            while (true) {
                long n;
                try {
                    n = ProcSyscalls.read(fd, buf, BUF);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == EINTR) continue;
                    throw new ProcError("read", e.getErrorCode());
                }
                if (n <= 0) break;
                if (total + n > out.length) out = Arrays.copyOf(out, Math.max(out.length * 2, (int) (total + n)));
                bufView.get(0, out, total, (int) n);
                total += (int) n;
                if (oneRecord && n < BUF) break;
            }
            return Arrays.copyOf(out, total);
        } finally {
            closeQuietly(fd);
        }
    }

    /** The text of the link at {@code path} (set before) relative to {@code dirFd}; {@code name} names it in an error. */
    private String linkText(int dirFd, String name) throws ProcError {
        int n = linkBytes(dirFd, name);
        return new String(heap, 0, n, StandardCharsets.UTF_8);
    }

    /** readlinkat of the path set in {@code path} into {@code heap}; its length. */
    private int linkBytes(int dirFd, String name) throws ProcError {
        long n;
        try {
            n = readlinkat(dirFd, path, buf, 4096);
        } catch (LastErrorException e) {
            throw new ProcError("readlinkat(" + name + ")", e.getErrorCode());
        }
        bufView.get(0, heap, 0, (int) n);
        return (int) n;
    }

    /**
     * The number of a link text {@code type:[N]} in {@code heap[0, n)}; 0 when it is not of that
     * form (as {@link org.criuatlas.bridge.proc.FdLink#namespaceInode(String)} says for the text).
     */
    private long namespaceNumber(int n) {
        int open = -1;
        for (int i = 0; i + 1 < n; i++) {
            if (heap[i] == ':' && heap[i + 1] == '[') { open = i + 2; break; }
        }
        if (open < 0 || n < 1 || heap[n - 1] != ']' || open >= n - 1 || n - 1 - open > 19) return 0;
        long v = 0;
        for (int i = open; i < n - 1; i++) {
            byte c = heap[i];
            if (c < '0' || c > '9') return 0;
            v = v * 10 + (c - '0');
            if (v < 0) return 0;
        }
        return v;
    }

    /** Entries of a directory whose names are all digits, parsed straight from linux_dirent64. */
    private int[] numericEntries(int dirFd) throws ProcError {
        int[] out = new int[64];
        int count = 0;
        while (true) {
            long n;
            try {
                n = getdents64(dirFd, buf, BUF);
            } catch (LastErrorException e) {
                throw new ProcError("getdents64", e.getErrorCode());
            }
            if (n <= 0) break;
            bufView.get(0, heap, 0, (int) n);
            // procfs fills the buffer until the directory ends: room left for a whole entry means it
            // has ended, and the call that would return 0 is saved (one per process)
            boolean ended = n < BUF - 512;
            int p = 0;
            while (p < n) {
                int reclen = (heap[p + 16] & 0xff) | ((heap[p + 17] & 0xff) << 8); // d_reclen, little endian
                int q = p + 19; // d_name
                int v = 0;
                boolean digits = heap[q] != 0;
                for (; heap[q] != 0; q++) {
                    byte c = heap[q];
                    if (c < '0' || c > '9') { digits = false; break; }
                    v = v * 10 + (c - '0');
                }
                if (digits) {
                    if (count == out.length) out = Arrays.copyOf(out, count * 2);
                    out[count++] = v;
                }
                p += reclen;
            }
            if (ended) break;
        }
        return Arrays.copyOf(out, count);
    }

    private void setPath(String s) {
        setPath(s, 0);
    }

    /** {@code s} from index {@code from} as the path (no substring for "ns/net" and the like). */
    private void setPath(String s, int from) {
        int n = s.length() - from; // our names are ASCII
        for (int i = 0; i < n; i++) pathView.put(i, (byte) s.charAt(from + i));
        pathView.put(n, (byte) 0);
    }

    private void setPath(int number) {
        int digits = 1;
        for (int v = number; v >= 10; v /= 10) digits++;
        int v = number;
        for (int i = digits - 1; i >= 0; i--) {
            pathView.put(i, (byte) ('0' + v % 10));
            v /= 10;
        }
        pathView.put(digits, (byte) 0);
    }

    private static void closeQuietly(int fd) {
        try {
            ProcSyscalls.close(fd);
        } catch (LastErrorException ignored) {
            // a close error on a /proc file loses nothing
        }
    }
}
