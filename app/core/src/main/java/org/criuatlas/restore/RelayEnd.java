package org.criuatlas.restore;

import org.criuatlas.bridge.os.Fd;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.restore.Replacement;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An end relayed to a unix socket path: the connection is made before the restore (so a wrong path
 * stops it early) and a thread copies both ways once it runs (one way for a pipe), packet by packet
 * for dgram/seqpacket. Either side closing ends the relay.
 */
public final class RelayEnd implements WiredEnd {
    private final String key;
    private final int criuFd;
    private final Replacement replacement;
    private final String path;
    /** How long the pump waits for data before it looks whether it was told to stop. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final Fd end, remote;
    private final AtomicLong toRemote = new AtomicLong(), fromRemote = new AtomicLong();
    private volatile boolean closing;
    private volatile String endedWhy;
    private Thread pump;
    private boolean closed;

    RelayEnd(String key, int criuFd, Replacement replacement, Fd end, String path, Fd remote) {
        this.key = key;
        this.criuFd = criuFd;
        this.replacement = replacement;
        this.end = end;
        this.path = path;
        this.remote = remote;
    }

    /** Connects to {@code path} with a socket of the replacement's type (stream for a pipe). */
    static Fd connect(String key, Replacement r, String path) {
        SocketType type = r.isPipe() ? SocketType.STREAM : r.socketType();
        try {
            return Fd.connectUnix(path, type);
        } catch (RuntimeException e) {
            throw new WiringException(key, "cannot relay to " + path, e);
        }
    }

    @Override public String key() { return key; }
    @Override public int criuFd() { return criuFd; }

    @Override
    public String describe() {
        return key + " relayed to " + path + " (" + toRemote.get() + " bytes out, " + fromRemote.get() + " bytes in)"
                + (endedWhy != null ? ", ended: " + endedWhy : "");
    }

    public String path() { return path; }

    public long bytesToPath() { return toRemote.get(); }

    public long bytesFromPath() { return fromRemote.get(); }

    public String ended() { return endedWhy; }

    @Override
    public synchronized void start() {
        if (pump != null) return;
        pump = new Thread(this::run, "relay-" + key);
        pump.setDaemon(true);
        pump.start();
    }

    private void run() {
        boolean endToRemote = replacement.ourEndReads(), remoteToEnd = replacement.ourEndWrites();
        Fd[] watched = endToRemote && remoteToEnd ? new Fd[] {end, remote} : new Fd[] {endToRemote ? end : remote};
        byte[] buf = new byte[65536];
        String why = null;
        try {
            while (!closing) {
                // a bounded wait so close() is noticed: the fds must not be closed under a blocked read
                List<Fd> ready = Fd.readable(POLL, watched);
                if (endToRemote && ready.contains(end) && !copy(end, remote, buf, toRemote)) {
                    why = "the restored process closed its end";
                    break;
                }
                if (remoteToEnd && ready.contains(remote) && !copy(remote, end, buf, fromRemote)) {
                    why = path + " closed the connection";
                    break;
                }
            }
        } catch (RuntimeException e) {
            why = closing ? null : e.getMessage();
        }
        endedWhy = why == null ? "closed by CRIU Atlas" : why;
        remote.shutdownOutput(); // fails only when already closed: nothing more to tell
    }

    /** One read (a whole packet on packet sockets) and a full write; false at end of input. */
    private static boolean copy(Fd from, Fd to, byte[] buf, AtomicLong count) {
        byte[] data = from.receive(buf);
        if (data == null) return false;
        to.sendAll(data);
        count.addAndGet(data.length);
        return true;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            closing = true;
            t = pump;
        }
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        end.close();
        remote.close();
        if (endedWhy == null) endedWhy = "closed by CRIU Atlas";
    }
}
