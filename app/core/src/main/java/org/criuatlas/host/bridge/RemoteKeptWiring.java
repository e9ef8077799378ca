package org.criuatlas.host.bridge;

import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.KeptWiring;
import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.util.List;

/**
 * The kept ends of a tree restored through a bridge, as this side knows them: protocol 1 does not
 * stream them, so they are read from the wiring plan the restore was sent (every row handed in with
 * {@code --inherit-fd}). They live in the bridge there as long as its connection; closing this closes
 * nothing (closing the {@link BridgeHost} does). A caller that must keep them alive (the CLI's
 * {@code restore --host}, {@code migrate} to another host) sees them here and waits.
 */
record RemoteKeptWiring(List<KeptEnd> ends) implements KeptWiring {
    static KeptWiring of(RestoreWiringPlan plan, String where) {
        List<KeptEnd> ends = plan.inheritRows().stream()
                .<KeptEnd>map(r -> new Remote(r.key(), r.criuFd(), r.destination().describe() + ", kept by the bridge on " + where))
                .toList();
        return ends.isEmpty() ? KeptWiring.NONE : new RemoteKeptWiring(ends);
    }

    @Override
    public void close() {}

    /** An end that only describes itself: its bytes stay on the other host. */
    record Remote(String key, int criuFd, String describe) implements KeptEnd {
        @Override public boolean console() { return false; }
        @Override public boolean canSend() { return false; }
        @Override public boolean canReceive() { return false; }
        @Override public String transcript() { return ""; }
        @Override public long bytesReceived() { return 0; }
        @Override public void send(String text) { throw new UnsupportedOperationException(describe + ": not streamed to this side"); }
        @Override public void addListener(Listener l) {}
    }
}
