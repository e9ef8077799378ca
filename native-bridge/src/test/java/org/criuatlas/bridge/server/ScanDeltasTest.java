package org.criuatlas.bridge.server;

import com.google.protobuf.ByteString;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The graph's JSON and binary form on the wire lose nothing, and a delta applied to the graph it was made against gives the new graph. */
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
    void aLiveGraphSurvivesTheBinaryForm() throws Exception {
        try (LiveScanner s = new LiveScanner()) {
            GraphWire w = GraphWire.of(s.scan());
            byte[] bin = GraphBinary.write(w);
            assertEquals(w, GraphBinary.read(ByteString.copyFrom(bin)), "every record of a live scan equal after the binary form");
            byte[] json = BridgeJson.write(w);
            assertTrue(bin.length < json.length, bin.length + " bytes binary vs " + json.length + " JSON");
            // a receiver holding a binary graph takes the next delta against it
            ScanDeltas.Sender tx = new ScanDeltas.Sender();
            ScanDeltas.Receiver rx = new ScanDeltas.Receiver();
            ScanDeltas.Encoded first = tx.encode(w.graph(), true, true);
            assertTrue(first.binary());
            rx.decodeBinary(ByteString.copyFrom(first.full()), first.generation());
            IpcGraph b = s.scan();
            ScanDeltas.Encoded next = tx.encode(b, true, true);
            assertNull(next.full(), "after a whole graph, a delta");
            assertEquals(GraphWire.of(b), GraphWire.of(rx.decode(null, next.delta(), next.generation(), next.base())));
        }
    }

    @Test
    void deletedMappingsSurviveBothForms() throws Exception {
        org.criuatlas.model.ProcessInfo p = new org.criuatlas.model.ProcessInfo(42, 1, "old", java.util.List.of("old"), 0, 'S', 42, 42, 0, 0,
                java.util.List.of(), true, -1, 0, 1, org.criuatlas.model.SeccompMode.DISABLED, org.criuatlas.model.Namespaces.UNKNOWN, "/",
                java.util.List.of(new org.criuatlas.model.DeletedMapping("/usr/lib/libold.so", 1311, 2_097_152, 0),
                        new org.criuatlas.model.DeletedMapping("/srv/linked", 99, -1, 1)));
        GraphWire w = GraphWire.of(IpcGraph.builder(new IpcGraph.Meta(IpcGraph.Source.LIVE, "test", java.time.Instant.EPOCH, true, 0))
                .processes(java.util.List.of(p)).build());
        assertEquals(w, GraphBinary.read(ByteString.copyFrom(GraphBinary.write(w))));
        assertEquals(p, BridgeJson.read(BridgeJson.write(w), GraphWire.class).processes().get(0));
    }

    @Test
    void aDamagedBinaryGraphIsAnIOException() throws Exception {
        byte[] bin;
        try (LiveScanner s = new LiveScanner()) {
            bin = GraphBinary.write(GraphWire.of(s.scan()));
        }
        byte[] other = bin.clone();
        other[0] = 3;
        IOException format = assertThrows(IOException.class, () -> GraphBinary.read(ByteString.copyFrom(other)));
        assertTrue(format.getMessage().contains("format 3"), format.getMessage());
        assertThrows(IOException.class, () -> GraphBinary.read(ByteString.copyFrom(bin, 0, bin.length - 1)), "cut short");
        byte[] longer = java.util.Arrays.copyOf(bin, bin.length + 1);
        assertThrows(IOException.class, () -> GraphBinary.read(ByteString.copyFrom(longer)), "a byte too many");
        // flipped bytes: either still a graph (a number changed) or an IOException, never anything else
        java.util.Random r = new java.util.Random(12);
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            byte[] b = bin.clone();
            for (int k = 0; k < 3; k++) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
            try {
                GraphBinary.read(ByteString.copyFrom(b));
            } catch (IOException e) {
                refused++;
            }
        }
        assertTrue(refused > 0, "some damage is seen");
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
