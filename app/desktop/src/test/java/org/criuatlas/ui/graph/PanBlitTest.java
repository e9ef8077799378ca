package org.criuatlas.ui.graph;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.ui.theme.Palette;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pan that moves the previous frame and draws only the new strips and label boxes gives the
 * pixels a whole redraw gives, frame after frame, at fit and zoomed in, with dashed, wide and
 * marked edges and labels coming and going at the borders.
 */
class PanBlitTest {
    static final int W = 640, H = 400;

    @Test
    void panningFrameByFrameGivesTheSamePixelsAsDrawingEachFrameWhole() {
        IpcGraph g = SyntheticGraphs.large(300, 3000, 1, 40);
        RenderGraph rg = RenderGraph.build(g, new TidyTreeLayout().update(GraphRenderingTest.forest(g)), p -> true, Set.of(), List.of());
        // a plan-like paint: some crossings and obligations wide and coloured on top, some nodes in a plan
        GraphPaint paint = GraphPaint.of(rg, null, null, true);
        for (int e = 0; e < rg.edgeCount; e += 7) paint.edgeMark[e] = (e % 2 == 0) ? GraphPaint.E_FAIL : GraphPaint.E_OBLIGATION;
        Viewport fit = Viewport.fit(rg.minX, rg.minY, rg.maxX, rg.maxY, W, H, 40, 1.2);
        Viewport readable = new Viewport(GraphView.READABLE_SCALE, 40 - rg.minX * GraphView.READABLE_SCALE, 40);
        int reused = 0;
        for (Viewport start : List.of(fit, readable)) {
            Overview ov = Overview.none(rg);
            Rasterizer blitting = new Rasterizer(), whole = new Rasterizer();
            int[] px = new int[W * H], expected = new int[W * H];
            Viewport v = start;
            List<LabelPlacer.Placed> labels = LabelPlacer.place(rg, paint, v, W, H, 7, 15, ov);
            blitting.draw(px, W, H, rg, paint, v, Palette.LIGHT, labels, ov, null, null);
            PanBlit.Drawn drawn = new PanBlit.Drawn(rg, paint, Palette.LIGHT, ov, v, W, H, labels);
            for (int i = 0; i < 60; i++) {
                // the way a drag goes: mostly small steps, both signs, now and then a long one
                int dx = i % 13 == 12 ? 150 : (i % 40 < 20 ? 7 : -9), dy = i % 3 == 0 ? 4 : -3;
                v = v.panBy(dx, dy);
                labels = LabelPlacer.place(rg, paint, v, W, H, 7, 15, ov);
                int[] pan = PanBlit.pan(drawn, rg, paint, Palette.LIGHT, ov, v, W, H, false);
                assertNotNull(pan, "a whole-pixel pan at the same scale reuses the frame");
                assertEquals(dx, pan[0]);
                PanBlit.draw(blitting, px, drawn, pan, rg, paint, v, Palette.LIGHT, labels, ov);
                if (PanBlit.labelChanges(drawn.labels(), labels, dx, dy) != null) reused++;
                drawn = new PanBlit.Drawn(rg, paint, Palette.LIGHT, ov, v, W, H, labels);
                whole.draw(expected, W, H, rg, paint, v, Palette.LIGHT, labels, ov, null, null);
                assertArrayEquals(expected, px, "frame " + i + " panned by " + dx + "," + dy + " from " + start);
            }
        }
        assertTrue(reused > 60, "most frames reused the previous one's pixels: " + reused);
    }

    @Test
    void anythingButAWholePixelPanOfTheSameFrameIsDrawnWhole() {
        IpcGraph g = SyntheticGraphs.large(50, 200, 1, 0);
        RenderGraph rg = RenderGraph.build(g, new TidyTreeLayout().update(GraphRenderingTest.forest(g)), p -> true, Set.of(), List.of());
        GraphPaint paint = GraphPaint.of(rg, null, null, false);
        Overview ov = Overview.none(rg);
        Viewport v = new Viewport(1, 10, 10);
        PanBlit.Drawn d = new PanBlit.Drawn(rg, paint, Palette.LIGHT, ov, v, W, H, List.of());
        assertNotNull(PanBlit.pan(d, rg, paint, Palette.LIGHT, ov, v.panBy(5, -5), W, H, false));
        assertNull(PanBlit.pan(null, rg, paint, Palette.LIGHT, ov, v.panBy(5, 5), W, H, false), "no previous frame");
        assertNull(PanBlit.pan(d, rg, paint, Palette.LIGHT, ov, v.panBy(0.5, 0), W, H, false), "a fractional pan");
        assertNull(PanBlit.pan(d, rg, paint, Palette.LIGHT, ov, v.zoomAround(1.1, 5, 5), W, H, false), "another scale");
        assertNull(PanBlit.pan(d, rg, paint, Palette.DARK, ov, v.panBy(5, 5), W, H, false), "another palette");
        assertNull(PanBlit.pan(d, rg, GraphPaint.of(rg, null, null, false), Palette.LIGHT, ov, v.panBy(5, 5), W, H, false), "another paint");
        assertNull(PanBlit.pan(d, rg, paint, Palette.LIGHT, ov, v.panBy(5, 5), W + 1, H, false), "another size");
        assertNull(PanBlit.pan(d, rg, paint, Palette.LIGHT, ov, v.panBy(5, 5), W, H, true), "a group opening");
        assertNull(PanBlit.pan(d, rg, paint, Palette.LIGHT, ov, v.panBy(W, 0), W, H, false), "more than half the view");
    }
}
