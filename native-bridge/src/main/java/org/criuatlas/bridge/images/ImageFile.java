package org.criuatlas.bridge.images;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.sun.jna.LastErrorException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The framing of one CRIU image file (criu-facts §3.1): magic word(s), then entries, each a
 * little-endian u32 length followed by that many bytes of protobuf, repeated to EOF; some images
 * carry raw bytes after each entry (pipe contents, queued packets), which are skipped by their
 * declared size, never read into memory.
 *
 * <p>Untrusted input: a file is opened with {@code O_NOFOLLOW|O_NONBLOCK} and must be a regular
 * file by fstat of that very fd (a symlink, FIFO, device or socket is a typed error, never
 * followed or waited on); every length is compared unsigned against the bytes the file has left
 * before anything is allocated; a {@link ImageReadControl} caps the entries and bytes a read keeps
 * and can cancel it. The bytes come from a file (pread) or from memory (an archive's image).
 */
public final class ImageFile implements AutoCloseable {
    /** An entry larger than this is not something CRIU writes for the images we parse. */
    static final long MAX_ENTRY = 16 << 20;
    private static final int WINDOW = 64 << 10;

    /** One parsed entry and the byte offset of its length word. */
    public record Entry<T>(T message, long offset) {}

    private final Path path;
    private final int fd;          // -1 when the bytes are in memory
    private final long size;
    private final ImageReadControl control;
    private int entries;
    private byte[] buf = new byte[0];
    private int bufPos;      // next unread byte in buf
    private int bufLen;      // valid bytes in buf
    private long bufFileOff; // file offset of buf[0]

    private ImageFile(Path path, int fd, long size, ImageReadControl control) {
        this.path = path;
        this.fd = fd;
        this.size = size;
        this.control = control;
    }

    /** Opens an image; a missing file is an {@link Kind#MISSING_IMAGE} error. */
    public static ImageFile open(Path path) throws ImageFormatException {
        return open(path, new ImageReadControl());
    }

    /** Opens an image under {@code control}'s limits; a missing file is an {@link Kind#MISSING_IMAGE} error. */
    public static ImageFile open(Path path, ImageReadControl control) throws ImageFormatException {
        ImageFile f = openAt(ImageSyscalls.AT_FDCWD, path.toString(), path, control);
        if (f == null) throw new ImageFormatException(Kind.MISSING_IMAGE, path, -1, "image is missing");
        return f;
    }

    /**
     * Opens {@code name} relative to the directory fd {@code dirfd} (or {@link ImageSyscalls#AT_FDCWD});
     * null when it does not exist. {@code path} names it in errors.
     */
    static ImageFile openAt(int dirfd, String name, Path path, ImageReadControl control) throws ImageFormatException {
        control.checkCancelled(path);
        int fd;
        try {
            fd = ImageSyscalls.openat(dirfd, ImageSyscalls.cPath(name),
                    ImageSyscalls.O_RDONLY | ImageSyscalls.O_NOFOLLOW | ImageSyscalls.O_NONBLOCK | ImageSyscalls.O_CLOEXEC);
        } catch (LastErrorException e) {
            switch (e.getErrorCode()) {
                case ImageSyscalls.ENOENT: return null;
                case ImageSyscalls.ELOOP:
                    throw new ImageFormatException(Kind.NOT_REGULAR_FILE, path, -1,
                            "is a symbolic link; images are read only from regular files, never through a link");
                case ImageSyscalls.EACCES, ImageSyscalls.EPERM:
                    throw new ImageFormatException(Kind.IO, path, -1, "permission denied");
                default:
                    throw new ImageFormatException(Kind.IO, path, -1, "cannot open: errno " + e.getErrorCode(), e);
            }
        }
        return ImageSyscalls.statOpened(fd, path, (type, size) -> {
            if (type != ImageSyscalls.S_IFREG) {
                throw new ImageFormatException(Kind.NOT_REGULAR_FILE, path, -1, "is " + ImageSyscalls.typeName(type)
                        + "; images are read only from regular files");
            }
            ImageFile f = new ImageFile(path, fd, size, control);
            // small files (nearly all of them) in one read
            f.buf = new byte[(int) Math.min(size, WINDOW)];
            return f;
        });
    }

    /** An image held in memory (one read from an archive); {@code path} names it in errors. */
    public static ImageFile ofBytes(Path path, byte[] data, ImageReadControl control) {
        ImageFile f = new ImageFile(path, -1, data.length, control);
        f.buf = data;
        f.bufLen = data.length;
        return f;
    }

    public Path path() { return path; }

    public long size() { return size; }

    /** The offset of the next unread byte. */
    public long position() { return bufFileOff + bufPos; }

    private long remaining() { return size - position(); }

    /** Checks the head: {@code common} (0 = none, the inventory) then {@code magic}. */
    public void expectMagic(int common, int magic) throws ImageFormatException {
        if (common != 0) {
            long at = position();
            int w = readU32("the common magic word " + ImageMagic.hex(common));
            if (w != common) {
                throw new ImageFormatException(Kind.BAD_MAGIC, path, at, "expected the magic word "
                        + ImageMagic.hex(common) + " but found " + ImageMagic.hex(w));
            }
        }
        long at = position();
        int w = readU32("the image magic word " + ImageMagic.hex(magic));
        if (w != magic) {
            throw new ImageFormatException(Kind.BAD_MAGIC, path, at, "expected the image magic "
                    + ImageMagic.hex(magic) + " but found " + ImageMagic.hex(w));
        }
    }

    /**
     * The next entry parsed with {@code parser}, or null at a clean EOF (exactly on an entry
     * boundary).
     */
    public <T> Entry<T> next(Parser<T> parser) throws ImageFormatException {
        return next(parser::parseFrom);
    }

    /** Decodes one entry from {@code len} bytes at {@code off} of {@code buf}. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(byte[] buf, int off, int len) throws InvalidProtocolBufferException;
    }

    /** Like {@link #next(Parser)} with a hand-written decoder (for hot images such as core). */
    public <T> Entry<T> next(Decoder<T> parser) throws ImageFormatException {
        long at = position();
        if (remaining() == 0) return null;
        // the length word is a u32: compared as unsigned everywhere (a file past 2 GiB can hold one >= 2^31)
        long ulen = Integer.toUnsignedLong(readU32("an entry length word"));
        long left = remaining();
        if (ulen > left) {
            // a cut-off file and a corrupt length word look the same from here
            throw new ImageFormatException(Kind.BAD_LENGTH, path, at, "entry length " + ulen
                    + " is larger than the " + left + " bytes left in the file (truncated or corrupt)");
        }
        if (ulen > MAX_ENTRY) {
            throw new ImageFormatException(Kind.BAD_LENGTH, path, at, "entry length " + ulen + " exceeds the "
                    + MAX_ENTRY + "-byte limit for an entry");
        }
        if (ulen == 0) {
            // every message CRIU writes has required fields, so an entry is never empty; zeros (a sparse
            // or zero-filled file) would otherwise parse as endless empty messages
            throw new ImageFormatException(Kind.BAD_PROTOBUF, path, at, "empty entry (length 0): CRIU never writes one");
        }
        int len = (int) ulen;
        control.chargeEntry(path, at, ++entries, len);
        fill(len, at);
        try {
            T msg = parser.decode(buf, bufPos, len);
            bufPos += len;
            return new Entry<>(msg, at);
        } catch (InvalidProtocolBufferException e) {
            throw new ImageFormatException(Kind.BAD_PROTOBUF, path, at + 4, "entry of " + len
                    + " bytes is not a valid protobuf message: " + e.getMessage());
        } catch (RuntimeException e) {
            // protobuf-java signals some malformed input with unchecked exceptions; still bad input
            throw new ImageFormatException(Kind.BAD_PROTOBUF, path, at + 4, "entry of " + len
                    + " bytes is not a valid protobuf message: " + e);
        }
    }

    /** Skips {@code n} raw payload bytes that follow an entry (pipe data, a queued packet). */
    public void skipRaw(long n, long entryOffset, String what) throws ImageFormatException {
        long left = remaining();
        if (n < 0 || n > left) {
            throw new ImageFormatException(Kind.TRUNCATED, path, entryOffset, "the entry declares " + n
                    + " bytes of " + what + " but only " + left + " bytes are left in the file");
        }
        long inBuf = bufLen - bufPos;
        if (n <= inBuf) {
            bufPos += (int) n;
        } else {
            bufFileOff = position() + n;
            bufPos = 0;
            bufLen = 0;
        }
    }

    /** Every entry of an image with the given head; {@code rawAfter} gives the raw bytes after an entry. */
    public static <T> List<Entry<T>> readAll(Path path, int common, int magic, Parser<T> parser,
                                             ToLongFunction<T> rawAfter, String rawWhat) throws ImageFormatException {
        return readAll(path, common, magic, (Decoder<T>) parser::parseFrom, rawAfter, rawWhat);
    }

    /** Every entry, decoded by a hand-written decoder. */
    public static <T> List<Entry<T>> readAll(Path path, int common, int magic, Decoder<T> parser,
                                             ToLongFunction<T> rawAfter, String rawWhat) throws ImageFormatException {
        try (ImageFile f = open(path)) {
            return f.readAll(common, magic, parser, rawAfter, rawWhat);
        }
    }

    /** Every entry of this image (read from the start), checked against its head. */
    public <T> List<Entry<T>> readAll(int common, int magic, Decoder<T> parser, ToLongFunction<T> rawAfter,
                                      String rawWhat) throws ImageFormatException {
        expectMagic(common, magic);
        List<Entry<T>> out = new ArrayList<>();
        Entry<T> e;
        while ((e = next(parser)) != null) {
            out.add(e);
            if (rawAfter != null) skipRaw(rawAfter.applyAsLong(e.message()), e.offset(), rawWhat);
        }
        return out;
    }

    /** Every entry of an ordinary image (common magic, no raw payloads). */
    public static <T> List<Entry<T>> readAll(Path path, int magic, Parser<T> parser) throws ImageFormatException {
        return readAll(path, ImageMagic.COMMON, magic, parser, null, null);
    }

    /** Like {@link #readAll(Path, int, Parser)} but a missing file is an empty image (CRIU's rule). */
    public static <T> List<Entry<T>> readAllIfPresent(Path path, int common, int magic, Parser<T> parser,
                                                      ToLongFunction<T> rawAfter, String rawWhat) throws ImageFormatException {
        try (ImageFile f = openAt(ImageSyscalls.AT_FDCWD, path.toString(), path, new ImageReadControl())) {
            if (f == null) return List.of();
            return f.readAll(common, magic, (Decoder<T>) parser::parseFrom, rawAfter, rawWhat);
        }
    }

    private int readU32(String what) throws ImageFormatException {
        long at = position();
        if (remaining() < 4) {
            throw new ImageFormatException(Kind.TRUNCATED, path, at, "the file ends where " + what
                    + " should be (" + remaining() + " of 4 bytes)");
        }
        fill(4, at);
        int v = (buf[bufPos] & 0xff) | (buf[bufPos + 1] & 0xff) << 8 | (buf[bufPos + 2] & 0xff) << 16
                | (buf[bufPos + 3] & 0xff) << 24;
        bufPos += 4;
        return v;
    }

    /** Makes {@code n} bytes (already known to exist in the file) available at buf[bufPos]. */
    private void fill(int n, long at) throws ImageFormatException {
        if (bufLen - bufPos >= n) return;
        long start = position();
        int keep = bufLen - bufPos;
        int want = (int) Math.min(Math.max(n, WINDOW), size - start);
        if (buf.length < want) {
            byte[] nb = new byte[want];
            System.arraycopy(buf, bufPos, nb, 0, keep);
            buf = nb;
        } else {
            System.arraycopy(buf, bufPos, buf, 0, keep);
        }
        bufFileOff = start;
        bufPos = 0;
        bufLen = keep;
        int got = keep;
        if (fd >= 0) {
            // direct-mapped pread takes a whole array: read into buf itself when nothing is kept, else a scratch array
            int need = want - keep;
            byte[] target = keep == 0 ? buf : new byte[need];
            int filled = 0;
            while (filled < need) {
                byte[] dst = filled == 0 ? target : new byte[need - filled];
                long r;
                try {
                    r = ImageSyscalls.pread(fd, dst, need - filled, start + keep + filled);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == ImageSyscalls.EINTR) continue;
                    throw new ImageFormatException(Kind.IO, path, at, "read failed: errno " + e.getErrorCode(), e);
                }
                if (r <= 0) break;
                if (dst != target) System.arraycopy(dst, 0, target, filled, (int) r);
                filled += (int) r;
            }
            if (target != buf) System.arraycopy(target, 0, buf, keep, filled);
            got = keep + filled;
        }
        bufLen = got;
        if (bufLen < n) {
            // the file shrank under us
            throw new ImageFormatException(Kind.TRUNCATED, path, at, "the file ended early (changed while reading?)");
        }
    }

    @Override
    public void close() {
        // read-only fd: nothing to lose if close fails
        if (fd >= 0) ImageSyscalls.close(fd);
    }
}
