package org.criuatlas.host.bridge;

import com.google.protobuf.ByteString;
import org.criuatlas.bridge.server.BridgeVerbs.Refused;
import org.criuatlas.bridge.server.BridgeVerbs.Running;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.KeptWiring;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The bridge's side of the kept ends: the wiring of every tree it restored, kept open as long as the bridge runs
 * (closed with it), and its console ends streamed to the client ({@code console}, {@code console_send}), found by the
 * tree's root pid and the end's image key.
 */
final class KeptConsoles implements AutoCloseable {
    private final List<KeptWiring> all = new CopyOnWriteArrayList<>();
    private final Map<Integer, KeptWiring> byRoot = new ConcurrentHashMap<>();

    /** Keeps the wiring of the tree restored with root {@code rootPid} (a later restore with that root pid is found first). */
    void keep(int rootPid, KeptWiring wiring) {
        all.add(wiring);
        byRoot.put(rootPid, wiring);
    }

    /** Text a follower may fall behind by before it is detached (the end goes on; the transcript keeps its last 1 MiB). */
    static final int BEHIND_LIMIT = 4 << 20;

    Running follow(int rootPid, String key, Consumer<BridgeProto.ConsoleData> data) throws Refused {
        KeptEnd end = console(rootPid, key);
        Follower f = new Follower(end, key, data);
        // the text so far goes first: a read that comes meanwhile waits for it (received takes the follower's lock)
        synchronized (f) {
            f.queue(end.listen(f));
        }
        String why = end.ended();
        if (why != null) f.ended(why);
        f.start();
        return f;
    }

    /**
     * One client following one end. The end's reader hands each read over and goes on (the tree is never held up by a
     * slow client); a sender thread writes them to the client in order. A client that falls behind by more than
     * {@link #BEHIND_LIMIT} is detached.
     */
    private static final class Follower implements KeptEnd.Listener, Running {
        private final KeptEnd end;
        private final String key;
        private final Consumer<BridgeProto.ConsoleData> data;
        private final java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>();
        private final CompletableFuture<BridgeProto.JsonReply> done = new CompletableFuture<>();
        private long behind;
        private String endedWhy;

        Follower(KeptEnd end, String key, Consumer<BridgeProto.ConsoleData> data) {
            this.end = end;
            this.key = key;
            this.data = data;
            done.whenComplete((r, t) -> end.removeListener(this));
        }

        synchronized void queue(String text) {
            if (text.isEmpty() && !pending.isEmpty()) return;
            pending.add(text);
            behind += text.length();
            notifyAll();
        }

        @Override
        public synchronized void received(String text) {
            if (done.isDone()) return;
            if (behind + text.length() > BEHIND_LIMIT) {
                finish("detached: this client fell more than " + (BEHIND_LIMIT >> 20) + " MiB behind (the end stays open; follow it again)");
                return;
            }
            queue(text);
        }

        @Override
        public synchronized void ended(String why) {
            if (endedWhy == null) endedWhy = why;
            notifyAll();
        }

        void start() {
            Thread t = new Thread(this::send, "console-follow-" + key);
            t.setDaemon(true);
            t.start();
        }

        private void send() {
            try {
                while (true) {
                    String text;
                    String why;
                    synchronized (this) {
                        while (pending.isEmpty() && endedWhy == null && !done.isDone()) wait();
                        if (done.isDone()) return;
                        if (pending.isEmpty()) {
                            why = endedWhy;
                            text = null;
                        } else {
                            StringBuilder b = new StringBuilder();
                            while (!pending.isEmpty() && b.length() < (1 << 20)) b.append(pending.poll());
                            text = b.toString();
                            behind -= text.length();
                            why = null;
                        }
                    }
                    if (text != null) data.accept(chunk(end, text));
                    else {
                        finish(why);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private synchronized void finish(String why) {
            pending.clear();
            done.complete(HostVerbs.reply("console-ended", why));
            notifyAll();
        }

        @Override public CompletableFuture<BridgeProto.JsonReply> result() { return done; }
        @Override public void cancel() { finish("detached (the end stays open)"); }
    }

    BridgeProto.ConsoleData send(int rootPid, String key, byte[] bytes) throws Refused {
        KeptEnd end = console(rootPid, key);
        if (!end.canSend()) throw new Refused(Code.INVALID_REQUEST, key + ": the restored tree holds the write end; this console only receives");
        String why = end.ended();
        if (why != null) throw new Refused(Code.FAILED, key + ": the console has ended (" + why + ")");
        try {
            end.send(new String(bytes, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new Refused(Code.FAILED, key + ": " + e.getMessage());
        }
        return BridgeProto.ConsoleData.newBuilder().setBytesIn(end.bytesReceived()).setBytesOut(end.bytesSent()).build();
    }

    private KeptEnd console(int rootPid, String key) throws Refused {
        KeptWiring w = byRoot.get(rootPid);
        if (w == null) throw new Refused(Code.NOT_FOUND, "this bridge keeps no ends of a tree restored with root " + rootPid);
        for (KeptEnd e : w.ends()) {
            if (!e.key().equals(key)) continue;
            if (!e.console()) throw new Refused(Code.INVALID_REQUEST, key + " is not a console (" + e.describe() + ")");
            return e;
        }
        throw new Refused(Code.NOT_FOUND, "the tree restored with root " + rootPid + " has no kept end " + key);
    }

    private static BridgeProto.ConsoleData chunk(KeptEnd end, String text) {
        return BridgeProto.ConsoleData.newBuilder().setData(ByteString.copyFromUtf8(text))
                .setBytesIn(end.bytesReceived()).setBytesOut(end.bytesSent()).build();
    }

    /** Closes every kept end (the trees see them close). */
    @Override
    public void close() {
        all.forEach(KeptWiring::close);
        all.clear();
        byRoot.clear();
    }
}
