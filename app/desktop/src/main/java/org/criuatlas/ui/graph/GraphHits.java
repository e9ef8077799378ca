package org.criuatlas.ui.graph;

/** What is under the mouse: the nearest node within reach, else the nearest edge. Pure. */
public final class GraphHits {
    private GraphHits() {}

    /** Index of the node (a process or an outside node) nearest to (sx, sy) within its radius plus a few pixels, -1 for none. */
    public static int node(RenderGraph g, Viewport vp, double sx, double sy) {
        double reach = Rasterizer.nodeRadius(vp.scale()) + 4;
        double best = reach * reach;
        int hit = -1;
        for (int i = 0; i < g.nodeCount; i++) {
            if (g.kind[i] == RenderGraph.GHOST) continue;
            double dx = vp.toScreenX(g.x[i]) - sx, dy = vp.toScreenY(g.y[i]) - sy;
            double d = dx * dx + dy * dy;
            if (d <= best) {
                best = d;
                hit = i;
            }
        }
        return hit;
    }

    /**
     * With the overview of this zoom: a shown node within reach, else the group whose box holds the
     * point (its root's index), -1 for none.
     */
    public static int node(RenderGraph g, Viewport vp, double sx, double sy, Overview ov) {
        double reach = Rasterizer.nodeRadius(vp.scale()) + 4;
        double best = reach * reach;
        int hit = -1;
        for (int i = 0; i < g.nodeCount; i++) {
            if (g.kind[i] == RenderGraph.GHOST || !ov.shown(i) || ov.isGroup(i)) continue;
            double dx = vp.toScreenX(g.x[i]) - sx, dy = vp.toScreenY(g.y[i]) - sy;
            double d = dx * dx + dy * dy;
            if (d <= best) {
                best = d;
                hit = i;
            }
        }
        if (hit >= 0) return hit;
        double pad = reach;
        for (int root : ov.groups) {
            if (sx >= vp.toScreenX(g.boxX0[root]) - pad && sx <= vp.toScreenX(g.boxX1[root]) + pad
                    && sy >= vp.toScreenY(g.boxY0[root]) - pad && sy <= vp.toScreenY(g.boxY1[root]) + pad) return root;
        }
        return -1;
    }

    /** Index of the non-parent edge nearest to (sx, sy) within 5 pixels, -1 for none. */
    public static int edge(RenderGraph g, Viewport vp, double sx, double sy) {
        return edge(g, vp, sx, sy, Overview.none(g));
    }

    /** As {@link #edge(RenderGraph, Viewport, double, double)}, among the edges drawn as themselves. */
    public static int edge(RenderGraph g, Viewport vp, double sx, double sy, Overview ov) {
        double best = 25;
        int hit = -1;
        for (int e = 0; e < g.edgeCount; e++) {
            if (g.type[e] == RenderGraph.PARENT) continue;
            if (!ov.shown(g.from[e]) || !ov.shown(g.to[e])) continue;
            double ax = vp.toScreenX(g.x[g.from[e]]), ay = vp.toScreenY(g.y[g.from[e]]);
            double bx = vp.toScreenX(g.x[g.to[e]]), by = vp.toScreenY(g.y[g.to[e]]);
            double d = segmentDistanceSq(sx, sy, ax, ay, bx, by);
            if (d <= best) {
                best = d;
                hit = e;
            }
        }
        return hit;
    }

    static double segmentDistanceSq(double px, double py, double ax, double ay, double bx, double by) {
        double dx = bx - ax, dy = by - ay;
        double len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        double cx = ax + t * dx - px, cy = ay + t * dy - py;
        return cx * cx + cy * cy;
    }
}
