package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.model.GraphEdge;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.criuatlas.model.SocketType.DGRAM;
import static org.criuatlas.model.SocketType.SEQPACKET;
import static org.criuatlas.model.SocketType.STREAM;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Builds a known tree of real processes with the project's topology builder and checks that the
 * scan equals it: every process (parent, session, fds), every socket (type, state, name, peer,
 * queues, pending connections, holders) and every pipe/FIFO (readers, writers), as the builder's
 * manifest (pids, fds, inodes) says. The tree is rooted at {@code hub}; {@code outside} is a
 * separate process holding the other end of some of its connections.
 */
class LiveScannerTopologyTest {
    static Topology topo;
    static LiveScanner scanner;
    static IpcGraph whole;
    static IpcGraph scoped;
    static Set<Integer> tree;

    static TopologySpec spec() {
        return new TopologySpec()
                .process("hub").process("kid1", "hub").process("kid2", "hub").process("gkid", "kid1")
                .process("outside")
                // each socketpair type between processes of the tree
                .socketpair("pair-stream", STREAM, "hub", "kid1")
                .socketpair("pair-dgram", DGRAM, "kid1", "gkid")
                .socketpair("pair-seqpacket", SEQPACKET, "kid2", "hub")
                // and to a process outside the tree
                .socketpair("out-stream", STREAM, "gkid", "outside")
                .socketpair("out-dgram", DGRAM, "outside", "kid2")
                .socketpair("out-seqpacket", SEQPACKET, "hub", "outside")
                // a named stream listener: accepted clients inside and outside, then pending ones
                .listen("web", STREAM, "hub", TopologySpec.AUTO_PATH)
                .connect("web-kid1", "kid1", "web")
                .connect("web-out", "outside", "web")
                .connectPending("web-wait-kid2", "kid2", "web")
                .connectPending("web-wait-out", "outside", "web")
                // a seqpacket listener under an abstract name, its client in the tree
                .listen("seq", SEQPACKET, "kid2", TopologySpec.AUTO_ABSTRACT)
                .connect("seq-gkid", "gkid", "seq")
                // a listener outside with a client inside
                .listen("db", STREAM, "outside", TopologySpec.AUTO_ABSTRACT)
                .connect("db-kid2", "kid2", "db")
                // a named dgram "syslog" server with connected clients inside and outside
                .dgramServer("syslog", "hub", TopologySpec.AUTO_PATH)
                .connect("log-kid1", "kid1", "syslog")
                .connect("log-gkid", "gkid", "syslog")
                .connect("log-out", "outside", "syslog")
                // an abstract dgram server outside with a client inside
                .dgramServer("journal", "outside", TopologySpec.AUTO_ABSTRACT)
                .connect("journal-hub", "hub", "journal")
                .unbound("lone", DGRAM, "gkid")
                // pipes inside, into and out of the tree, and a FIFO
                .pipe("p-in", "hub", "kid1")
                .pipe("p-to-out", "kid2", "outside")
                .pipe("p-from-out", "outside", "gkid")
                .fifo("fifo", null, "kid1", "hub")
                // fds shared by two processes (as after fork): inside the tree and across its edge
                .share("pair-stream", "hub", "kid2")
                .share("p-in", "hub", "gkid")
                .share("out-stream", "gkid", "kid1", null, 40)
                .share("syslog", "hub", "outside");
    }

    @BeforeAll
    static void build() {
        topo = Topology.start(spec());
        scanner = new LiveScanner();
        whole = scanner.scan();
        scoped = scanner.scan(ScanScope.subtrees(Set.of(topo.pid("hub"))));
        tree = Set.of(topo.pid("hub"), topo.pid("kid1"), topo.pid("kid2"), topo.pid("gkid"));
    }

    @AfterAll
    static void tearDown() {
        if (scanner != null) scanner.close();
        if (topo != null) topo.close();
    }

    @Test
    void everyProcessEqualsWhatWasBuilt() throws Exception {
        TopologyExpectation want = new TopologyExpectation(topo, null);
        for (ProcessInfo p : want.processes.values()) {
            assertEquals(p, TopologyExpectation.core(whole.process(p.pid())), "process " + p.comm());
            // what atlas-topo promises beyond that: one thread, cwd /, nothing traced or filtered, our namespaces,
            // fds 0-2 on the /dev/null we see
            ProcessInfo got = whole.process(p.pid());
            assertEquals(1, got.threads(), p.comm());
            assertEquals(0, got.tracerPid(), p.comm());
            assertEquals(org.criuatlas.model.SeccompMode.DISABLED, got.seccomp(), p.comm());
            assertEquals("/", got.cwd(), p.comm());
            assertEquals(whole.meta().scanner(), got.namespaces(), p.comm());
            long devNull = (Long) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/dev/null"), "unix:ino");
            for (int fd = 0; fd < 3; fd++) assertEquals(devNull, got.fd(fd).file().ino(), p.comm() + " fd " + fd);
        }
    }

    @Test
    void everySocketEqualsWhatWasBuilt() throws Exception {
        TopologyExpectation want = new TopologyExpectation(topo, null);
        List<String> diff = new ArrayList<>();
        for (UnixSocket s : want.sockets.values()) {
            UnixSocket got = whole.socket(s.ino());
            if (got != null && got.netNs() != whole.meta().scanner().net()) diff.add("net namespace of " + got);
            got = TopologyExpectation.core(got);
            if (!s.equals(got)) diff.add("want " + s + "\n got " + got);
        }
        assertEquals(List.of(), diff);
        // the cases the issue names are really there
        assertEquals(32, want.sockets.size(), "socket ends built");
        assertEquals(2, whole.socket(topo.inode("web", "hub")).pending().size());
        assertEquals(2, whole.socket(topo.inode("web", "hub")).recvQueue());
        assertEquals(3, whole.socketsConnectedTo(topo.inode("syslog", "hub")).size());
        assertEquals(SocketState.UNCONNECTED, whole.socket(topo.inode("lone", "gkid")).state());
    }

