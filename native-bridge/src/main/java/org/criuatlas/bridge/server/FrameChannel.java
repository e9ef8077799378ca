package org.criuatlas.bridge.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Length-delimited frames on a pair of byte streams (stdin/stdout of {@code criu-atlas bridge}, an
 * ssh session, a socket): a 4-byte big-endian length, then that many bytes of one protobuf message.
 * Reading never trusts the length beyond {@link #MAX_FRAME}; every way a frame can be wrong is a
 * {@link FrameException} with its {@link FrameException.Kind}. Writes are serialised (several
 * requests answer at once on one stream).
 */
public final class FrameChannel implements AutoCloseable {
    /** The largest frame either side accepts: 16 MiB. */
    public static final int MAX_FRAME = 16 << 20;
    /** The most a write holds before it goes to the stream: a pipe's capacity. */
    private static final int WRITE_BUFFER = 64 * 1024;

    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private long bytesIn, bytesOut;

    public FrameChannel(InputStream in, OutputStream out) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Why a frame could not be read. */
    public static final class FrameException extends IOException {
        public enum Kind {
            /** The length prefix is above {@link #MAX_FRAME} (or negative): framing is lost, the stream must close. */
            TOO_LARGE,
            /** The stream ended inside a frame. */
            TRUNCATED,
            /** A whole frame arrived but is not the expected message; the stream may go on. */
            MALFORMED
        }

        private final Kind kind;

        public FrameException(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() { return kind; }

        /** Whether the next frame can still be read (only a malformed body keeps the framing). */
        public boolean recoverable() { return kind == Kind.MALFORMED; }
    }

    /**
     * The next frame's bytes; null at a clean end of stream (between frames).
     *
     * @throws FrameException TOO_LARGE or TRUNCATED
     */
    public byte[] readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) return null;
        byte[] head = new byte[4];
        head[0] = (byte) b0;
        readFully(head, 1, 3, "the length prefix");
        long len = ((head[0] & 0xffL) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        if (len > MAX_FRAME) {
            throw new FrameException(FrameException.Kind.TOO_LARGE, "a frame of " + len + " bytes (at most " + MAX_FRAME + ")", null);
        }
        byte[] body = new byte[(int) len];
        readFully(body, 0, body.length, "a frame of " + len + " bytes");
        synchronized (this) {
            bytesIn += 4 + len;
        }
        return body;
    }

    /**
     * The next frame parsed by {@code parser}; null at a clean end of stream. Its bytes fields are views
     * of the frame read (no copy: a whole graph is megabytes), which nothing else holds.
     */
    public <T> T read(Parser<T> parser) throws IOException {
        byte[] body = readFrame();
        if (body == null) return null;
        try {
            CodedInputStream cis = CodedInputStream.newInstance(body);
            cis.enableAliasing(true);
            cis.setSizeLimit(Integer.MAX_VALUE);
            T m = parser.parseFrom(cis);
            cis.checkLastTagWas(0);
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new FrameException(FrameException.Kind.MALFORMED, "a frame of " + body.length + " bytes is not a valid message: "
                    + e.getMessage(), e);
        }
    }

    private void readFully(byte[] b, int off, int len, String what) throws IOException {
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = in.read(b, off + done, len - done);
            } catch (EOFException e) {
                n = -1;
            }
            if (n < 0) {
                throw new FrameException(FrameException.Kind.TRUNCATED, "the stream ended inside " + what + " (" + done + " of "
                        + len + " bytes)", null);
            }
            done += n;
        }
    }

    /** Writes one frame and flushes: the length, then the message serialised straight into the stream (no copy of it first). */
    public void write(MessageLite m) throws IOException {
        int size = m.getSerializedSize();
        if (size > MAX_FRAME) throw new IOException("a reply of " + size + " bytes exceeds the frame limit of " + MAX_FRAME);
        synchronized (writeLock) {
            CodedOutputStream cos = CodedOutputStream.newInstance(out, Math.min(4 + size, WRITE_BUFFER));
            cos.writeRawBytes(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
            m.writeTo(cos);
            cos.flush();
            out.flush();
            bytesOut += 4 + size;
        }
    }

    /** Bytes read so far, framing included. */
    public synchronized long bytesIn() { return bytesIn; }

    /** Bytes written so far, framing included. */
    public long bytesOut() {
        synchronized (writeLock) {
            return bytesOut;
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
