package org.criuatlas.bridge.images;

import com.sun.jna.LastErrorException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A stream over a file that was checked to be a regular file on the very fd it reads: opened
 * without blocking (a FIFO given as an archive must not hang the reader) and fstat'ed before the
 * first byte is read. {@link #skip(long)} costs nothing (pread at an offset), so a plain tar's
 * unwanted members are never read at all.
 */
public final class RegularFileInput extends InputStream {
    private static final int BUFFER = 256 << 10;

    private final Path path;
    private final int fd;
    private final long size;
    private final byte[] buf = new byte[BUFFER];
    private int bufPos;
    private int bufLen;
    private long filePos; // file offset of buf[bufLen]
    private boolean closed;

    private RegularFileInput(Path path, int fd, long size) {
        this.path = path;
        this.fd = fd;
        this.size = size;
    }

    /**
     * Opens {@code path}; a link as the path's last part is followed only if {@code followLink}
     * (the file the user named may be reached through a link; a member of a dump may not).
     */
    public static RegularFileInput open(Path path, boolean followLink) throws ImageFormatException {
        int flags = ImageSyscalls.O_RDONLY | ImageSyscalls.O_NONBLOCK | ImageSyscalls.O_CLOEXEC
                | (followLink ? 0 : ImageSyscalls.O_NOFOLLOW);
        int fd;
        try {
            fd = ImageSyscalls.openat(ImageSyscalls.AT_FDCWD, ImageSyscalls.cPath(path.toString()), flags);
        } catch (LastErrorException e) {
            throw switch (e.getErrorCode()) {
                case ImageSyscalls.ENOENT -> new ImageFormatException(Kind.NOT_A_DUMP, path, -1, "does not exist");
                case ImageSyscalls.ELOOP -> new ImageFormatException(Kind.NOT_REGULAR_FILE, path, -1, "is a symbolic link");
                case ImageSyscalls.EACCES, ImageSyscalls.EPERM -> new ImageFormatException(Kind.IO, path, -1, "permission denied");
                default -> new ImageFormatException(Kind.IO, path, -1, "cannot open: errno " + e.getErrorCode(), e);
            };
        }
        return ImageSyscalls.statOpened(fd, path, (type, size) -> {
            if (type != ImageSyscalls.S_IFREG) {
                throw new ImageFormatException(type == ImageSyscalls.S_IFDIR ? Kind.NOT_A_DUMP : Kind.NOT_REGULAR_FILE, path, -1,
                        "is " + ImageSyscalls.typeName(type) + ", not a regular file");
            }
            return new RegularFileInput(path, fd, size);
        });
    }

    public Path path() { return path; }

    /** The file's size when it was opened. */
    public long size() { return size; }

    /** The offset of the next byte {@link #read()} returns. */
    public long position() { return filePos - (bufLen - bufPos); }

    private boolean fill() throws IOException {
        if (closed) throw new IOException("closed");
        bufPos = 0;
        bufLen = 0;
        while (true) {
            try {
                long r = ImageSyscalls.pread(fd, buf, buf.length, filePos);
                if (r <= 0) return false;
                bufLen = (int) r;
                filePos += r;
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != ImageSyscalls.EINTR) throw new IOException(path + ": read failed: errno " + e.getErrorCode(), e);
            }
        }
    }

    @Override
    public int read() throws IOException {
        if (bufPos == bufLen && !fill()) return -1;
        return buf[bufPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (bufPos == bufLen && !fill()) return -1;
        int n = Math.min(len, bufLen - bufPos);
        System.arraycopy(buf, bufPos, b, off, n);
        bufPos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        if (n <= 0) return 0;
        long inBuf = bufLen - bufPos;
        if (n <= inBuf) {
            bufPos += (int) n;
            return n;
        }
        long target = Math.min(position() + n, Math.max(size, position()));
        long skipped = target - position();
        filePos = target;
        bufPos = 0;
        bufLen = 0;
        return skipped;
    }

    /**
     * Up to {@code len} bytes from {@code offset} into {@code b} without moving the stream (a positional
     * read); fewer only at the end of the file.
     */
    public int readAt(long offset, byte[] b, int len) throws IOException {
        if (closed) throw new IOException("closed");
        int got = 0;
        while (got < len) {
            try {
                byte[] dst = got == 0 ? b : new byte[len - got];
                long r = ImageSyscalls.pread(fd, dst, len - got, offset + got);
                if (r <= 0) break;
                if (dst != b) System.arraycopy(dst, 0, b, got, (int) r);
                got += (int) r;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != ImageSyscalls.EINTR) throw new IOException(path + ": read failed: errno " + e.getErrorCode(), e);
            }
        }
        return got;
    }

    /** Back to the first byte. */
    public void rewind() {
        filePos = 0;
        bufPos = 0;
        bufLen = 0;
    }

    @Override
    public int available() { return bufLen - bufPos; }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ImageSyscalls.close(fd);
        }
    }
}
