package org.criuatlas.ui.theme;

/**
 * Colours of the raster layer, opaque ARGB (so premultiplied equals straight). Based on the
 * Okabe-Ito palette, which stays distinguishable for the common colour-vision deficiencies; every
 * meaning also has a stroke pattern or glyph, so colour is never the only cue.
 */
public record Palette(int background, int parentEdge, int stream, int dgram, int seqpacket, int pipe, int shared,
                      int fail, int obligation, int resolved, int unknown, int nodeFill, int nodeStroke,
                      int planFill, int planStroke, int selected, int appeared, int ghost, int labelBackground) {

    public static final Palette LIGHT = new Palette(
            0xFFF8F9FB, 0xFFB8BEC8, 0xFF0072B2, 0xFF2E8FC8, 0xFFAA4A8C, 0xFF5A5F66, 0xFF8E6BBF,
            0xFFD55E00, 0xFFE69F00, 0xFF009E73, 0xFF7A7A7A, 0xFFFFFFFF, 0xFF3C4048,
            0xFFCDE4F7, 0xFF0B5394, 0xFF000000, 0xFF009E73, 0xFF9AA0A8, 0xFFF8F9FB);

    public static final Palette DARK = new Palette(
            0xFF1B1E23, 0xFF4A505A, 0xFF56B4E9, 0xFF56B4E9, 0xFFCC79A7, 0xFFB8BCC4, 0xFFB39DDB,
            0xFFFF7A33, 0xFFF0C000, 0xFF2FD1A0, 0xFF9A9A9A, 0xFF2B3038, 0xFFC9CED6,
            0xFF1F4E79, 0xFF8CC8FF, 0xFFFFFFFF, 0xFF2FD1A0, 0xFF6A707A, 0xFF1B1E23);

    /** The fill of a collapsed group in the overview: a tint of the node stroke on the background. */
    public int groupFill() {
        return mix(nodeStroke, background, 0.88);
    }

    /** The outline of a collapsed group. */
    public int groupStroke() {
        return mix(nodeStroke, background, 0.35);
    }

    /**
     * TCP/UDP connections and remote endpoints: a teal apart from the unix socket colours (on a light
     * background dark, on a dark one light); their square mark says it without colour.
     */
    public int inet() {
        return luminance(background) > 0.5 ? 0xFF117A8B : 0xFF4FC8D8;
    }

    /** The badges on process nodes (lock, SysV IPC, namespaces, listening): the node stroke, so they read as the node's. */
    public int badge() {
        return nodeStroke;
    }

    static double luminance(int c) {
        return (0.2126 * ((c >> 16) & 255) + 0.7152 * ((c >> 8) & 255) + 0.0722 * (c & 255)) / 255.0;
    }

    /** A hub's ring: the stream colour, which most of its connections have. */
    public int hub() {
        return stream;
    }

    /** {@code c} moved {@code t} (0..1) of the way to the background: how edges outside the plan are muted. */
    public int faded(int c, double t) {
        return mix(c, background, t);
    }

    static int mix(int a, int b, double t) {
        int r = (int) (((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t);
        int g = (int) (((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t);
        int bl = (int) ((a & 255) * (1 - t) + (b & 255) * t);
        return 0xFF000000 | (r << 16) | (g << 8) | bl;
    }
}
