package org.criuatlas.bridge.scan;

import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Builds a known topology of real processes and checks the scan sees exactly it. */
class LiveScannerTopologyTest {
    static PerlTopology topo;
    static LiveScanner scanner;
    static IpcGraph whole;
    static IpcGraph scoped;

    @BeforeAll
    static void build() throws Exception {
        topo = new PerlTopology();
        scanner = new LiveScanner();
        whole = scanner.scan();
        scoped = scanner.scan(ScanScope.subtrees(Set.of(topo.pid())));
    }

    @AfterAll
    static void tearDown() {
        if (scanner != null) scanner.close();
        if (topo != null) topo.close();
    }

    static Holder holder(PerlTopology.End e) { return new Holder(e.pid(), e.fd()); }

    static UnixSocket socket(IpcGraph g, String label) {
        PerlTopology.End e = topo.one(label);
        UnixSocket s = g.socket(e.ino());
        assertNotNull(s, label + " (socket:[" + e.ino() + "]) is in the scan");
        assertEquals(FdKind.SOCKET, g.process(e.pid()).fd(e.fd()).kind(), label + " fd kind");
        assertEquals(e.ino(), g.process(e.pid()).fd(e.fd()).inode(), label + " fd inode");
        return s;
    }

    @Test
    void socketpairsOfEachTypeWithTheirPeersAndHolders() {
        for (IpcGraph g : List.of(whole, scoped)) {
            for (String t : List.of("stream", "dgram", "seqpacket")) {
                UnixSocket a = socket(g, "pair-" + t + "-a"), b = socket(g, "pair-" + t + "-b");
                SocketType type = SocketType.valueOf(t.toUpperCase());
                assertEquals(type, a.type());
                assertEquals(type, b.type());
                assertEquals(SocketState.ESTABLISHED, a.state());
                assertEquals(SocketName.NONE, a.name());
                assertEquals(b.ino(), a.peer());
                assertEquals(a.ino(), b.peer());
                assertEquals(List.of(holder(topo.one("pair-" + t + "-a"))), a.holders());
                assertEquals(List.of(holder(topo.one("pair-" + t + "-b"))), b.holders());
            }
        }
    }

    @Test
    void aSocketHeldByTwoProcessesListsBothHolders() {
        List<PerlTopology.End> shared = topo.ends.get("shared");
        assertEquals(2, shared.size());
        UnixSocket s = whole.socket(shared.get(0).ino());
        assertEquals(shared.stream().map(LiveScannerTopologyTest::holder).sorted().toList(), s.holders());
        assertEquals(topo.one("shared-peer").ino(), s.peer());
        assertTrue(whole.edges().stream().anyMatch(e -> e.kind() == org.criuatlas.model.GraphEdge.Kind.SHARED
                && e.objectKey().equals(s.key())));
    }

    @Test
    void namedListenerWithAcceptedAndPendingClients() {
        UnixSocket l = socket(whole, "listener");
        assertEquals(SocketType.STREAM, l.type());
        assertEquals(SocketState.LISTEN, l.state());
        assertEquals(SocketName.path(topo.dir.resolve("listen.sock").toString()), l.name());
        assertEquals(List.of(topo.one("client-pending").ino()), l.pending());
        assertEquals(1, l.recvQueue(), "one connection waits to be accepted");
        assertEquals(5, l.sendQueue(), "backlog");
        assertEquals(List.of(holder(topo.one("listener"))), l.holders());

        UnixSocket acc = socket(whole, "accepted"), cli = socket(whole, "client-accepted");
        assertEquals(cli.ino(), acc.peer());
        assertEquals(acc.ino(), cli.peer());
        assertEquals(l.name(), acc.name(), "an accepted socket carries the listener's name");
        assertEquals(SocketName.NONE, cli.name());
        assertEquals(List.of(holder(topo.one("client-accepted"))), cli.holders());

        UnixSocket pending = socket(whole, "client-pending");
        assertEquals(SocketState.ESTABLISHED, pending.state());
        assertEquals(List.of(holder(topo.one("client-pending"))), pending.holders());
    }

    @Test
    void abstractDgramServerAndItsClient() {
        UnixSocket server = socket(whole, "dgram-server"), client = socket(whole, "dgram-client");
        assertEquals(SocketType.DGRAM, server.type());
        assertEquals(SocketName.Kind.ABSTRACT, server.name().kind());
        assertEquals("atlas-scan-test-" + topo.pid(), server.name().value());
        assertEquals(server.ino(), client.peer());
        assertEquals(0, server.peer());
        assertEquals(List.of(client), whole.socketsConnectedTo(server.ino()));
        assertTrue(whole.edges().stream().anyMatch(e -> e.kind() == org.criuatlas.model.GraphEdge.Kind.SOCKET_PEER
                && e.fromPid() == topo.one("dgram-client").pid() && e.toPid() == topo.pid()));
    }

    @Test
    void pipeAndFifoEnds() {
        for (IpcGraph g : List.of(whole, scoped)) {
            PerlTopology.End r = topo.one("pipe-read"), w = topo.one("pipe-write");
            assertEquals(r.ino(), w.ino());
            Pipe p = g.pipe(r.ino());
            assertNotNull(p);
            assertFalse(p.isFifo());
            assertEquals(List.of(holder(r)), p.readers());
            assertEquals(List.of(holder(w)), p.writers());
            assertEquals(FdKind.PIPE, g.process(r.pid()).fd(r.fd()).kind());

            PerlTopology.End fr = topo.one("fifo-read"), fw = topo.one("fifo-write");
            Pipe f = g.pipe(fr.ino());
            assertNotNull(f, "fifo by its inode");
            assertEquals(topo.dir.resolve("fifo").toString(), f.fifoPath());
            assertEquals(List.of(holder(fr)), f.readers());
            assertEquals(List.of(holder(fw)), f.writers());
            assertEquals(FdKind.FIFO, g.process(fw.pid()).fd(fw.fd()).kind());
            assertTrue(g.edges().stream().anyMatch(e -> e.kind() == org.criuatlas.model.GraphEdge.Kind.PIPE
                    && e.fromPid() == w.pid() && e.toPid() == r.pid()));
        }
    }

    @Test
    void parentsAndChildren() {
        assertFalse(topo.parentOf.isEmpty());
        topo.parentOf.forEach((child, parent) -> {
            assertEquals(parent, whole.process(child).ppid(), "ppid of " + child);
            assertTrue(whole.children(parent).contains(child));
        });
        Set<Integer> expected = new HashSet<>(topo.parentOf.keySet());
        expected.add(topo.pid());
        assertEquals(expected, scoped.processes().keySet(), "a subtree scan holds the root and its descendants");
        assertEquals(expected, whole.subtree(topo.pid()));
        assertTrue(whole.process(topo.pid()).cmdline().contains("perl"));
        assertEquals("perl", whole.process(topo.pid()).comm());
    }

    @Test
    void aScopedScanKeepsPeersOutsideTheScopeButNoOutsideHolders() {
        // every socket the topology holds is present, and no holder lies outside the subtree
        for (List<PerlTopology.End> es : topo.ends.values()) {
            for (PerlTopology.End e : es) {
                if (scoped.pipe(e.ino()) == null) assertNotNull(scoped.socket(e.ino()), "socket " + e);
            }
        }
        for (UnixSocket s : scoped.sockets().values()) {
            for (Holder h : s.holders()) assertTrue(scoped.processes().containsKey(h.pid()));
        }
    }
}
