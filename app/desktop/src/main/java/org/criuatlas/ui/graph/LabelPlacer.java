package org.criuatlas.ui.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses which labels to show: only those that fit at the current zoom and do not overlap a
 * label already placed, the most important first (selection, the plan, then higher generations
 * of the tree). Greedy over a coarse grid of occupied cells; pure.
 */
public final class LabelPlacer {
    /** Labels are not drawn when neighbouring processes are closer than this on screen. */
    public static final double MIN_COLUMN_PIXELS = 44;
    /** Up to this many outside nodes on screen are all named; beyond it only the selection's and the plan's. */
    public static final int FEW_OUTSIDE = 8;
    /** More labels than this stop helping anyone. */
    public static final int MAX_LABELS = 600;

    /**
     * One placed label.
     *
     * @param node  node index, or -1 for an edge label
     * @param edge  edge index for an edge label (a named socket's path), else -1
     */
    public record Placed(int node, int edge, String text, double x, double y, double width, double height) {}

    private LabelPlacer() {}

    /**
     * @param charWidth  average glyph width of the label font in pixels
     * @param lineHeight label height in pixels
     */
    public static List<Placed> place(RenderGraph g, GraphPaint paint, Viewport vp, double viewW, double viewH,
                                     double charWidth, double lineHeight) {
        return place(g, paint, vp, viewW, viewH, charWidth, lineHeight, Overview.none(g));
    }

    /**
     * With the overview of this zoom: groups are named first (kind, name and count, at the top of
     * their box), then hubs (name and number of peers), then processes as before; folded processes
     * have no label; bundles with more than one connection show their count.
     */
    public static List<Placed> place(RenderGraph g, GraphPaint paint, Viewport vp, double viewW, double viewH,
                                     double charWidth, double lineHeight, Overview ov) {
        List<Placed> out = new ArrayList<>();
        Grid grid = new Grid();
        double rr = Rasterizer.nodeRadius(vp.scale());
        for (int root : ov.groups) {
            double x0 = vp.toScreenX(g.boxX0[root]) - rr - 4, x1 = vp.toScreenX(g.boxX1[root]) + rr + 4;
            double y0 = vp.toScreenY(g.boxY0[root]) - rr - 4;
            if (x1 < 0 || x0 > viewW || y0 > viewH || vp.toScreenY(g.boxY1[root]) < 0) continue;
            String text = ov.groupLabel(root);
            double tw = text.length() * charWidth;
            double x = (x0 + x1) / 2 - tw / 2, y = y0 - lineHeight - 1;
            if (grid.free(x - 2, y, tw + 4, lineHeight)) {
                grid.take(x - 2, y, tw + 4, lineHeight);
                out.add(new Placed(root, -1, text, x, y, tw, lineHeight));
            }
        }
        for (int i = 0; i < g.nodeCount; i++) {
            if (!ov.hub[i] || !ov.shown(i)) continue;
            double nx = vp.toScreenX(g.x[i]), ny = vp.toScreenY(g.y[i]);
            if (nx < -50 || ny < -20 || nx > viewW + 50 || ny > viewH + 20) continue;
            String text = ov.hubLabel(i);
            double tw = text.length() * charWidth;
            double x = nx - tw / 2, y = ny + rr + 9;
            if (grid.free(x - 2, y, tw + 4, lineHeight)) {
                grid.take(x - 2, y, tw + 4, lineHeight);
                out.add(new Placed(i, -1, text, x, y, tw, lineHeight));
            }
        }
        for (int k = 0; k < ov.bundleA.length; k++) {
            if (ov.bundleCount[k] < 2) continue;
            int a = ov.bundleA[k], b = ov.bundleB[k];
            double ax = vp.toScreenX(ov.cx(a)), ay = vp.toScreenY(ov.cy(a)), bx = vp.toScreenX(ov.cx(b)), by = vp.toScreenY(ov.cy(b));
            if (Math.hypot(bx - ax, by - ay) < 60) continue;
            double mx = (ax + bx) / 2, my = (ay + by) / 2;
            if (mx < 0 || my < 0 || mx > viewW || my > viewH) continue;
            String text = "\u00d7" + ov.bundleCount[k];
            double tw = text.length() * charWidth;
            if (grid.free(mx - tw / 2 - 2, my - lineHeight / 2, tw + 4, lineHeight)) {
                grid.take(mx - tw / 2 - 2, my - lineHeight / 2, tw + 4, lineHeight);
                out.add(new Placed(-1, -1, text, mx - tw / 2, my - lineHeight / 2, tw, lineHeight));
            }
        }
        placeNodes(g, paint, vp, viewW, viewH, charWidth, lineHeight, ov, out, grid);
        return out;
    }

