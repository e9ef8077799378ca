package org.criuatlas.ui.graph;

import org.criuatlas.ui.theme.Palette;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.Inspection;
import org.criuatlas.ui.vm.PlanViewModel;
import org.criuatlas.ui.vm.RefreshController;
import org.criuatlas.ui.graph.SelectedItem;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The other ends of connections that leave what is drawn: derivation, drawing, hits, plan verdicts. */
class DanglingEndsTest {
    private static final long OURS = 4549217, THEIRS = 4549218;

    static ProcessInfo proc(int pid, int ppid, String comm, FdInfo... fds) {
        return new ProcessInfo(pid, ppid, comm, List.of(comm), 0, 'S', pid, pid, 0, 0, List.of(fds), true);
    }

    static FdInfo sock(int fd, long ino) {
        return new FdInfo(fd, FdKind.SOCKET, ObjectKey.ofSocket(ino).text(), ino, AccessMode.READ_WRITE, 2);
    }

    static UnixSocket socket(long ino, SocketType t, long peer, boolean external, Holder... holders) {
        return new UnixSocket(ino, t, SocketState.ESTABLISHED, SocketName.NONE, peer, 0, 0, List.of(), List.of(holders), external);
    }

    static IpcGraph graph(IpcGraph.Source source, boolean privileged, List<ProcessInfo> ps, List<UnixSocket> ss, List<Pipe> pipes) {
        return IpcGraph.of(new IpcGraph.Meta(source, "test", Instant.EPOCH, privileged, 1_000_000), ps, ss, pipes, List.of());
    }

    /** The seed case as CRIU's images describe it: the worker's end, and CRIU's entry for the peer outside. */
    static IpcGraph imageWithExternalPeer() {
        return graph(IpcGraph.Source.IMAGES, true,
                List.of(proc(23765, 1, "app"), proc(23767, 23765, "worker", sock(3, OURS))),
                List.of(socket(OURS, SocketType.STREAM, THEIRS, false, new Holder(23767, 3)),
                        socket(THEIRS, SocketType.UNKNOWN, OURS, true)),
                List.of());
    }

