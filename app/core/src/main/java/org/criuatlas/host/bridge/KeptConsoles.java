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

    Running follow(int rootPid, String key, Consumer<BridgeProto.ConsoleData> data) throws Refused {
        KeptEnd end = console(rootPid, key);
        CompletableFuture<BridgeProto.JsonReply> done = new CompletableFuture<>();
        // the text so far goes first: a read that comes meanwhile waits for it (the listener takes the same lock)
        Object order = new Object();
        KeptEnd.Listener l = new KeptEnd.Listener() {
            @Override
            public void received(String text) {
                synchronized (order) {
                    if (!done.isDone()) data.accept(chunk(end, text));
                }
            }

            @Override
            public void ended(String why) {
                done.complete(HostVerbs.reply("console-ended", why));
            }
        };
        synchronized (order) {
            String so = end.listen(l);
            data.accept(chunk(end, so));
        }
        String why = end.ended();
        if (why != null) done.complete(HostVerbs.reply("console-ended", why));
        done.whenComplete((r, t) -> end.removeListener(l));
        return new Running() {
            @Override public CompletableFuture<BridgeProto.JsonReply> result() { return done; }
            @Override public void cancel() { done.complete(HostVerbs.reply("console-ended", "detached (the end stays open)")); }
        };
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
