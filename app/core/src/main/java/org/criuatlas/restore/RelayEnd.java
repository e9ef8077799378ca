package org.criuatlas.restore;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.restore.Replacement;

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
    private final int end, remote;
    private final AtomicLong toRemote = new AtomicLong(), fromRemote = new AtomicLong();
    private volatile boolean closing;
    private volatile String endedWhy;
    private Thread pump;
    private boolean closed;

    RelayEnd(String key, int criuFd, Replacement replacement, int end, String path, int remote) {
        this.key = key;
        this.criuFd = criuFd;
        this.replacement = replacement;
        this.end = end;
        this.path = path;
        this.remote = remote;
    }

    /** Connects to {@code path} with a socket of the replacement's type (stream for a pipe). */
    static int connect(String key, Replacement r, String path) {
        int type = r.isPipe() || r.socketType() == SocketType.STREAM ? LibC.SOCK_STREAM
                : r.socketType() == SocketType.DGRAM ? LibC.SOCK_DGRAM : LibC.SOCK_SEQPACKET;
        try {
            return LibC.connectUnix(path, type);
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
        boolean packets = !replacement.isPipe() && replacement.socketType() != SocketType.STREAM;
        boolean endToRemote = replacement.ourEndReads(), remoteToEnd = replacement.ourEndWrites();
        byte[] buf = new byte[65536];
        String why = null;
        try {
            while (!closing) {
                int ready = LibC.pollIn(endToRemote ? end : remote, endToRemote && remoteToEnd ? remote : -1, 100);
                if (ready == 0) continue;
                boolean endReady = endToRemote && (ready & 1) != 0;
                boolean remoteReady = remoteToEnd && (endToRemote ? (ready & 2) != 0 : (ready & 1) != 0);
                if (endReady && !copy(end, remote, packets, buf, toRemote, replacement.isPipe(), false)) {
                    why = "the restored process closed its end";
                    break;
                }
                if (remoteReady && !copy(remote, end, packets, buf, fromRemote, false, replacement.isPipe())) {
                    why = path + " closed the connection";
                    break;
                }
            }
        } catch (RuntimeException e) {
            why = closing ? null : e.getMessage();
        }
        endedWhy = why == null ? "closed by CRIU Atlas" : why;
        LibC.shutdown(remote, LibC.SHUT_WR); // fails only when already closed: nothing more to tell
    }

    /** One read and a full write; false at end of input. */
    private static boolean copy(int from, int to, boolean packets, byte[] buf, AtomicLong count, boolean fromPipe, boolean toPipe) {
        byte[] data;
        int n;
        if (packets) {
            data = LibC.recvPacket(from);
            if (data == null) return false;
            n = data.length;
            LibC.send(to, data, 0);
        } else {
            n = fromPipe ? LibC.read(from, buf) : LibC.recv(from, buf, 0);
            if (n <= 0) return false;
            int off = 0;
            while (off < n) {
                byte[] rest = java.util.Arrays.copyOfRange(buf, off, n);
                int w = toPipe ? LibC.write(to, rest) : LibC.send(to, rest, 0);
                if (w <= 0) return false;
                off += w;
            }
        }
        count.addAndGet(n);
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
        LibC.close(end);
        LibC.close(remote);
        if (endedWhy == null) endedWhy = "closed by CRIU Atlas";
    }
}
