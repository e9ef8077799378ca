package org.criuatlas.bridge.images;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The libc calls the image reader needs and the JDK cannot make: an open that neither follows a
 * symlink nor blocks (a FIFO named like an image would block {@code FileChannel.open} forever),
 * then fstat on the very fd that was opened, so a file swapped in between cannot slip through.
 * JNA direct mapping (the cheapest JNA call; a dump has thousands of images).
 */
final class ImageSyscalls {
    static {
        org.criuatlas.bridge.jna.JnaStart.prepare();
        Native.register(ImageSyscalls.class, NativeLibrary.getInstance("c"));
    }

    private ImageSyscalls() {}

    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_DIRECTORY = 0x10000;
    static final int O_NOFOLLOW = 0x20000;
    static final int O_CLOEXEC = 0x80000;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_SIZE = 0x200;
    /** struct statx: stx_mode (u16) at 28, stx_size (u64) at 40; 256 bytes in all, the same on every arch. */
    static final int STATX_BUF = 256, STX_MODE = 28, STX_SIZE = 40;
    static final int S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000, S_IFIFO = 0010000, S_IFLNK = 0120000,
            S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFSOCK = 0140000;

    static final int ENOENT = 2, EINTR = 4, EACCES = 13, ENOTDIR = 20, ELOOP = 40, EPERM = 1;

    static native int openat(int dirfd, byte[] path, int flags) throws LastErrorException;

    static native long pread(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) throws LastErrorException;

    static native int close(int fd);

    /** A NUL-terminated path for the calls above. */
    static byte[] cPath(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    static final byte[] EMPTY = {0};

    /** The file type word (S_IFMT bits) and size of an open fd. */
    static long[] fstat(int fd) throws LastErrorException {
        byte[] b = new byte[STATX_BUF];
        statx(fd, EMPTY, AT_EMPTY_PATH, STATX_TYPE | STATX_MODE | STATX_SIZE, b);
        int mode = (b[STX_MODE] & 0xff) | (b[STX_MODE + 1] & 0xff) << 8;
        long size = 0;
        for (int i = 7; i >= 0; i--) size = size << 8 | (b[STX_SIZE + i] & 0xff);
        return new long[] {mode & S_IFMT, size};
    }

    /** What to make of a file just opened, from its type word (S_IFMT bits) and size. */
    @FunctionalInterface
    interface OpenedFile<T> {
        T make(long type, long size) throws ImageFormatException;
    }

    /**
     * Stats {@code fd}, just opened for {@code path}, and hands its type and size to {@code then};
     * when the stat or {@code then} fails, the fd is closed before the error goes on.
     */
    static <T> T statOpened(int fd, java.nio.file.Path path, OpenedFile<T> then) throws ImageFormatException {
        try {
            long[] st = fstat(fd);
            return then.make(st[0], st[1]);
        } catch (LastErrorException e) {
            close(fd);
            throw new ImageFormatException(ImageFormatException.Kind.IO, path, -1, "cannot stat: errno " + e.getErrorCode(), e);
        } catch (ImageFormatException | RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    static String typeName(long fmt) {
        return switch ((int) fmt) {
            case S_IFDIR -> "a directory";
            case S_IFIFO -> "a FIFO";
            case S_IFLNK -> "a symbolic link";
            case S_IFCHR -> "a character device";
            case S_IFBLK -> "a block device";
            case S_IFSOCK -> "a socket";
            default -> "not a regular file";
        };
    }
}