    static RenderGraph render(IpcGraph g) {
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel(new PlannerAdapter(Path.of("/d"))));
        new RefreshController(() -> g, Runnable::run, Runnable::run, vm).refreshNow();
        return vm.renderProperty().get();
    }

    @Test
    void anExternalPeerInTheImagesBecomesOneOutsideNodeJoinedToItsHolder() {
        IpcGraph g = imageWithExternalPeer();
        RenderGraph rg = render(g);
        assertEquals(3, rg.nodeCount, "two processes and the outside end");
        assertEquals(1, rg.outsideCount);
        int out = -1;
        for (int i = 0; i < rg.nodeCount; i++) if (RenderGraph.isOutside(rg.kind[i])) out = i;
        assertEquals(RenderGraph.OUTSIDE_DUMP, rg.kind[out]);
        assertEquals("outside: socket:[" + THEIRS + "]", rg.label[out]);
        assertEquals("socket:[" + OURS + "]", rg.nodeKey[out], "a click inspects our end");
        assertTrue(rg.note[out].contains("outside the dump") && rg.note[out].endsWith("replacement: socket:[" + OURS + "]"),
                rg.note[out]);
        int worker = rg.indexOf(23767);
        assertEquals(worker, rg.anchor[out]);
        // beside its holder, not on top of it or of the parent
        double d = Math.hypot(rg.x[out] - rg.x[worker], rg.y[out] - rg.y[worker]);
        assertTrue(d > 30 && d < TidyTreeLayout.ROW, "distance " + d);
        List<Integer> edges = new ArrayList<>();
        for (int e = 0; e < rg.edgeCount; e++) if (rg.from[e] == out || rg.to[e] == out) edges.add(e);
        assertEquals(1, edges.size());
        int e = edges.get(0);
        assertEquals(worker, rg.from[e]);
        assertEquals(RenderGraph.STREAM, rg.type[e]);
        assertEquals("socket:[" + OURS + "]", rg.key[e]);
        assertEquals("socket:[" + THEIRS + "]", rg.peerKey[e]);
        // the outside node does not move the processes: their places are the layout's
        RenderGraph plain = RenderGraph.build(g, Map.of(23765, new TidyTreeLayout.Point(0, 0), 23767,
                new TidyTreeLayout.Point(0, 76)), p -> true, Set.of(), List.of());
        assertEquals(0f, plain.x[plain.indexOf(23767)]);
        assertEquals(76f, plain.y[plain.indexOf(23767)]);
        // the inspector explains it
        Inspection in = Inspection.of(g, SelectedItem.socket(OURS));
        assertTrue(in.properties().stream().anyMatch(p -> p.name().equals("other end") && p.value().contains("outside the dump")),
                in.toString());
    }

    @Test
    void aLivePeerWithoutAVisibleHolderIsAnOwnerUnknownNode() {
        // 101 holds an end whose peer (a root daemon's, as seen by a user) has no holder in the scan;
        // 102's peer is not in the scan at all (another network namespace)
        IpcGraph g = graph(IpcGraph.Source.LIVE, false,
                List.of(proc(100, 1, "shell"), proc(101, 100, "client", sock(3, 500)), proc(102, 100, "other", sock(4, 600))),
                List.of(socket(500, SocketType.STREAM, 501, false, new Holder(101, 3)),
                        new UnixSocket(501, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.path("/run/dbus/system_bus_socket"),
                                500, 0, 0, List.of(), List.of(), false),
                        socket(600, SocketType.DGRAM, 601, false, new Holder(102, 4))),
                List.of());
        RenderGraph rg = render(g);
        assertEquals(2, rg.outsideCount);
        int named = -1, unseen = -1;
        for (int i = 0; i < rg.nodeCount; i++) {
            if (!RenderGraph.isOutside(rg.kind[i])) continue;
            assertEquals(RenderGraph.OWNER_UNKNOWN, rg.kind[i]);
            if (rg.anchor[i] == rg.indexOf(101)) named = i;
            if (rg.anchor[i] == rg.indexOf(102)) unseen = i;
        }
        assertEquals("owner unknown: /run/dbus/system_bus_socket", rg.label[named]);
        assertTrue(rg.note[named].contains("another user's process"), rg.note[named]);
        assertEquals("owner unknown: socket:[601]", rg.label[unseen]);
        assertTrue(rg.note[unseen].contains("not in this scan"), rg.note[unseen]);
        int dgram = -1;
        for (int e = 0; e < rg.edgeCount; e++) if (rg.to[e] == unseen) dgram = e;
        assertEquals(RenderGraph.DGRAM, rg.type[dgram]);
        // a peer with a visible holder is an ordinary edge, not an outside node
        IpcGraph joined = graph(IpcGraph.Source.LIVE, true,
                List.of(proc(100, 1, "a", sock(3, 500)), proc(101, 100, "b", sock(3, 501))),
                List.of(socket(500, SocketType.STREAM, 501, false, new Holder(100, 3)),
                        socket(501, SocketType.STREAM, 500, false, new Holder(101, 3))),
                List.of());
        assertEquals(0, render(joined).outsideCount);
    }

    @Test
    void aPipeWithOneEndDrawnPointsTheRightWay() {
        long ino = 777;
        FdInfo w = new FdInfo(5, FdKind.PIPE, ObjectKey.ofPipe(ino).text(), ino, AccessMode.WRITE, 1);
        IpcGraph g = graph(IpcGraph.Source.IMAGES, true, List.of(proc(10, 1, "producer", w)), List.of(),
                List.of(new Pipe(ino, null, List.of(), List.of(new Holder(10, 5)), 0)));
        RenderGraph rg = render(g);
        assertEquals(1, rg.outsideCount);
        int out = rg.nodeCount - 1;
        assertEquals("outside: reader of pipe:[777]", rg.label[out]);
        int e = rg.edgeCount - 1;
        assertEquals(RenderGraph.PIPE, rg.type[e]);
        assertEquals(rg.indexOf(10), rg.from[e], "writer -> the outside reader");
        assertEquals(out, rg.to[e]);
        assertTrue(Inspection.of(g, SelectedItem.pipe(ino)).properties().stream()
                .anyMatch(p -> p.name().equals("other end") && p.value().contains("read end of pipe:[777] was outside the dump")));
    }

    @Test
    void manyEndsOfOneProcessShareAtMostThreeNodes() {
        List<FdInfo> fds = new ArrayList<>();
        List<UnixSocket> ss = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            fds.add(sock(3 + i, 1000 + i));
            ss.add(socket(1000 + i, SocketType.STREAM, 2000 + i, false, new Holder(50, 3 + i)));
        }
        IpcGraph g = graph(IpcGraph.Source.LIVE, true, List.of(proc(50, 1, "busy", fds.toArray(FdInfo[]::new))), ss, List.of());
        RenderGraph rg = render(g);
        assertEquals(3, rg.outsideCount);
        assertEquals(7, rg.edgeCount, "every connection keeps its edge");
        assertTrue(rg.label[rg.nodeCount - 1].endsWith("+4 more"), rg.label[rg.nodeCount - 1]);
    }

    @Test
    void amongManyOutsideNodesOnlyTheSelectionsAreNamed() {
        List<ProcessInfo> ps = new ArrayList<>();
        List<UnixSocket> ss = new ArrayList<>();
        ps.add(proc(1, 0, "init"));
        for (int i = 0; i < 12; i++) {
            int pid = 100 + i;
            ps.add(proc(pid, 1, "svc" + i, sock(3, 1000 + i)));
            ss.add(socket(1000 + i, SocketType.STREAM, 2000 + i, false, new Holder(pid, 3)));
        }
        RenderGraph rg = render(graph(IpcGraph.Source.LIVE, true, ps, ss, List.of()));
        assertEquals(12, rg.outsideCount);
        Viewport vp = Viewport.fit(rg.minX, rg.minY, rg.maxX, rg.maxY, 3000, 800, 40, 1.2);
        var none = LabelPlacer.place(rg, GraphPaint.of(rg, null, null, false), vp, 3000, 800, 7, 15);
        assertTrue(none.stream().noneMatch(l -> l.node() >= 0 && RenderGraph.isOutside(rg.kind[l.node()])), none.toString());
        assertEquals(13, none.size(), "every process keeps its label");
        var sel = LabelPlacer.place(rg, GraphPaint.of(rg, SelectedItem.process(105), null, false), vp, 3000, 800, 7, 15);
        var outsideLabels = sel.stream().filter(l -> l.node() >= 0 && RenderGraph.isOutside(rg.kind[l.node()])).toList();
        assertEquals(1, outsideLabels.size(), sel.toString());
        assertEquals(rg.indexOf(105), rg.anchor[outsideLabels.get(0).node()]);
    }

    @Test
    void theRasterDrawsTheOutsideNodeAndAClickFindsIt() {
        RenderGraph rg = render(imageWithExternalPeer());
        int out = rg.nodeCount - 1;
        assertTrue(RenderGraph.isOutside(rg.kind[out]));
        int w = 400, h = 300;
        int[] px = new int[w * h];
        Viewport vp = Viewport.fit(rg.minX, rg.minY, rg.maxX, rg.maxY, w, h, 40, 1.2);
        GraphPaint paint = GraphPaint.of(rg, null, null, false);
        var labels = LabelPlacer.place(rg, paint, vp, w, h, 7, 15);
        new Rasterizer().draw(px, w, h, rg, paint, vp, Palette.LIGHT, labels);
        int cx = (int) Math.round(vp.toScreenX(rg.x[out])), cy = (int) Math.round(vp.toScreenY(rg.y[out]));
        int outline = 0;
        for (int dy = -12; dy <= 12; dy++) {
            for (int dx = -12; dx <= 12; dx++) {
                int x = cx + dx, y = cy + dy;
                if (x >= 0 && y >= 0 && x < w && y < h && px[y * w + x] == Palette.LIGHT.obligation()) outline++;
            }
        }
        assertTrue(outline > 12, "a dashed outline in the outside colour: " + outline);
        assertEquals(out, GraphHits.node(rg, vp, cx, cy));
        assertTrue(labels.stream().anyMatch(l -> l.node() == out && l.text().startsWith("outside")), labels.toString());
        // the label sits beside the diamond, not over the worker
        int worker = rg.indexOf(23767);
        for (var l : labels) {
            if (l.node() != out) continue;
            double wx = vp.toScreenX(rg.x[worker]), wy = vp.toScreenY(rg.y[worker]);
            assertFalse(wx > l.x() && wx < l.x() + l.width() && wy > l.y() && wy < l.y() + l.height(), "label over the worker");
        }
    }

    @Test
    void aPlanCrossingWithNoVisibleOwnerIsDrawnOnTheOutsideEdge() {
        IpcGraph g = graph(IpcGraph.Source.LIVE, true,
                List.of(proc(1, 0, "init"), proc(100, 1, "app"), proc(101, 100, "worker", sock(3, OURS))),
                List.of(socket(OURS, SocketType.STREAM, THEIRS, false, new Holder(101, 3)),
                        socket(THEIRS, SocketType.STREAM, OURS, false)),
                List.of());
        RenderGraph rg = render(g);
        PlanOutcome plan = new PlannerAdapter(Path.of("/d")).plan(g, 100, Map.of());
        GraphPaint paint = GraphPaint.of(rg, null, plan, false);
        int edge = -1;
        for (int e = 0; e < rg.edgeCount; e++) if (RenderGraph.isOutside(rg.kind[rg.to[e]])) edge = e;
        assertTrue(edge >= 0);
        assertTrue(paint.edgeMark[edge] != GraphPaint.E_NONE && paint.edgeMark[edge] != GraphPaint.E_INSIDE,
                "the crossing's verdict is on the edge to the outside node: " + paint.edgeMark[edge]);
        assertEquals(edge, paint.badges.stream().filter(b -> b.crossing().key().equals("socket:[" + OURS + "]"))
                .findFirst().orElseThrow().edge());
    }
}
