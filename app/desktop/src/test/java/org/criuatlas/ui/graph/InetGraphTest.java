package org.criuatlas.ui.graph;

import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.Holder;
import org.criuatlas.model.InetEndpoint;
import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetPeers;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SeccompMode;
import org.criuatlas.model.SysvSharedMemory;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.plan.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * TCP/UDP, badges and "only what blocks this dump" on a made-up snapshot (the UI test does it on
 * real processes): app 100 listens, its child worker 101 is connected to it and to svc 200 outside
 * the tree, and to a remote endpoint; the worker holds a flock and a SysV segment; lone 300 lives
 * in a network namespace of its own.
 */
class InetGraphTest {
    static final Namespaces HOST = new Namespaces(1, 2, 3, 4, 5, 5, 6, 6, 7, 8);
    static final long NS = 4;

    static ProcessInfo proc(int pid, int ppid, String comm, Namespaces ns, FdInfo... fds) {
        return new ProcessInfo(pid, ppid, comm, List.of(comm), 0, 'S', pid, pid, 0, ns.net(), List.of(fds), true, -1, 0, 1,
                SeccompMode.DISABLED, ns, "/");
    }

    static FdInfo sock(int fd, long ino) {
        return new FdInfo(fd, FdKind.SOCKET, ObjectKey.ofSocket(ino).text(), ino, AccessMode.READ_WRITE, 2);
    }

    static InetSocket tcp(long ino, InetState st, String local, String remote, Holder h) {
        return new InetSocket(ino, InetFamily.IPV4, InetProtocol.TCP, 6, st, ep(local), ep(remote), 0, 0, 0, 0, NS, 0, List.of(h));
    }

    static InetEndpoint ep(String s) {
        int c = s.lastIndexOf(':');
        return new InetEndpoint(s.substring(0, c), Integer.parseInt(s.substring(c + 1)));
    }

    static IpcGraph graph() {
        List<InetSocket> inet = new ArrayList<>(List.of(
                tcp(10, InetState.LISTEN, "127.0.0.1:5000", "0.0.0.0:0", new Holder(100, 3)),
                tcp(11, InetState.ESTABLISHED, "127.0.0.1:5000", "127.0.0.1:40001", new Holder(100, 4)),
                tcp(12, InetState.ESTABLISHED, "127.0.0.1:40001", "127.0.0.1:5000", new Holder(101, 3)),
                tcp(13, InetState.ESTABLISHED, "127.0.0.1:40002", "127.0.0.1:6000", new Holder(101, 4)),
                tcp(20, InetState.LISTEN, "127.0.0.1:6000", "0.0.0.0:0", new Holder(200, 3)),
                tcp(21, InetState.ESTABLISHED, "127.0.0.1:6000", "127.0.0.1:40002", new Holder(200, 4)),
                new InetSocket(14, InetFamily.IPV4, InetProtocol.UDP, 17, InetState.ESTABLISHED, ep("192.0.2.2:41000"),
                        ep("198.51.100.7:9"), 0, 0, 0, 0, NS, 0, List.of(new Holder(101, 5)))));
        Namespaces own = new Namespaces(1, 2, 3, 99, 5, 5, 6, 6, 7, 8);
        List<ProcessInfo> ps = List.of(
                proc(100, 1, "app", HOST, sock(3, 10), sock(4, 11)),
                proc(101, 100, "worker", HOST, sock(3, 12), sock(4, 13), sock(5, 14)),
                proc(200, 1, "svc", HOST, sock(3, 20), sock(4, 21)),
                proc(300, 1, "lone", own));
        FileLock lock = new FileLock(1, FileLock.LockKind.FLOCK, FileLock.LockAccess.WRITE, false, 101, 8, 1, 777, 0, -1,
                "/tmp/worker.lock", List.of());
        SysvSharedMemory shm = new SysvSharedMemory(HOST.ipc(), 0, 42, 0600, 4096, 101, 101, 1, 0, 0, List.of(101));
        IpcGraph.Meta meta = new IpcGraph.Meta(IpcGraph.Source.LIVE, "test", Instant.EPOCH, true, 1, HOST);
        return IpcGraph.builder(meta).processes(ps).inetSockets(InetPeers.link(inet)).fileLocks(List.of(lock))
                .sysvShm(List.of(shm)).build();
    }

