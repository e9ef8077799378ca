package org.criuatlas.ui.export;

import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.LabelPlacer;
import org.criuatlas.ui.graph.Rasterizer;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.graph.Viewport;
import org.criuatlas.ui.theme.Palette;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A {@link GraphPicture.Picture} as vector SVG: the rasterizer's drawing, element for element, in
 * the same order, colours, widths and stroke patterns (stream solid, datagram dashed, seqpacket
 * dotted, pipes with an arrow at the reader, shared objects dotted with a diamond, verdicts wider,
 * a failing edge a double stroke, outside ends hollow dashed diamonds), with the same labels. Each
 * process carries a {@code <title>} with its name and pid, so a browser shows it on hover.
 */
public final class SvgWriter {
    private SvgWriter() {}

    public static void write(GraphPicture.Picture p, Path out) throws IOException {
        Files.writeString(out, svg(p), StandardCharsets.UTF_8);
    }

    public static String svg(GraphPicture.Picture p) {
        RenderGraph g = p.graph();
        GraphPaint paint = p.paint();
        Viewport vp = p.viewport();
        Palette pal = p.palette();
        StringBuilder b = new StringBuilder(256 + g.nodeCount * 160 + g.edgeCount * 120);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(p.width()).append("\" height=\"")
                .append(p.height()).append("\" viewBox=\"0 0 ").append(p.width()).append(' ').append(p.height()).append("\">\n");
        b.append("<title>").append(xml(p.title())).append("</title>\n");
        b.append("<rect x=\"0\" y=\"0\" width=\"").append(p.width()).append("\" height=\"").append(p.height())
                .append("\" fill=\"").append(rgb(pal.background())).append("\"/>\n");
        double s = vp.scale();
        int n = g.nodeCount;
        float[] sx = new float[n], sy = new float[n];
        for (int i = 0; i < n; i++) {
            sx[i] = (float) vp.toScreenX(g.x[i]);
            sy[i] = (float) vp.toScreenY(g.y[i]);
        }
        int radius = Rasterizer.nodeRadius(s);
        boolean plan = paint.planActive;
        double laneGap = Rasterizer.laneGap(s);

        b.append("<g id=\"edges\" stroke-linecap=\"butt\">\n");
        for (int e = 0; e < g.edgeCount; e++) {
            byte mark = paint.edgeMark[e];
            if (mark != GraphPaint.E_NONE && mark != GraphPaint.E_INSIDE) continue;
            int a = g.from[e], c = g.to[e];
            if (g.kind[a] == RenderGraph.GHOST || g.kind[c] == RenderGraph.GHOST) continue;
            byte t = g.type[e];
            float[] q = Rasterizer.ends(sx, sy, a, c, g.lane[e], laneGap);
            int colour = Rasterizer.edgeColour(t, pal);
            if (plan && mark != GraphPaint.E_INSIDE) colour = pal.faded(colour, 0.72);
            int lw = t == RenderGraph.PARENT ? 1 : s >= 0.5 ? 2 : 1;
            line(b, q, colour, lw, Rasterizer.dash(t), edgeTitle(g, e));
            if (t == RenderGraph.PIPE && s >= 0.3) arrow(b, q, radius + 2, colour, s >= 0.6 ? 8 : 5);
            if (t == RenderGraph.SHARED && s >= 0.3) diamond(b, (q[0] + q[2]) / 2, (q[1] + q[3]) / 2, 4, colour, -1, 0);
        }
        b.append("</g>\n<g id=\"marked-edges\">\n");
        for (int e = 0; e < g.edgeCount; e++) {
            byte mark = paint.edgeMark[e];
            if (mark == GraphPaint.E_NONE || mark == GraphPaint.E_INSIDE) continue;
            byte t = g.type[e];
            int[] dash = Rasterizer.dash(t);
            float[] q = Rasterizer.ends(sx, sy, g.from[e], g.to[e], g.lane[e], laneGap);
            int c = switch (mark) {
                case GraphPaint.E_FAIL -> pal.fail();
                case GraphPaint.E_OBLIGATION -> pal.obligation();
                case GraphPaint.E_RESOLVED -> pal.resolved();
                case GraphPaint.E_UNKNOWN -> pal.unknown();
                default -> pal.selected();
            };
            int w = switch (mark) {
                case GraphPaint.E_FAIL -> 6;
                case GraphPaint.E_OBLIGATION -> 4;
                default -> 3;
            };
            line(b, q, c, w, dash, edgeTitle(g, e));
            if (mark == GraphPaint.E_FAIL) line(b, q, pal.background(), 2, dash, null);
            if (t == RenderGraph.PIPE) arrow(b, q, radius + 2, c, 10);
        }
        b.append("</g>\n<g id=\"label-backgrounds\">\n");
        for (LabelPlacer.Placed l : p.labels()) {
            b.append("<rect x=\"").append(Math.round(l.x()) - 2).append("\" y=\"").append(Math.round(l.y())).append("\" width=\"")
                    .append(Math.round(l.width()) + 4).append("\" height=\"").append(Math.round(l.height())).append("\" fill=\"")
                    .append(rgb(pal.labelBackground())).append("\"/>\n");
        }
        b.append("</g>\n<g id=\"nodes\">\n");
        for (int i = 0; i < n; i++) {
            double cx = sx[i], cy = sy[i];
            byte f = paint.nodeFlags[i];
            byte k = g.kind[i];
            b.append("<g class=\"").append(kindName(k)).append("\"><title>").append(xml(g.label[i]))
                    .append(g.note[i] == null ? "" : "\n" + xml(g.note[i])).append("</title>");
            if (k == RenderGraph.GHOST) {
                circle(b, cx, cy, radius + 1, -1, pal.ghost(), 1);
            } else if (RenderGraph.isOutside(k)) {
                diamond(b, cx, cy, radius + 2, pal.background(), k == RenderGraph.OUTSIDE_DUMP ? pal.obligation() : k == RenderGraph.REMOTE ? pal.inet() : pal.unknown(),
                        s >= 0.5 ? 2 : 1);
            } else {
                boolean inPlan = (f & GraphPaint.IN_PLAN) != 0;
                int stroke = inPlan ? pal.planStroke() : (plan ? pal.faded(pal.nodeStroke(), 0.5) : pal.nodeStroke());
                int fill = inPlan ? pal.planFill() : pal.nodeFill();
                int sw = radius >= 5 ? 2 : 1;
                if ((f & GraphPaint.PLAN_ROOT) != 0) {
                    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>",
                            cx - radius, cy - radius, 2 * radius + 1, 2 * radius + 1, rgb(fill), rgb(stroke)));
                } else if (k == RenderGraph.ZOMBIE) {
                    circle(b, cx, cy, radius - sw / 2.0, pal.background(), stroke, sw);
                } else {
                    circle(b, cx, cy, radius - sw / 2.0, k == RenderGraph.HIDDEN_FDS ? pal.faded(pal.unknown(), 0.5) : fill, stroke, sw);
                }
                if ((f & GraphPaint.SELECTED) != 0) circle(b, cx, cy, radius + 3.5, -1, pal.selected(), 2);
            }
            b.append("</g>\n");
        }
        b.append("</g>\n<g id=\"labels\" font-family=\"").append(GraphPicture.FONT_FAMILY).append(", sans-serif\" font-size=\"")
                .append(GraphPicture.FONT_SIZE).append("\">\n");
        double ascent = GraphPicture.metrics().ascent();
        for (LabelPlacer.Placed l : p.labels()) {
            boolean edge = l.node() < 0;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"%s\"%s>", Math.round(l.x()), Math.round(l.y()) + ascent,
                    rgb(edge ? p.mutedColour() : p.textColour()), edge ? " font-style=\"italic\"" : "")).append(xml(l.text())).append("</text>\n");
        }
        b.append("</g>\n</svg>\n");
        return b.toString();
    }

    private static String edgeTitle(RenderGraph g, int e) {
        String what = g.key[e] == null ? "parent of" : g.name[e] != null ? g.key[e] + " " + g.name[e] : g.key[e];
        return g.label[g.from[e]] + " \u2192 " + g.label[g.to[e]] + ": " + what;
    }

    private static void line(StringBuilder b, float[] q, int colour, int width, int[] dash, String title) {
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%d\"",
                q[0], q[1], q[2], q[3], rgb(colour), width));
        if (dash != null) {
            b.append(" stroke-dasharray=\"");
            for (int i = 0; i < dash.length; i++) b.append(i == 0 ? "" : " ").append(dash[i]);
            b.append('"');
        }
        if (title == null) b.append("/>\n");
        else b.append("><title>").append(xml(title)).append("</title></line>\n");
    }

    private static void arrow(StringBuilder b, float[] q, double back, int c, int size) {
        double dx = q[2] - q[0], dy = q[3] - q[1], len = Math.hypot(dx, dy);
        if (len < back + size + 2) return;
        double ux = dx / len, uy = dy / len;
        double tipX = q[2] - ux * back, tipY = q[3] - uy * back;
        double bx = tipX - ux * size, by = tipY - uy * size;
        b.append(String.format(Locale.ROOT, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>\n", tipX, tipY,
                bx - uy * size * 0.55, by + ux * size * 0.55, bx + uy * size * 0.55, by - ux * size * 0.55, rgb(c)));
    }

    /** A diamond of half-diagonal r: filled with {@code fill} (-1: none), outlined dashed in {@code stroke} when width > 0. */
    private static void diamond(StringBuilder b, double cx, double cy, double r, int fill, int stroke, int width) {
        b.append(String.format(Locale.ROOT, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\"", cx, cy - r, cx + r, cy, cx, cy + r, cx - r, cy));
        b.append(" fill=\"").append(fill == -1 ? "none" : rgb(fill)).append('"');
        if (width > 0) b.append(" stroke=\"").append(rgb(stroke)).append("\" stroke-width=\"").append(width).append("\" stroke-dasharray=\"3 2\"");
        b.append("/>");
    }

    private static void circle(StringBuilder b, double cx, double cy, double r, int fill, int stroke, int width) {
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%d\"/>",
                cx, cy, r, fill == -1 ? "none" : rgb(fill), rgb(stroke), width));
    }

    private static String kindName(byte k) {
        return switch (k) {
            case RenderGraph.ZOMBIE -> "zombie";
            case RenderGraph.GHOST -> "ghost";
            case RenderGraph.HIDDEN_FDS -> "hidden-fds";
            case RenderGraph.OUTSIDE_DUMP -> "outside-dump";
            case RenderGraph.OWNER_UNKNOWN -> "owner-unknown";
            case RenderGraph.REMOTE -> "remote";
            default -> "process";
        };
    }

    static String rgb(int argb) {
        return String.format("#%06X", argb & 0xFFFFFF);
    }

    static String xml(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    // XML 1.0 allows no control characters but tab, newline and return
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') b.append(' ');
                    else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) b.append('\uFFFD');
                    else if (c == 0xFFFE || c == 0xFFFF) b.append('\uFFFD');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