    private static void placeNodes(RenderGraph g, GraphPaint paint, Viewport vp, double viewW, double viewH,
                                   double charWidth, double lineHeight, Overview ov, List<Placed> out, Grid grid) {
        double s = vp.scale();
        boolean all = TidyTreeLayout.COLUMN * s >= MIN_COLUMN_PIXELS;
        int radius = Rasterizer.nodeRadius(s);
        // outside nodes are named when few are on screen; among many (a live system's stdio pipes
        // from a launcher) only those of the selection and of the plan, the rest are just diamonds
        int outsideOnScreen = 0;
        for (int i = 0; i < g.nodeCount && g.outsideCount > 0; i++) {
            if (!RenderGraph.isOutside(g.kind[i])) continue;
            double x = vp.toScreenX(g.x[i]), y = vp.toScreenY(g.y[i]);
            if (x >= 0 && y >= 0 && x <= viewW && y <= viewH) outsideOnScreen++;
        }
        boolean nameAllOutside = outsideOnScreen <= FEW_OUTSIDE;
        // candidates: visible nodes, by priority
        int n = g.nodeCount;
        long[] order = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (g.kind[i] == RenderGraph.GHOST && !paint.showMarks) continue;
            if (!ov.shown(i) || ov.isGroup(i) || ov.hub[i]) continue;
            double x = vp.toScreenX(g.x[i]), y = vp.toScreenY(g.y[i]);
            if (x < -50 || y < -20 || x > viewW + 50 || y > viewH + 20) continue;
            byte f = paint.nodeFlags[i];
            if (RenderGraph.isOutside(g.kind[i]) && !nameAllOutside) {
                int a = g.anchor[i];
                if (a < 0 || (paint.nodeFlags[a] & (GraphPaint.SELECTED | GraphPaint.IN_PLAN)) == 0) continue;
            }
            int prio;
            if ((f & GraphPaint.SELECTED) != 0) prio = 0;
            else if ((f & GraphPaint.PLAN_ROOT) != 0) prio = 1;
            else if (!all) continue; // zoomed far out: only the selection and the plan's root keep a label
            else if ((f & GraphPaint.IN_PLAN) != 0) prio = 2;
            else if (RenderGraph.isOutside(g.kind[i])) prio = 4; // after every process label: names come first
            else prio = 3;
            // priority, then row (parents before children), then index
            long row = Math.max(0, Math.min(1_000_000, Math.round(g.y[i] / TidyTreeLayout.ROW)));
            order[count++] = ((long) prio << 52) | (row << 24) | i;
        }
        Arrays.sort(order, 0, count);
        for (int k = 0; k < count && out.size() < MAX_LABELS; k++) {
            int i = (int) (order[k] & 0xFFFFFF);
            String full = g.label[i];
            String[] texts;
            boolean outside = RenderGraph.isOutside(g.kind[i]);
            if (outside) {
                // "outside: socket:[INO]", else "outside": beside the diamond, away from its holder
                int colon = full.indexOf(':');
                texts = colon > 0 ? new String[]{full, full.substring(0, colon)} : new String[]{full};
            } else {
                // the full "comm pid" first; where that does not fit, the name alone
                int sp = full.lastIndexOf(' ');
                texts = sp > 0 ? new String[]{full, full.substring(0, sp)} : new String[]{full};
            }
            double y = outside ? vp.toScreenY(g.y[i]) - lineHeight / 2 : vp.toScreenY(g.y[i]) + radius + 3;
            boolean leftSide = outside && g.anchor[i] >= 0 && g.x[i] < g.x[g.anchor[i]];
            for (String text : texts) {
                double tw = text.length() * charWidth;
                double nx = vp.toScreenX(g.x[i]);
                double x = !outside ? nx - tw / 2 : leftSide ? nx - radius - 6 - tw : nx + radius + 6;
                if (grid.free(x - 2, y, tw + 4, lineHeight)) {
                    grid.take(x - 2, y, tw + 4, lineHeight);
                    out.add(new Placed(i, -1, text, x, y, tw, lineHeight));
                    break;
                }
            }
        }
        // named sockets: their path at the middle of the edge, where room is left
        if (all) {
            Map<String, Boolean> shown = new HashMap<>();
            for (int e = 0; e < g.edgeCount && out.size() < MAX_LABELS; e++) {
                String name = g.name[e];
                if (name == null) continue;
                int a = g.from[e], b = g.to[e];
                if (!ov.shown(a) || !ov.shown(b)) continue;
                double mx = vp.toScreenX((g.x[a] + g.x[b]) / 2), my = vp.toScreenY((g.y[a] + g.y[b]) / 2);
                if (mx < 0 || my < 0 || mx > viewW || my > viewH) continue;
                String key = name + "@" + Math.round(mx / 40) + "," + Math.round(my / 20);
                if (shown.putIfAbsent(key, true) != null) continue;
                String text = shorten(name, 28);
                double tw = text.length() * charWidth;
                double x = mx - tw / 2, y = my - lineHeight / 2;
                if (grid.free(x - 2, y, tw + 4, lineHeight)) {
                    grid.take(x - 2, y, tw + 4, lineHeight);
                    out.add(new Placed(-1, e, text, x, y, tw, lineHeight));
                }
            }
        }
    }

    /** Long paths keep their end (the socket's file name says most). */
    static String shorten(String s, int max) {
        return s.length() <= max ? s : "\u2026" + s.substring(s.length() - max + 1);
    }

    /** Occupied rectangles bucketed by 32-pixel cells; good enough for a few hundred labels. */
    private static final class Grid {
        private static final int CELL = 32;
        private final Map<Long, List<double[]>> cells = new HashMap<>();

        /** Not {@code cx << 32 ^ cy}: a Long hashes as high XOR low half, which would put a screen's cells in a few dozen buckets. */
        private static long cell(int cx, int cy) { return cx * 1_000_003L + cy; }

        boolean free(double x, double y, double w, double h) {
            for (int cx = (int) Math.floor(x / CELL); cx <= (int) Math.floor((x + w) / CELL); cx++) {
                for (int cy = (int) Math.floor(y / CELL); cy <= (int) Math.floor((y + h) / CELL); cy++) {
                    List<double[]> l = cells.get(cell(cx, cy));
                    if (l == null) continue;
                    for (double[] r : l) {
                        if (x < r[0] + r[2] && r[0] < x + w && y < r[1] + r[3] && r[1] < y + h) return false;
                    }
                }
            }
            return true;
        }

        void take(double x, double y, double w, double h) {
            double[] r = {x, y, w, h};
            for (int cx = (int) Math.floor(x / CELL); cx <= (int) Math.floor((x + w) / CELL); cx++) {
                for (int cy = (int) Math.floor(y / CELL); cy <= (int) Math.floor((y + h) / CELL); cy++) {
                    cells.computeIfAbsent(cell(cx, cy), k -> new ArrayList<>()).add(r);
                }
            }
        }
    }
}