    static RenderGraph render(IpcGraph g) {
        Map<Integer, org.criuatlas.ui.graph.TidyTreeLayout.Point> pos = new java.util.HashMap<>();
        int k = 0;
        for (int pid : g.processes().keySet()) pos.put(pid, new TidyTreeLayout.Point(120 * k++, 0));
        return RenderGraph.build(g, pos, p -> true, Set.of(), List.of());
    }

    static int edge(RenderGraph r, int a, int b, byte type) {
        for (int e = 0; e < r.edgeCount; e++) {
            int pa = r.pid[r.from[e]], pb = r.pid[r.to[e]];
            if (r.type[e] == type && ((pa == a && pb == b) || (pa == b && pb == a))) return e;
        }
        return -1;
    }

    @Test
    void tcpPeersAreEdgesRemoteEndsAreNodesAndProcessesHaveBadges() {
        RenderGraph r = render(graph());
        int inside = edge(r, 100, 101, RenderGraph.TCP), out = edge(r, 101, 200, RenderGraph.TCP);
        assertTrue(inside >= 0 && out >= 0, "TCP peer edges");
        assertEquals("tcp :5000", r.name[inside]);
        assertTrue(r.info[out].contains("tcp 127.0.0.1:40002 -> 127.0.0.1:6000 ESTAB"), r.info[out]);
        assertTrue(r.info[out].contains("tcp 127.0.0.1:6000 -> 127.0.0.1:40002 ESTAB"), r.info[out]);
        int far = -1;
        for (int i = 0; i < r.nodeCount; i++) if (r.kind[i] == RenderGraph.REMOTE) far = i;
        assertTrue(far >= 0, "a remote endpoint node");
        assertEquals("udp 198.51.100.7:9", r.label[far]);
        assertEquals(r.indexOf(101), r.anchor[far]);
        assertTrue(edge(r, 101, r.pid[far], RenderGraph.UDP) >= 0);
        int w = r.indexOf(101);
        assertEquals(ObjectMarks.LOCK | ObjectMarks.IPC, r.marks[w]);
        assertTrue(r.markText[w].contains("file lock: flock write lock on /tmp/worker.lock"), r.markText[w]);
        assertTrue(r.markText[w].contains("SysV IPC: SysV shared memory id 42 attached"), r.markText[w]);
        assertEquals(ObjectMarks.LISTEN, r.marks[r.indexOf(100)]);
        assertEquals(ObjectMarks.NAMESPACE, r.marks[r.indexOf(300)]);
        assertEquals("namespaces: namespaces apart from CRIU's: net", r.markText[r.indexOf(300)]);
        // the inspector says the same of a selected process
        var props = org.criuatlas.ui.vm.Inspection.of(graph(), SelectedItem.process(101)).properties();
        assertTrue(props.stream().anyMatch(p -> p.name().equals("file lock") && p.value().equals("flock write lock on /tmp/worker.lock")),
                props.toString());
    }

    @Test
    void aPlanMarksTcpObjectsAndTheFilterKeepsOnlyWhatBlocks() {
        IpcGraph g = graph();
        RenderGraph r = render(g);
        PlanOutcome plan = new PlannerAdapter(Path.of("/tmp/dumps")).plan(g, 100, Map.of());
        assertEquals(Verdict.FAIL, plan.verdict());
        assertTrue(plan.verdictText().startsWith("Dump will fail: ") && plan.verdictText().contains("object"), plan.verdictText());
        GraphPaint all = GraphPaint.of(r, null, plan, false, false);
        assertNull(all.keep);
        assertEquals(GraphPaint.E_FAIL, all.edgeMark[edge(r, 101, 200, RenderGraph.TCP)], "the connection to svc fails the dump");
        assertTrue(all.nodePlan[r.indexOf(101)].contains("blocks the dump: file-lock-flock"), all.nodePlan[r.indexOf(101)]);
        GraphPaint only = GraphPaint.of(r, null, plan, false, true);
        for (int pid : List.of(100, 101, 200)) assertTrue(only.keep[r.indexOf(pid)], "keeps " + pid);
        assertFalse(only.keep[r.indexOf(300)], "hides what has nothing to do with the plan");
        Overview ov = Overview.only(r, only.keep);
        assertTrue(ov.filtered());
        assertFalse(ov.shown(r.indexOf(300)));
        assertTrue(ov.shown(r.indexOf(200)));
        assertEquals(0, ov.groups.length);
    }
}
