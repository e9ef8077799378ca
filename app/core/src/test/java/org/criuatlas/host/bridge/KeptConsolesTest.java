package org.criuatlas.host.bridge;

import org.criuatlas.bridge.server.BridgeVerbs.Running;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.KeptWiring;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bridge's follower of a kept console, on an end made here (the real stream through a bridge process is
 * BridgeConsoleTest): the text so far goes first, then each read in order; a client that does not take what is sent
 * never holds up the end's reader (the restored tree), and one more than 4 MiB behind is detached, the end left open.
 */
class KeptConsolesTest {
    /** A console end whose reads the test makes (the reader thread is the test's). */
    static final class Hand implements KeptEnd {
        final List<Listener> listeners = new CopyOnWriteArrayList<>();
        final StringBuilder transcript = new StringBuilder("before ");

        void read(String text) {
            synchronized (transcript) {
                transcript.append(text);
            }
            for (Listener l : listeners) l.received(text);
        }

        @Override public String key() { return "socket:[7]"; }
        @Override public int criuFd() { return 10; }
        @Override public String describe() { return "a hand-made console"; }
        @Override public boolean console() { return true; }
        @Override public boolean canSend() { return true; }
        @Override public boolean canReceive() { return true; }
        @Override public String transcript() { synchronized (transcript) { return transcript.toString(); } }
        @Override public long bytesReceived() { return 0; }
        @Override public void send(String text) {}
        @Override public void addListener(Listener l) { listeners.add(l); }
        @Override public void removeListener(Listener l) { listeners.remove(l); }

        @Override
        public String listen(Listener l) {
            synchronized (transcript) {
                listeners.add(l);
                return transcript.toString();
            }
        }
    }

    private static KeptConsoles kept(Hand end) {
        KeptConsoles k = new KeptConsoles();
        k.keep(42, new KeptWiring() {
            @Override public List<KeptEnd> ends() { return List.of(end); }
            @Override public void close() {}
        });
        return k;
    }

    @Test
    void theTextSoFarComesFirstThenEachReadInOrder() throws Exception {
        Hand end = new Hand();
        StringBuilder got = new StringBuilder();
        CountDownLatch all = new CountDownLatch(1);
        Running r = kept(end).follow(42, "socket:[7]", d -> {
            synchronized (got) {
                got.append(d.getData().toStringUtf8());
                if (got.toString().endsWith("999;")) all.countDown();
            }
        });
        for (int i = 0; i < 1000; i++) end.read(i + ";");
        assertTrue(all.await(20, TimeUnit.SECONDS));
        StringBuilder want = new StringBuilder("before ");
        for (int i = 0; i < 1000; i++) want.append(i).append(';');
        assertEquals(want.toString(), got.toString());
        r.cancel();
        assertTrue(r.result().get(5, TimeUnit.SECONDS).getJson().toStringUtf8().contains("detached"));
        assertTrue(end.listeners.isEmpty(), "the follower is gone from the end");
    }

    @Test
    void aClientThatTakesNothingNeverHoldsUpTheReaderAndIsDetachedPast4MiB() throws Exception {
        Hand end = new Hand();
        CountDownLatch release = new CountDownLatch(1);
        Running r = kept(end).follow(42, "socket:[7]", d -> {
            try {
                release.await(); // a client whose link is stuck
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String mib = "x".repeat(1 << 20);
        for (int i = 0; i < 6; i++) end.read(mib); // returns at once each time: the tree goes on
        BridgeProto.JsonReply ended = r.result().get(5, TimeUnit.SECONDS);
        assertTrue(ended.getJson().toStringUtf8().contains("4 MiB behind"), ended.getJson().toStringUtf8());
        assertTrue(end.listeners.isEmpty());
        release.countDown();
    }
}
