package org.criuatlas.ui.graph;

import java.util.Arrays;

/**
 * Drawing primitives on an int array of premultiplied ARGB pixels, every write checked against a
 * clip rectangle: lines with width and dash pattern, rectangles, filled circles, rings and
 * diamonds. {@link Rasterizer} draws the graph with them. Each primitive draws the same pixels
 * whatever the clip, so a frame can be drawn in parts ({@link PanBlit}). Not thread-safe.
 */
abstract class PixelCanvas {
    int[] px = new int[0];
    int w;
    int h;
    /**
     * The rectangle being drawn, [clipX0, clipX1) x [clipY0, clipY1): the whole image, or one strip
     * of it when a pan reuses the previous frame ({@link PanBlit}). Every pixel write checks it, and
     * a primitive draws the same pixels whatever the clip, so strips meet the reused pixels
     * without seams.
     */
    int clipX0, clipY0, clipX1, clipY1;


    /**
     * A line of {@code width} pixels with a dash pattern, clipped to the clip rectangle
     * (Liang-Barsky). The pixels are stepped from the unclipped start in 32.32 fixed point, so the
     * same line gives the same pixels whatever part of it is drawn (a strip after a pan meets the
     * pixels it was shifted from), and the dash phase does not crawl while panning.
     */
    final void line(double x0, double y0, double x1, double y1, int colour, int width, int[] dash) {
        double dx = x1 - x0, dy = y1 - y0;
        double pad = width;
        double t0 = 0, t1 = 1;
        double[] p = {-dx, dx, -dy, dy};
        double[] q = {x0 - (clipX0 - pad), (clipX1 - 1 + pad) - x0, y0 - (clipY0 - pad), (clipY1 - 1 + pad) - y0};
        for (int i = 0; i < 4; i++) {
            if (p[i] == 0) {
                if (q[i] < 0) return;
            } else {
                double r = q[i] / p[i];
                if (p[i] < 0) {
                    if (r > t1) return;
                    if (r > t0) t0 = r;
                } else {
                    if (r < t0) return;
                    if (r < t1) t1 = r;
                }
            }
        }
        double adx = Math.abs(dx), ady = Math.abs(dy);
        boolean xMajor = adx >= ady;
        long steps = Math.round(Math.max(adx, ady));
        if (steps == 0) {
            plotThick((int) Math.floor(x0 + 0.5), (int) Math.floor(y0 + 0.5), width, xMajor, colour);
            return;
        }
        // the steps of the unclipped line that the clipped part covers (one more each side: the pixel test decides)
        long first = Math.max(0, (long) Math.floor(t0 * steps) - 1), last = Math.min(steps, (long) Math.ceil(t1 * steps) + 1);
        final double one = 4294967296.0; // 2^32
        long dfx = Math.round(dx / steps * one), dfy = Math.round(dy / steps * one);
        long fx = (long) Math.floor((x0 + 0.5) * one) + first * dfx, fy = (long) Math.floor((y0 + 0.5) * one) + first * dfy;
        // the dash state advances with the steps rather than being looked up per pixel
        int di = 0, left = Integer.MAX_VALUE;
        if (dash != null) {
            int period = 0;
            for (int d : dash) period += d;
            int d = (int) Math.floorMod(first, (long) period);
            while (d >= dash[di]) d -= dash[di++];
            left = dash[di] - d;
        }
        int half = (width - 1) / 2;
        int[] px = this.px;
        int w = this.w;
        int cx0 = clipX0, cy0 = clipY0, cx1 = clipX1, cy1 = clipY1;
        for (long i = first; i <= last; i++, fx += dfx, fy += dfy) {
            boolean draw = (di & 1) == 0;
            if (dash != null && --left == 0) {
                di = di + 1 == dash.length ? 0 : di + 1;
                left = dash[di];
            }
            if (!draw) continue;
            int ix = (int) (fx >> 32), iy = (int) (fy >> 32);
            if (width == 1) {
                if (ix >= cx0 && iy >= cy0 && ix < cx1 && iy < cy1) px[iy * w + ix] = colour;
            } else if (xMajor) {
                if (ix < cx0 || ix >= cx1) continue;
                int ya = Math.max(cy0, iy - half), yb = Math.min(cy1, iy + width - half);
                for (int y = ya; y < yb; y++) px[y * w + ix] = colour;
            } else {
                if (iy < cy0 || iy >= cy1) continue;
                int xa = Math.max(cx0, ix - half), xb = Math.min(cx1, ix + width - half);
                int row = iy * w;
                for (int x = xa; x < xb; x++) px[row + x] = colour;
            }
        }
    }

    final void plotThick(int x, int y, int width, boolean xMajor, int c) {
        int half = (width - 1) / 2;
        for (int k = -half; k < width - half; k++) {
            if (xMajor) set(x, y + k, c);
            else set(x + k, y, c);
        }
    }

    final void set(int x, int y, int c) {
        if (x >= clipX0 && y >= clipY0 && x < clipX1 && y < clipY1) px[y * w + x] = c;
    }

    final void fillRect(int x, int y, int rw, int rh, int c) {
        int xa = Math.max(clipX0, x), ya = Math.max(clipY0, y), xb = Math.min(clipX1, x + rw), yb = Math.min(clipY1, y + rh);
        for (int yy = ya; yy < yb; yy++) Arrays.fill(px, yy * w + xa, Math.max(yy * w + xa, yy * w + xb), c);
    }

    private final java.util.Map<Integer, int[]> spans = new java.util.HashMap<>();

    /** Half-widths of a filled circle per row, cached by radius. */
    final int[] circleSpans(int r) {
        return spans.computeIfAbsent(r, rr -> {
            int[] s = new int[2 * rr + 1];
            for (int dy = -rr; dy <= rr; dy++) s[dy + rr] = (int) Math.floor(Math.sqrt(rr * rr + rr * 0.8 - dy * dy));
            return s;
        });
    }

    final void fillCircle(int cx, int cy, int[] span, int c) {
        int r = (span.length - 1) / 2;
        for (int dy = -r; dy <= r; dy++) {
            int y = cy + dy;
            if (y < clipY0 || y >= clipY1) continue;
            int hw = span[dy + r];
            int xa = Math.max(clipX0, cx - hw), xb = Math.min(clipX1 - 1, cx + hw);
            if (xa <= xb) Arrays.fill(px, y * w + xa, y * w + xb + 1, c);
        }
    }

    final void ring(int cx, int cy, int r, int c) {
        // midpoint circle
        int x = r, y = 0, err = 1 - r;
        while (x >= y) {
            set(cx + x, cy + y, c); set(cx + y, cy + x, c); set(cx - y, cy + x, c); set(cx - x, cy + y, c);
            set(cx - x, cy - y, c); set(cx - y, cy - x, c); set(cx + y, cy - x, c); set(cx + x, cy - y, c);
            y++;
            if (err < 0) err += 2 * y + 1;
            else {
                x--;
                err += 2 * (y - x) + 1;
            }
        }
    }

    final void diamond(double cx, double cy, int r, int c) {
        int x = (int) Math.round(cx), y = (int) Math.round(cy);
        if (x < -r || y < -r || x > w + r || y > h + r) return;
        for (int dy = -r; dy <= r; dy++) {
            int hw = r - Math.abs(dy);
            for (int dx = -hw; dx <= hw; dx++) set(x + dx, y + dy, c);
        }
    }
}
