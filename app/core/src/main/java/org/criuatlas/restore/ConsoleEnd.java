package org.criuatlas.restore;

import org.criuatlas.bridge.os.Fd;
import org.criuatlas.plan.restore.Replacement;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An end kept by CRIU Atlas: a background thread reads what the restored process sends (counted,
 * decoded as UTF-8, kept as a transcript and passed to listeners on that thread); {@link #send}
 * writes text to it (one packet per call on dgram/seqpacket).
 */
public final class ConsoleEnd implements WiredEnd {
    /** The transcript keeps the last this many characters. */
    public static final int TRANSCRIPT_LIMIT = 1 << 20;
    /** How long the reader waits for data before it looks whether it was told to stop. */
    private static final Duration POLL = Duration.ofMillis(100);

    /** Told about traffic, on the console's reader thread (or the sender's thread for sent bytes). */
    public interface Listener {
        void received(String text);

        default void counted(long bytesIn, long bytesOut) {}

        default void ended(String why) {}
    }

    private final String key;
    private final int criuFd;
    private final Replacement replacement;
    private final Fd fd;
    private final AtomicLong in = new AtomicLong(), out = new AtomicLong();
    private final Transcript<Listener> transcript = new Transcript<>(TRANSCRIPT_LIMIT);
    private final Object sendLock = new Object();
    private volatile boolean closing;
    private volatile String endedWhy;
    private Thread reader;

    ConsoleEnd(String key, int criuFd, Replacement replacement, Fd fd) {
        this.key = key;
        this.criuFd = criuFd;
        this.replacement = replacement;
        this.fd = fd;
    }

    @Override public String key() { return key; }
    @Override public int criuFd() { return criuFd; }

    @Override
    public String describe() {
        return key + " kept in a console (" + (canSend() && canReceive() ? "text in and out"
                : canSend() ? "send only" : "receive only") + ")";
    }

    public boolean canSend() { return replacement.ourEndWrites(); }

    public boolean canReceive() { return replacement.ourEndReads(); }

    public long bytesReceived() { return in.get(); }

    public long bytesSent() { return out.get(); }

    /** Null while open; else why it ended (the restored process closed its end, or we closed). */
    public String ended() { return endedWhy; }

    public String transcript() { return transcript.text(); }

    public void addListener(Listener l) { transcript.add(l); }

    /**
     * Adds {@code l} and returns the transcript so far, at one instant: every read after it reaches {@code l}, and
     * none already in the returned text does.
     */
    public String listen(Listener l) { return transcript.listen(l); }

    public void removeListener(Listener l) { transcript.remove(l); }

    @Override
    public synchronized void start() {
        if (reader != null || !canReceive()) return;
        reader = new Thread(this::readLoop, "console-" + key);
        reader.setDaemon(true);
        reader.start();
    }

    /** Writes {@code text} (UTF-8) to the restored process; blocks while its buffer is full. Not on the FX thread. */
    public void send(String text) {
        if (!canSend()) throw new IllegalStateException(key + ": the restored process holds the write end; this console only receives");
        if (endedWhy != null) throw new IllegalStateException(key + ": the console has ended (" + endedWhy + ")");
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        synchronized (sendLock) {
            fd.sendAll(b); // one datagram / packet on dgram and seqpacket sockets
        }
        long o = out.addAndGet(b.length);
        transcript.tell(l -> l.counted(in.get(), o));
    }

    private void readLoop() {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        byte[] buf = new byte[65536];
        ByteBuffer pending = ByteBuffer.allocate(65536 + 8);
        String why = null;
        try {
            while (!closing) {
                // a bounded wait so close() is noticed: the fd must not be closed under a blocked read
                if (!fd.awaitReadable(POLL)) continue;
                byte[] data = fd.receive(buf);
                if (data == null) {
                    why = "the restored process closed its end";
                    break;
                }
                int n = data.length;
                if (pending.remaining() < n) pending = grow(pending, n);
                long total = in.addAndGet(n);
                pending.put(data, 0, n);
                pending.flip();
                CharBuffer chars = CharBuffer.allocate(n + 8);
                dec.decode(pending, chars, false);
                pending.compact();
                chars.flip();
                String text = chars.toString();
                // the listeners when the text joined the transcript (see listen)
                Transcript.tell(transcript.append(text), l -> {
                    l.received(text);
                    l.counted(total, out.get());
                });
            }
        } catch (RuntimeException e) {
            why = closing ? null : "reading failed: " + e.getMessage();
        }
        if (why == null) why = "closed by CRIU Atlas";
        endedWhy = why;
        String w = why;
        transcript.tell(l -> l.ended(w));
    }

    /** A packet can be larger than the read buffer: make room for it and the bytes of a cut character. */
    private static ByteBuffer grow(ByteBuffer b, int more) {
        ByteBuffer g = ByteBuffer.allocate(b.position() + more + 8);
        b.flip();
        g.put(b);
        return g;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (!fd.isOpen()) return;
            closing = true;
            t = reader;
        }
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fd.close();
        if (endedWhy == null) {
            endedWhy = "closed by CRIU Atlas";
            transcript.tell(l -> l.ended(endedWhy));
        }
    }
}
