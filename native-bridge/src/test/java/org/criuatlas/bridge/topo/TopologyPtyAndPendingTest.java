package org.criuatlas.bridge.topo;

import org.awaitility.Awaitility;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The two statements added for the scanner and planner tests: {@code pty} and {@code connect ... pending}. */
class TopologyPtyAndPendingTest {

    static long ttyNr(int pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[4]);
    }

    @Test
    void ptySlaveIsTheControllingTerminalOfItsSessionLeaderAndItsChildren() throws Exception {
        TopologySpec spec = new TopologySpec().process("outside").process("term").process("member", "term")
                .pty("tty", "outside", "term").share("tty", "term", "member");
        try (Topology t = Topology.start(spec)) {
            String slave = t.address("tty").value();
            assertTrue(slave.matches("/dev/pts/\\d+"), slave);
            assertEquals("/dev/ptmx", ProcView.fds(t.pid("outside")).get(t.end("tty", "outside").fd()));
            assertEquals(Map.of(0, "/dev/null", 1, "/dev/null", 2, "/dev/null", 3, slave), ProcView.fds(t.pid("term")));
            assertEquals(Map.of(0, "/dev/null", 1, "/dev/null", 2, "/dev/null", 3, slave), ProcView.fds(t.pid("member")));
            // pts major 136: tty_nr = (136 << 8) | minor for minors below 256
            long dev = (136 << 8) | Integer.parseInt(slave.substring("/dev/pts/".length()));
            assertEquals(dev, ttyNr(t.pid("term")), "the leader's controlling terminal");
            assertEquals(dev, ttyNr(t.pid("member")), "its child shares it");
            assertEquals(0, ttyNr(t.pid("outside")), "the master's holder has none");
            assertEquals(t.pid("term"), ProcView.of(t.pid("member")).sid());
        }
    }

    @Test
    void pendingConnectionsStayInTheListenersQueue() throws Exception {
        TopologySpec spec = new TopologySpec().process("srv").process("cli")
                .listen("l", SocketType.STREAM, "srv", TopologySpec.AUTO_PATH)
                .connect("c1", "cli", "l")
                .connectPending("c2", "cli", "l")
                .connectPending("c3", "srv", "l");
        try (Topology t = Topology.start(spec); LiveScanner scanner = new LiveScanner()) {
            assertEquals(List.of("client", "accepted"), t.ends("c1").stream().map(Topology.End::role).toList());
            assertEquals(List.of("client"), t.ends("c2").stream().map(Topology.End::role).toList());
            // the listener's process must not accept them at run time either: they stay in its queue
            ScanScope scope = ScanScope.subtrees(Set.of(t.pid("srv"), t.pid("cli")));
            long listener = t.inode("l", "srv");
            Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                    .until(() -> scanner.scan(scope).socket(listener).pending().size() == 2);
            IpcGraph g = scanner.scan(scope);
            UnixSocket l = g.socket(t.inode("l", "srv"));
            assertEquals(List.of(t.inode("c2", "cli"), t.inode("c3", "srv")), l.pending());
            assertEquals(2, l.recvQueue());
            assertEquals(t.end("c1", "accepted", "srv").inode(), g.socket(t.inode("c1", "cli")).peer());
        }
    }

    @Test
    void anAcceptedConnectionAfterAPendingOneIsRefused() {
        TopologySpec spec = new TopologySpec().process("srv")
                .listen("l", SocketType.STREAM, "srv", TopologySpec.AUTO_ABSTRACT)
                .connectPending("c1", "srv", "l")
                .connect("c2", "srv", "l");
        TopologyException e = assertThrows(TopologyException.class, () -> Topology.start(spec).close());
        assertTrue(e.getMessage().contains("must come before its pending ones"), e.getMessage());
    }

    @Test
    void specRejectsUnknownEnds() {
        assertThrows(IllegalArgumentException.class, () -> new TopologySpec().process("a").connectPending("c", "a", "nosuch"));
        assertEquals("pty tty a b\n", new TopologySpec().process("a").process("b").pty("tty", "a", "b").text()
                .lines().reduce((x, y) -> y).orElseThrow() + "\n");
        new TopologySpec().process("a").process("b").pty("tty", "a", "b").fd("tty", "slave", 7).fd("tty", "master", 8);
    }
}
