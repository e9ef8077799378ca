package org.criuatlas.ui.graph;

import org.criuatlas.ui.theme.Palette;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pan by whole pixels reuses the previous frame: its pixels are moved by the pan and only what
 * is new is drawn (the strips that came into view, and the places where a label box came or went).
 * At 20,000 edges a whole frame costs about 20 ms of CPU on this path's only thread; a pan by a
 * few pixels costs a copy of the image and a few thin strips. Anything else (another scale, graph,
 * paint, palette, overview, size, a group opening, a fractional pan) is drawn whole. The pixels
 * are those a whole redraw gives: every primitive of the {@link Rasterizer} draws the same pixels
 * whatever part of it is clipped.
 */
public final class PanBlit {
    /** Past this many changed label boxes, a whole redraw is cheaper than one pass per box. */
    static final int MAX_LABEL_BOXES = 12;

    private PanBlit() {}

    /** What a frame was drawn from, as far as reusing its pixels goes. */
    public record Drawn(RenderGraph g, GraphPaint paint, Palette pal, Overview ov, Viewport vp, int w, int h,
                 List<LabelPlacer.Placed> labels) {}

    /**
     * Draws a frame into {@code px}, which holds the frame {@code before} (null: unknown), reusing
     * its pixels when the new frame is a whole-pixel pan of it; returns what {@code px} now holds.
     * {@code wx}/{@code wy}: nodes on the move (a group opening), null when none.
     */
    public static Drawn frame(Rasterizer r, int[] px, Drawn before, RenderGraph g, GraphPaint paint, Viewport vp,
                              Palette pal, List<LabelPlacer.Placed> labels, Overview ov, int w, int h, float[] wx, float[] wy) {
        boolean moving = wx != null || wy != null;
        int[] pan = pan(before, g, paint, pal, ov, vp, w, h, moving);
        if (pan != null) draw(r, px, before, pan, g, paint, vp, pal, labels, ov);
        else r.draw(px, w, h, g, paint, vp, pal, labels, ov, wx, wy);
        return moving ? null : new Drawn(g, paint, pal, ov, vp, w, h, labels);
    }

    /**
     * The whole-pixel pan {dx, dy} from {@code before} to a frame drawn from the same things at
     * {@code vp}, or null when its pixels cannot be reused.
     */
    static int[] pan(Drawn before, RenderGraph g, GraphPaint paint, Palette pal, Overview ov, Viewport vp, int w, int h,
                     boolean moving) {
        if (before == null || moving || before.g != g || before.paint != paint || before.pal != pal || before.ov != ov
                || before.w != w || before.h != h || before.vp.scale() != vp.scale()) return null;
        double fx = vp.tx() - before.vp.tx(), fy = vp.ty() - before.vp.ty();
        long dx = Math.round(fx), dy = Math.round(fy);
        if (Math.abs(fx - dx) > 1e-6 || Math.abs(fy - dy) > 1e-6) return null;
        // more than half the view moved: drawing it whole is no dearer
        if (Math.abs(dx) * 2 > w || Math.abs(dy) * 2 > h) return null;
        return new int[]{(int) dx, (int) dy};
    }

    /**
     * Moves the pixels of the previous frame by {@code pan} and draws what is new. {@code px}
     * holds the previous frame ({@code before}) and receives the new one.
     */
    static void draw(Rasterizer r, int[] px, Drawn before, int[] pan, RenderGraph g, GraphPaint paint, Viewport vp,
                     Palette pal, List<LabelPlacer.Placed> labels, Overview ov) {
        int w = before.w, h = before.h, dx = pan[0], dy = pan[1];
        List<int[]> regions = labelChanges(before.labels, labels, dx, dy);
        if (regions == null) {
            r.draw(px, w, h, g, paint, vp, pal, labels, ov, null, null);
            return;
        }
        shift(px, w, h, dx, dy);
        if (dx > 0) regions.add(new int[]{0, 0, dx, h});
        if (dx < 0) regions.add(new int[]{w + dx, 0, w, h});
        if (dy > 0) regions.add(new int[]{0, 0, w, dy});
        if (dy < 0) regions.add(new int[]{0, h + dy, w, h});
        for (int[] box : regions) r.drawRegion(px, w, h, box[0], box[1], box[2], box[3], g, paint, vp, pal, labels, ov, null, null);
    }

    /**
     * The label boxes that are not where the moved previous frame has them (a label came, went or
     * took another place), as regions to draw again; null when there are too many. Compared as the
     * rasterizer fills them, in whole pixels.
     */
    static List<int[]> labelChanges(List<LabelPlacer.Placed> before, List<LabelPlacer.Placed> now, int dx, int dy) {
        Set<Box> moved = new HashSet<>(before.size() * 2);
        for (LabelPlacer.Placed l : before) {
            Box b = Box.of(l);
            moved.add(new Box(b.x + dx, b.y + dy, b.w, b.h));
        }
        Set<Box> fresh = new HashSet<>(now.size() * 2);
        for (LabelPlacer.Placed l : now) fresh.add(Box.of(l));
        List<int[]> out = new ArrayList<>();
        for (Box b : moved) if (!fresh.contains(b)) out.add(b.region());
        for (Box b : fresh) if (!moved.contains(b)) out.add(b.region());
        return out.size() > MAX_LABEL_BOXES ? null : out;
    }

    /** A label's background box, as {@link Rasterizer} fills it. */
    private record Box(int x, int y, int w, int h) {
        static Box of(LabelPlacer.Placed l) {
            return new Box((int) l.x() - 2, (int) l.y(), (int) l.width() + 4, (int) l.height());
        }

        int[] region() { return new int[]{x, y, x + w, y + h}; }
    }

    /** Moves the image by (dx, dy) in place; what is uncovered keeps stale pixels (drawn over next). */
    static void shift(int[] px, int w, int h, int dx, int dy) {
        int cols = w - Math.abs(dx);
        if (cols <= 0 || Math.abs(dy) >= h) return;
        int srcX = Math.max(0, -dx), dstX = Math.max(0, dx);
        if (dy > 0) {
            for (int y = h - 1; y >= dy; y--) System.arraycopy(px, (y - dy) * w + srcX, px, y * w + dstX, cols);
        } else {
            for (int y = 0; y < h + dy; y++) System.arraycopy(px, (y - dy) * w + srcX, px, y * w + dstX, cols);
        }
    }
}
