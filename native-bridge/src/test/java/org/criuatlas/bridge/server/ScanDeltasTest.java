package org.criuatlas.bridge.server;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The graph's JSON on the wire loses nothing, and a delta applied to the graph it was made against gives the new graph. */
class ScanDeltasTest {
    @Test
    void aLiveGraphSurvivesTheWire() throws Exception {
        try (LiveScanner s = new LiveScanner()) {
            IpcGraph g = s.scan();
            GraphWire w = GraphWire.of(g);
            GraphWire back = BridgeJson.read(BridgeJson.write(w), GraphWire.class);
            assertEquals(w, back, "every record of a live scan equal after JSON");
            IpcGraph again = BridgeJson.read(BridgeJson.write(g), IpcGraph.class);
            assertEquals(g.processes(), again.processes());
            assertEquals(g.edges(), again.edges(), "the derived edges too");
            assertEquals(g.meta(), again.meta());
        }
    }

    @Test
    void deltasRebuildTheNewGraph() throws Exception {
        try (LiveScanner s = new LiveScanner()) {
            ScanDeltas.Sender tx = new ScanDeltas.Sender();
            ScanDeltas.Receiver rx = new ScanDeltas.Receiver();
            IpcGraph a = s.scan();
            ScanDeltas.Encoded first = tx.encode(a, true);
            assertNotNull(first.full(), "the first scan goes whole");
            rx.decode(first.full(), first.delta(), first.generation(), first.base());
            Process p = new ProcessBuilder("sleep", "300").start();
            try {
                IpcGraph b = s.scan();
                ScanDeltas.Encoded next = tx.encode(b, true);
                assertNull(next.full());
                // a delta is about what changed: on a quiet machine one process, on a busy one (a parallel
                // build) many; the bound grows with the share of processes that are new or differ
                long differ = b.processes().values().stream().filter(q -> !q.equals(a.process(q.pid()))).count();
                double share = (double) differ / Math.max(1, b.processes().size());
                assertTrue(next.delta().length < first.full().length * (0.45 + share),
                        next.delta().length + " vs " + first.full().length + " with " + differ + " of " + b.processes().size() + " processes new or changed");
                IpcGraph got = rx.decode(next.full(), next.delta(), next.generation(), next.base());
                assertEquals(GraphWire.of(b), GraphWire.of(got), "the delta gives exactly the new graph");
                assertNotNull(got.process((int) p.pid()));
            } finally {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            IpcGraph c = s.scan();
            ScanDeltas.Encoded third = tx.encode(c, true);
            IpcGraph got = rx.decode(null, third.delta(), third.generation(), third.base());
            assertEquals(GraphWire.of(c), GraphWire.of(got));
            assertNull(got.process((int) p.pid()), "an ended process leaves");
            // a delta against a generation the receiver does not hold is refused
            assertThrows(java.io.IOException.class, () -> rx.decode(null, third.delta(), third.generation(), third.base()));
        }
    }
}
