package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole-system scan against {@code ss -xap} taken right before and right after it: every
 * socket that ss reports identically both times must agree with the scan on inode, type, state,
 * name, peer and holders.
 */
class LiveScannerVersusSsTest {
    @Test
    void everyStableSocketAgreesWithSs() throws Exception {
        Requirements.requireRoot(); // ss -p shows other users' holders only to root
        try (Topology topo = Topology.start(LiveScannerTopologyTest.spec()); LiveScanner scanner = new LiveScanner()) {
            scanner.scan(); // warm: the comparison window should be short
            Map<Long, SsOutput.Row> before = SsOutput.run();
            IpcGraph g = scanner.scan();
            Map<Long, SsOutput.Row> after = SsOutput.run();
            int compared = 0;
            List<String> mismatches = new ArrayList<>();
            for (SsOutput.Row row : before.values()) {
                SsOutput.Row again = after.get(row.ino());
                if (again == null || !again.key().equals(row.key())) continue; // changed between the two ss runs
                compared++;
                UnixSocket s = g.socket(row.ino());
                if (s == null) {
                    mismatches.add("missing from the scan: " + row.line());
                    continue;
                }
                String type = switch (s.type()) {
                    case STREAM -> "u_str";
                    case DGRAM -> "u_dgr";
                    case SEQPACKET -> "u_seq";
                    default -> "?";
                };
                String state = switch (s.state()) {
                    case ESTABLISHED -> "ESTAB";
                    case LISTEN -> "LISTEN";
                    case UNCONNECTED -> "UNCONN";
                    case CONNECTING -> "SYN-SENT";
                    default -> "?";
                };
                List<String> holders = s.holders().stream().map(h -> h.pid() + "/" + h.fd()).sorted().toList();
                String ours = type + " " + state + " '" + s.name().display() + "' peer " + s.peer() + " " + holders;
                String theirs = row.netid() + " " + row.state() + " '" + row.name() + "' peer " + row.peer() + " " + row.holders();
                if (!ours.equals(theirs)) mismatches.add(row.ino() + ": scan " + ours + " / ss " + theirs);
            }
            assertTrue(compared >= 32, "the topology alone has 32 sockets; compared " + compared);
            assertEquals(List.of(), mismatches);
            // the topology's sockets were among those compared
            for (Topology.End e : topo.manifest().ends()) {
                if (g.socket(e.inode()) != null) {
                    assertTrue(before.containsKey(e.inode()), "ss sees socket " + e.inode());
                    assertTrue(g.socket(e.inode()).holders().contains(new Holder(e.pid(), e.fd())));
                }
            }
        }
    }
}
