package org.criuatlas.host.bridge;

import com.google.protobuf.ByteString;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Reply;
import org.criuatlas.bridge.server.proto.BridgeProto.Request;
import org.criuatlas.host.DescribedEnd;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.KeptWiring;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.plan.restore.WiringRow;
import org.criuatlas.restore.Transcript;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kept ends of a tree restored through a bridge, as this side knows them: every row the wiring
 * plan handed in with {@code --inherit-fd}. They live in the bridge there, as long as its connection.
 * A console end is streamed here ({@code console}: the text so far, then each read; {@code console_send}
 * writes) when the bridge serves it; the others, and every end of a bridge that predates streaming,
 * only describe themselves. Closing this detaches the streams and closes nothing there (closing the
 * {@link BridgeHost} does); a caller that must keep the ends alive (the CLI's {@code restore --host},
 * {@code migrate} to another host) waits while the tree runs.
 */
final class RemoteKeptWiring implements KeptWiring {
    private final List<KeptEnd> ends;

    private RemoteKeptWiring(List<KeptEnd> ends) {
        this.ends = ends;
    }

    /**
     * The ends of {@code plan}'s restore, kept by the bridge behind {@code link} for the tree rooted at {@code rootPid};
     * its consoles streamed when {@code stream} (the bridge serves {@code console}).
     */
    static KeptWiring of(RestoreWiringPlan plan, BridgeLink link, boolean stream, int rootPid) {
        String where = link.where();
        List<KeptEnd> ends = new ArrayList<>();
        for (WiringRow r : plan.inheritRows()) {
            if (stream && r.destination().kind() == Destination.Kind.CONSOLE) ends.add(new Streamed(link, rootPid, r).start());
            else ends.add(new Remote(r.key(), r.criuFd(), r.destination().describe() + ", kept by the bridge on " + where));
        }
        return ends.isEmpty() ? KeptWiring.NONE : new RemoteKeptWiring(List.copyOf(ends));
    }

    @Override
    public List<KeptEnd> ends() { return ends; }

    @Override
    public void close() {
        for (KeptEnd e : ends) if (e instanceof Streamed s) s.detach();
    }

    /** An end that only describes itself: its bytes stay on the other host. */
    record Remote(String key, int criuFd, String describe) implements DescribedEnd {
        @Override public void send(String text) { throw new UnsupportedOperationException(describe + ": not streamed to this side"); }
    }

    /**
     * A console end the bridge keeps, streamed: what the bridge reads from the tree arrives as {@code console} events
     * (on the link's reader thread) and joins the transcript here; {@link #send} waits for the bridge's write.
     */
    static final class Streamed implements KeptEnd {
        private final BridgeLink link;
        private final int rootPid;
        private final WiringRow row;
        private final Transcript<Listener> transcript = new Transcript<>(TRANSCRIPT_LIMIT);
        private final AtomicLong in = new AtomicLong(), out = new AtomicLong();
        private final Object sendLock = new Object();
        /** How long a send waits for the bridge's write (a tree that does not read fills the buffer). */
        static final java.time.Duration SEND_WAIT = java.time.Duration.ofSeconds(30);
        private volatile String ended;
        private volatile BridgeLink.Sent following;

        Streamed(BridgeLink link, int rootPid, WiringRow row) {
            this.link = link;
            this.rootPid = rootPid;
            this.row = row;
        }

        Streamed start() {
            BridgeLink.Sent s = link.start(Request.newBuilder().setConsole(BridgeProto.ConsoleRequest.newBuilder()
                    .setRootPid(rootPid).setKey(row.key())), this::event);
            following = s;
            s.reply().whenComplete((r, t) -> end(t != null ? "the bridge on " + link.where() + ": " + t.getMessage()
                    : r.hasError() ? "the bridge on " + link.where() + " refused: " + r.getError().getMessage() : endedWhy(r)));
            return this;
        }

        private static String endedWhy(Reply r) {
            try {
                String why = BridgeHost.json(r.getJson(), String.class);
                return why == null ? "ended" : why;
            } catch (RuntimeException e) {
                return "ended (" + e.getMessage() + ")";
            }
        }

        private void event(Reply r) {
            if (!r.hasConsole()) return;
            BridgeProto.ConsoleData d = r.getConsole();
            String text = d.getData().toStringUtf8();
            // events come one at a time, on the link's reader thread
            in.set(d.getBytesIn());
            out.accumulateAndGet(d.getBytesOut(), Math::max);
            if (text.isEmpty()) return;
            Transcript.tell(transcript.append(text), l -> {
                l.received(text);
                l.counted(d.getBytesIn(), out.get());
            });
        }

        private void end(String why) {
            synchronized (this) {
                if (ended != null) return;
                ended = why;
            }
            transcript.tell(l -> l.ended(why));
        }

        /** Stops the stream here; the end stays open in the bridge. */
        void detach() {
            BridgeLink.Sent s = following;
            if (s != null && !s.reply().isDone()) link.cancel(s.id());
        }

        @Override public String key() { return row.key(); }
        @Override public int criuFd() { return row.criuFd(); }

        @Override
        public String describe() {
            return row.key() + " kept in a console by " + keptBy() + ", streamed here ("
                    + (canSend() && canReceive() ? "text in and out" : canSend() ? "send only" : "receive only") + ")";
        }

        @Override public boolean console() { return true; }
        @Override public String keptBy() { return "the bridge on " + link.where(); }
        @Override public boolean canSend() { return row.replacement().ourEndWrites(); }
        @Override public boolean canReceive() { return row.replacement().ourEndReads(); }
        @Override public long bytesReceived() { return in.get(); }
        @Override public long bytesSent() { return out.get(); }
        @Override public String ended() { return ended; }

        @Override public String transcript() { return transcript.text(); }
        @Override public void addListener(Listener l) { transcript.add(l); }
        @Override public void removeListener(Listener l) { transcript.remove(l); }
        @Override public String listen(Listener l) { return transcript.listen(l); }

        /** Writes {@code text} through the bridge; waits until it is written there. Not on the FX thread. */
        @Override
        public void send(String text) {
            if (!canSend()) throw new IllegalStateException(row.key() + ": the restored process holds the write end; this console only receives");
            String why = ended;
            if (why != null) throw new IllegalStateException(row.key() + ": the console has ended (" + why + ")");
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            Reply r;
            synchronized (sendLock) { // in order: one write at a time
                try {
                    r = link.send(Request.newBuilder().setConsoleSend(BridgeProto.ConsoleSendRequest.newBuilder()
                            .setRootPid(rootPid).setKey(row.key()).setData(ByteString.copyFrom(b))), null).get(SEND_WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException(row.key() + ": the restored process has read nothing for " + SEND_WAIT.toSeconds()
                            + " s; the text is still waiting to be written on " + link.where(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(row.key() + ": interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(row.key() + ": " + e.getCause().getMessage(), e.getCause());
                }
                if (r.hasError()) throw new IllegalStateException(row.key() + ": " + r.getError().getMessage());
            }
            long o = out.accumulateAndGet(r.getConsole().getBytesOut(), Math::max);
            long i = in.get();
            transcript.tell(l -> l.counted(i, o));
        }
    }
}
