package org.criuatlas.ui.export;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.LabelPlacer;
import org.criuatlas.ui.graph.Rasterizer;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.graph.TidyTreeLayout;
import org.criuatlas.ui.graph.Viewport;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.theme.Palette;
import org.criuatlas.ui.theme.Theme;
import org.criuatlas.ui.vm.ProcessRows;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The graph view drawn offscreen, whole: the same tree layout, the same rasterizer, palette and
 * label placement as the window, at a scale where every label shows, into a PNG; {@link SvgWriter}
 * draws the same {@link Picture} as vector SVG. No JavaFX toolkit needed (labels are drawn with
 * Java2D, headless), so {@code criu-atlas export} runs without a display. This is the desktop's
 * entry for the command line (ArchitectureTest's DESKTOP_ENTRY).
 */
public final class GraphPicture {
    /** Largest side of a picture in pixels; bigger graphs are drawn at a smaller scale. */
    public static final int MAX_SIDE = 8000;
    /** Largest picture in pixels (about 130 MB of ARGB): a whole-machine graph is scaled down to fit. */
    public static final long MAX_PIXELS = 32_000_000L;
    static final int MARGIN = 60;
    static final String FONT_FAMILY = "DejaVu Sans";
    static final int FONT_SIZE = 12;

    private GraphPicture() {}

    /** What both formats draw: the render graph, its decoration, the viewport, the size and the placed labels. */
    public record Picture(RenderGraph graph, GraphPaint paint, Viewport viewport, int width, int height, Theme theme,
                          List<LabelPlacer.Placed> labels, String title) {
        public Palette palette() { return theme.palette; }

        /** Label colours of the theme's stylesheet (-atlas-text, -atlas-text-muted). */
        public int textColour() { return theme == Theme.DARK ? 0xFFE6E8EB : 0xFF1F2328; }

        public int mutedColour() { return theme == Theme.DARK ? 0xFFA2A9B4 : 0xFF5D6470; }
    }

    /**
     * The command line's entry: {@code g} as {@code format} ("png" or "svg") into {@code out}, in the
     * light or dark theme.
     */
    public static void write(IpcGraph g, String title, String format, boolean dark, Path out) throws IOException {
        Picture p = layout(g, title, dark ? Theme.DARK : Theme.LIGHT, null);
        switch (format.toLowerCase(Locale.ROOT)) {
            case "png" -> writePng(p, out);
            case "svg" -> SvgWriter.write(p, out);
            default -> throw new IllegalArgumentException("GraphPicture draws png or svg, not " + format);
        }
    }

    /** Lays {@code g} out as the graph view does (kernel threads hidden), with {@code plan} marked when not null. */
    public static Picture layout(IpcGraph g, String title, Theme theme, PlanOutcome plan) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        List<Integer> roots = new ArrayList<>();
        for (ProcessInfo p : g.processes().values()) {
            if (!ProcessRows.visible(p, false)) continue;
            ProcessInfo parent = g.process(p.ppid());
            if (parent != null && p.ppid() != p.pid() && ProcessRows.visible(parent, false)) {
                children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
            } else {
                roots.add(p.pid());
            }
        }
        Map<Integer, TidyTreeLayout.Point> pos = new TidyTreeLayout().update(new TidyTreeLayout.Forest(roots, children));
        RenderGraph rg = RenderGraph.build(g, pos, p -> ProcessRows.visible(p, false), Set.of(), List.of());
        GraphPaint paint = GraphPaint.of(rg, null, plan, false);
        double ww = rg.maxX - rg.minX, wh = rg.maxY - rg.minY;
        double scale = 1;
        scale = Math.min(scale, (MAX_SIDE - 2.0 * MARGIN) / Math.max(1, ww));
        scale = Math.min(scale, (MAX_SIDE - 2.0 * MARGIN) / Math.max(1, wh));
        while ((ww * scale + 2 * MARGIN) * (wh * scale + 2 * MARGIN) > MAX_PIXELS && scale > Viewport.MIN_SCALE) scale *= 0.9;
        scale = Math.max(Viewport.MIN_SCALE, scale);
        int w = (int) Math.ceil(ww * scale) + 2 * MARGIN, h = (int) Math.ceil(wh * scale) + 2 * MARGIN;
        Viewport vp = new Viewport(scale, MARGIN - rg.minX * scale, MARGIN - rg.minY * scale);
        Metrics m = metrics();
        List<LabelPlacer.Placed> labels = LabelPlacer.place(rg, paint, vp, w, h, m.charWidth, m.lineHeight);
        return new Picture(rg, paint, vp, w, h, theme, labels, title);
    }

    /** The picture as an image: the rasterizer's pixels, then the labels. */
    public static BufferedImage render(Picture p) {
        BufferedImage img = new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_INT_ARGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        // every palette colour is opaque, so the rasterizer's premultiplied ARGB is plain ARGB
        new Rasterizer().draw(px, p.width(), p.height(), p.graph(), p.paint(), p.viewport(), p.palette(), p.labels());
        Graphics2D g2 = img.createGraphics();
        try {
            g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            Font plain = new Font(FONT_FAMILY, Font.PLAIN, FONT_SIZE), italic = plain.deriveFont(Font.ITALIC);
            FontMetrics fm = g2.getFontMetrics(plain);
            for (LabelPlacer.Placed l : p.labels()) {
                boolean edge = l.node() < 0;
                g2.setFont(edge ? italic : plain);
                g2.setColor(new Color(edge ? p.mutedColour() : p.textColour(), true));
                g2.drawString(l.text(), (float) Math.round(l.x()), (float) (Math.round(l.y()) + fm.getAscent()));
            }
        } finally {
            g2.dispose();
        }
        return img;
    }

    public static void writePng(Picture p, Path out) throws IOException {
        BufferedImage img = render(p);
        try (OutputStream os = Files.newOutputStream(out)) {
            if (!ImageIO.write(img, "png", os)) throw new IOException("no PNG writer in this Java runtime");
        }
    }

    record Metrics(double charWidth, double lineHeight, double ascent) {}

    private static Metrics metrics;

    /** The label font's average glyph width and line height, measured as the view measures its own. */
    static synchronized Metrics metrics() {
        if (metrics == null) {
            BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g2 = probe.createGraphics();
            try {
                FontMetrics fm = g2.getFontMetrics(new Font(FONT_FAMILY, Font.PLAIN, FONT_SIZE));
                String s = "abcdefghijklmnopqrstuvwxyz0123456789-";
                metrics = new Metrics(fm.stringWidth(s) / (double) s.length() * 1.05, Math.ceil(fm.getHeight()), fm.getAscent());
            } finally {
                g2.dispose();
            }
        }
        return metrics;
    }

    static {
        // labels are drawn with Java2D into an image, never on screen: no display needed
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }
}