    @Test
    void everyPipeAndFifoEqualsWhatWasBuilt() throws Exception {
        TopologyExpectation want = new TopologyExpectation(topo, null);
        assertEquals(4, want.pipes.size());
        for (var p : want.pipes.values()) assertEquals(p, whole.pipe(p.ino()), "pipe " + p.ino());
        assertEquals(topo.directory().resolve("fifo.fifo").toString(), whole.pipe(topo.inode("fifo", "hub")).fifoPath());
    }

    @Test
    void nothingElseIsHeldByTheTopology() {
        // no stray object: the topology's pids hold exactly the manifest's sockets and pipes
        Set<Integer> pids = new HashSet<>(topo.knownPids());
        Set<Long> held = new HashSet<>();
        for (UnixSocket s : whole.sockets().values())
            if (s.holders().stream().anyMatch(h -> pids.contains(h.pid()))) held.add(s.ino());
        for (var p : whole.pipes().values())
            if (p.readers().stream().anyMatch(h -> pids.contains(h.pid())) || p.writers().stream().anyMatch(h -> pids.contains(h.pid())))
                held.add(p.ino());
        Set<Long> built = new HashSet<>();
        topo.manifest().ends().forEach(e -> built.add(e.inode()));
        assertEquals(built, held);
    }

    @Test
    void parentsChildrenAndEdges() {
        int hub = topo.pid("hub");
        assertEquals(tree, whole.subtree(hub));
        assertEquals(Set.of(topo.pid("kid1"), topo.pid("kid2")), new HashSet<>(whole.children(hub)));
        assertEquals(List.of(topo.pid("gkid")), whole.children(topo.pid("kid1")));
        assertEquals(List.of(), whole.children(topo.pid("outside")));
        assertTrue(whole.children(topo.directorPid()).containsAll(List.of(hub, topo.pid("outside"))));
        List<GraphEdge> edges = whole.edges();
        assertTrue(edges.contains(new GraphEdge(GraphEdge.Kind.PARENT_CHILD, topo.pid("kid1"), topo.pid("gkid"), null, null)));
        String pipeKey = "pipe:[" + topo.inode("p-to-out", "kid2") + "]";
        assertTrue(edges.stream().anyMatch(e -> e.kind() == GraphEdge.Kind.PIPE && e.fromPid() == topo.pid("kid2")
                && e.toPid() == topo.pid("outside") && pipeKey.equals(e.objectKey())), "pipe edge kid2 -> outside");
        assertTrue(edges.stream().anyMatch(e -> e.kind() == GraphEdge.Kind.SOCKET_PEER
                && Set.of(e.fromPid(), e.toPid()).equals(Set.of(topo.pid("gkid"), topo.pid("outside")))), "peer edge gkid - outside");
        assertTrue(edges.stream().anyMatch(e -> e.kind() == GraphEdge.Kind.SHARED
                && Set.of(e.fromPid(), e.toPid()).equals(Set.of(hub, topo.pid("outside")))), "shared syslog hub - outside");
    }

    @Test
    void aScopedScanHoldsTheSubtreeWithItsObjectsAndNoOutsideHolder() throws Exception {
        TopologyExpectation want = new TopologyExpectation(topo, tree);
        assertEquals(tree, scoped.processes().keySet(), "a subtree scan holds the root and its descendants");
        for (ProcessInfo p : want.processes.values()) assertEquals(p, TopologyExpectation.core(scoped.process(p.pid())), "process " + p.comm());
        List<String> diff = new ArrayList<>();
        for (UnixSocket s : want.sockets.values()) {
            UnixSocket got = TopologyExpectation.core(scoped.socket(s.ino()));
            if (s.holders().isEmpty()) continue; // held only outside: present only as a peer, checked below
            if (!s.equals(got)) diff.add("want " + s + "\n got " + got);
        }
        assertEquals(List.of(), diff);
        // peers outside are kept (so crossings can be seen), without their outside holders
        for (UnixSocket s : scoped.sockets().values()) {
            for (Holder h : s.holders()) assertTrue(tree.contains(h.pid()), "holder outside the scope: " + s);
            UnixSocket full = want.sockets.get(s.ino());
            assertNotNull(full, "scoped scan has a socket the topology did not build: " + s);
            assertEquals(full.withHolders(s.holders()), TopologyExpectation.core(s));
        }
        assertNotNull(scoped.socket(topo.inode("out-stream", "outside")), "the outside peer of out-stream");
        for (var p : want.pipes.values()) assertEquals(p, scoped.pipe(p.ino()), "pipe " + p.ino());
    }

    @Test
    void fdsOfEveryProcessAreExactlyTheBuiltOnes() {
        for (var p : topo.manifest().processes().values()) {
            Map<Integer, Long> want = new TreeMap<>(), got = new TreeMap<>();
            topo.endsOf(p.name()).forEach(e -> want.put(e.fd(), e.inode()));
            whole.process(p.pid()).fds().stream().filter(f -> f.fd() > 2).forEach(f -> got.put(f.fd(), f.inode()));
            assertEquals(want, got, "fds of " + p.name());
        }
    }
}
