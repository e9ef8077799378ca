package org.criuatlas.ui.graph;

import org.criuatlas.ui.theme.Palette;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.plan.PlanOutcome;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layout, paint and raster without a toolkit. */
class GraphRenderingTest {
    @Test
    void layoutPlacesEveryProcessOnItsOwnSpotAndKeepsOldOnes() {
        IpcGraph g = SyntheticGraphs.workstation(300, 3);
        TidyTreeLayout layout = new TidyTreeLayout();
        var forest = forest(g);
        Map<Integer, TidyTreeLayout.Point> first = Map.copyOf(layout.update(forest));
        assertEquals(g.processes().size(), first.size());
        Set<String> spots = new HashSet<>();
        for (var p : first.values()) assertTrue(spots.add(Math.round(p.x()) + "," + Math.round(p.y())), "two processes on " + p);
        // a second update of the same forest moves nothing
        assertEquals(first, layout.update(forest));
    }

    @Test
    void paintMarksCrossingsByVerdictAndTheTickTurnsThemGreen() {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init");
        b.process(10, 1, "a");
        b.process(11, 10, "b");
        long[] pair = b.pair(10, 11, SocketType.DGRAM, null);
        IpcGraph g = b.build();
        TidyTreeLayout layout = new TidyTreeLayout();
        RenderGraph rg = RenderGraph.build(g, layout.update(forest(g)), p -> true, Set.of(), List.of());
        PlannerAdapter planner = new PlannerAdapter(Path.of("/d"));
        PlanOutcome fail = planner.plan(g, 11, Map.of());
        GraphPaint p = GraphPaint.of(rg, null, fail, false);
        int socketEdge = -1;
        for (int e = 0; e < rg.edgeCount; e++) if (rg.type[e] == RenderGraph.DGRAM) socketEdge = e;
        assertEquals(GraphPaint.E_FAIL, p.edgeMark[socketEdge]);
        assertEquals(1, p.badges.size());
        assertEquals(socketEdge, p.badges.get(0).edge());
        PlanOutcome ok = planner.plan(g, 11, Map.of("socket:[" + pair[1] + "]", List.of(Choice.EXTERNAL)));
        assertEquals(GraphPaint.E_RESOLVED, GraphPaint.of(rg, null, ok, false).edgeMark[socketEdge]);
        assertTrue((p.nodeFlags[rg.indexOf(11)] & GraphPaint.PLAN_ROOT) != 0);
        assertEquals(0, p.nodeFlags[rg.indexOf(10)] & GraphPaint.IN_PLAN);
    }

    @Test
    void rasterDrawsFailingEdgesInTheFailColourAndLabelsDoNotOverlap() {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init");
        b.process(10, 1, "a");
        b.process(11, 10, "b");
        b.pair(10, 11, SocketType.STREAM, null);
        IpcGraph g = b.build();
        RenderGraph rg = RenderGraph.build(g, new TidyTreeLayout().update(forest(g)), p -> true, Set.of(), List.of());
        PlanOutcome fail = new PlannerAdapter(Path.of("/d")).plan(g, 11, Map.of());
        GraphPaint paint = GraphPaint.of(rg, null, fail, false);
        int w = 400, h = 300;
        int[] px = new int[w * h];
        Viewport vp = Viewport.fit(rg.minX, rg.minY, rg.maxX, rg.maxY, w, h, 40, 1.2);
        var labels = LabelPlacer.place(rg, paint, vp, w, h, 7, 15);
        new Rasterizer().draw(px, w, h, rg, paint, vp, Palette.LIGHT, labels);
        int failPixels = 0;
        for (int c : px) if (c == Palette.LIGHT.fail()) failPixels++;
        assertTrue(failPixels > 50, "the failing edge is drawn wide in the fail colour: " + failPixels);
        assertEquals(3, labels.size());
        for (int i = 0; i < labels.size(); i++) {
            for (int j = i + 1; j < labels.size(); j++) {
                var a = labels.get(i);
                var c = labels.get(j);
                boolean overlap = a.x() < c.x() + c.width() && c.x() < a.x() + a.width()
                        && a.y() < c.y() + c.height() && c.y() < a.y() + a.height();
                assertTrue(!overlap, a + " overlaps " + c);
            }
        }
    }

    @Test
    void zoomKeepsThePointUnderTheCursor() {
        Viewport v = new Viewport(1, 10, 20);
        double wx = v.toWorldX(300), wy = v.toWorldY(200);
        Viewport z = v.zoomAround(1.7, 300, 200);
        assertEquals(300, z.toScreenX(wx), 1e-9);
        assertEquals(200, z.toScreenY(wy), 1e-9);
        assertNotEquals(v.scale(), z.scale());
    }

    static TidyTreeLayout.Forest forest(IpcGraph g) {
        java.util.Map<Integer, java.util.List<Integer>> ch = new java.util.HashMap<>();
        for (var p : g.processes().values()) ch.put(p.pid(), g.children(p.pid()));
        return new TidyTreeLayout.Forest(g.roots(), ch);
    }
}
