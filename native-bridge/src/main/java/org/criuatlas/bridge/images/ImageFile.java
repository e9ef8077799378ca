package org.criuatlas.bridge.images;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The framing of one CRIU image file (criu-facts §3.1): magic word(s), then entries, each a
 * little-endian u32 length followed by that many bytes of protobuf, repeated to EOF; some images
 * carry raw bytes after each entry (pipe contents, queued packets), which are skipped by their
 * declared size, never read into memory.
 *
 * <p>Memory stays bounded by the largest entry: every length is checked against the bytes the
 * file has left before anything is allocated.
 */
public final class ImageFile implements AutoCloseable {
    /** An entry larger than this is not something CRIU writes for the images we parse. */
    static final int MAX_ENTRY = 16 << 20;
    private static final int WINDOW = 64 << 10;

    /** One parsed entry and the byte offset of its length word. */
    public record Entry<T>(T message, long offset) {}

    private final Path path;
    private final FileChannel ch;
    private final long size;
    private byte[] buf = new byte[0];
    private int bufPos;      // next unread byte in buf
    private int bufLen;      // valid bytes in buf
    private long bufFileOff; // file offset of buf[0]

    private ImageFile(Path path, FileChannel ch, long size) {
        this.path = path;
        this.ch = ch;
        this.size = size;
    }

    /** Opens an image; a missing file is an {@link Kind#MISSING_IMAGE} error. */
    public static ImageFile open(Path path) throws ImageFormatException {
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            try {
                long size = ch.size();
                ImageFile f = new ImageFile(path, ch, size);
                // small files (nearly all of them) in one read
                f.buf = new byte[(int) Math.min(size, WINDOW)];
                return f;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new ImageFormatException(Kind.MISSING_IMAGE, path, -1, "image is missing");
        } catch (AccessDeniedException e) {
            throw new ImageFormatException(Kind.IO, path, -1, "permission denied");
        } catch (IOException e) {
            throw new ImageFormatException(Kind.IO, path, -1, "cannot read: " + e.getMessage(), e);
        }
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
        int len = readU32("an entry length word");
        long left = remaining();
        long ulen = Integer.toUnsignedLong(len);
        if (ulen > left) {
            // a cut-off file and a corrupt length word look the same from here
            throw new ImageFormatException(Kind.BAD_LENGTH, path, at, "entry length " + ulen
                    + " is larger than the " + left + " bytes left in the file (truncated or corrupt)");
        }
        if (len > MAX_ENTRY) {
            throw new ImageFormatException(Kind.BAD_LENGTH, path, at, "entry length " + len + " exceeds the "
                    + MAX_ENTRY + "-byte limit for an entry");
        }
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
            f.expectMagic(common, magic);
            List<Entry<T>> out = new ArrayList<>();
            Entry<T> e;
            while ((e = f.next(parser)) != null) {
                out.add(e);
                if (rawAfter != null) f.skipRaw(rawAfter.applyAsLong(e.message()), e.offset(), rawWhat);
            }
            return out;
        }
    }

    /** Every entry of an ordinary image (common magic, no raw payloads). */
    public static <T> List<Entry<T>> readAll(Path path, int magic, Parser<T> parser) throws ImageFormatException {
        return readAll(path, ImageMagic.COMMON, magic, parser, null, null);
    }

    /** Like {@link #readAll(Path, int, Parser)} but a missing file is an empty image (CRIU's rule). */
    public static <T> List<Entry<T>> readAllIfPresent(Path path, int common, int magic, Parser<T> parser,
                                                      ToLongFunction<T> rawAfter, String rawWhat) throws ImageFormatException {
        if (!Files.exists(path)) return List.of();
        return readAll(path, common, magic, parser, rawAfter, rawWhat);
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
        ByteBuffer bb = ByteBuffer.wrap(buf, keep, want - keep);
        try {
            long pos = start + keep;
            while (bb.hasRemaining()) {
                int r = ch.read(bb, pos);
                if (r < 0) break;
                pos += r;
            }
        } catch (IOException e) {
            throw new ImageFormatException(Kind.IO, path, at, "read failed: " + e.getMessage(), e);
        }
        bufLen = bb.position();
        if (bufLen < n) {
            // the file shrank under us
            throw new ImageFormatException(Kind.TRUNCATED, path, at, "the file ended early (changed while reading?)");
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only channel: nothing to lose
        }
    }
}
