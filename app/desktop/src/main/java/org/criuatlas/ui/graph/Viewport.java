package org.criuatlas.ui.graph;

/**
 * Pan and zoom: screen = world * scale + translate. Immutable; the graph view swaps instances.
 */
public record Viewport(double scale, double tx, double ty) {
    public static final double MIN_SCALE = 0.02;
    public static final double MAX_SCALE = 4;

    public static final Viewport IDENTITY = new Viewport(1, 0, 0);

    public Viewport {
        scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale));
    }

    public double toScreenX(double wx) { return wx * scale + tx; }

    public double toScreenY(double wy) { return wy * scale + ty; }

    public double toWorldX(double sx) { return (sx - tx) / scale; }

    public double toWorldY(double sy) { return (sy - ty) / scale; }

    public Viewport panBy(double dx, double dy) { return new Viewport(scale, tx + dx, ty + dy); }

    /** Zooms by {@code factor} keeping the world point under (sx, sy) where it is on screen. */
    public Viewport zoomAround(double factor, double sx, double sy) {
        double wx = toWorldX(sx);
        double wy = toWorldY(sy);
        double s = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale * factor));
        return new Viewport(s, sx - wx * s, sy - wy * s);
    }

    /**
     * Shows the world rectangle (x0, y0)-(x1, y1) in a w×h view with {@code margin} pixels around,
     * never zooming in beyond {@code maxScale}.
     */
    public static Viewport fit(double x0, double y0, double x1, double y1, double w, double h, double margin,
                               double maxScale) {
        double ww = Math.max(1, x1 - x0);
        double wh = Math.max(1, y1 - y0);
        double s = Math.min((w - 2 * margin) / ww, (h - 2 * margin) / wh);
        s = Math.max(MIN_SCALE, Math.min(maxScale, s));
        double tx = (w - ww * s) / 2 - x0 * s;
        double ty = (h - wh * s) / 2 - y0 * s;
        return new Viewport(s, tx, ty);
    }

    /** Keeps the scale and puts world point (wx, wy) at screen point (sx, sy). */
    public Viewport centerOn(double wx, double wy, double sx, double sy) {
        return new Viewport(scale, sx - wx * scale, sy - wy * scale);
    }
}
