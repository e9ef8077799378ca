package org.criuatlas.ui.graph;

import org.criuatlas.ui.theme.Palette;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.control.TitledPane;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.graph.SelectedItem;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The skin of {@link GraphView}: raster layer (plain-Java {@link Rasterizer} into a
 * {@link PixelBuffer}), a pooled label layer, and a small overlay of real nodes for the selection,
 * the verdict badges and the hover card, which tests click and screen readers read. Redraws at most
 * once per pulse: changes only mark it dirty and request a layout.
 * <p>
 * Over 400 lines on purpose: the frame pipeline (raster thread, present, pending), the input that
 * reads the frame's geometry and the overlay placed from the same geometry are one unit; split
 * apart they would share every field. The legend lives in {@link GraphLegend}.
 */
public final class GraphViewSkin extends SkinBase<GraphView> {
    private static final Font LABEL_FONT = Font.font(12);

    private final ImageView image = new ImageView();
    private final Pane labelLayer = new Pane();
    private final Pane overlay = new Pane();
    private final Circle selectionRing = new Circle();
    private final Label hover = new Label();
    private Node legend;
    private final List<Text> labelPool = new ArrayList<>();
    private final List<VerdictBadge> badges = new ArrayList<>();
    private final ConflictTags conflictTags = new ConflictTags(overlay);
    /** One raster thread for all graph views: drawing never runs on the FX thread while panning. */
    private static final java.util.concurrent.ExecutorService RASTER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atlas-raster");
        t.setDaemon(true);
        return t;
    });
    /** Used only on the raster thread, between submit and present. */
    private final Rasterizer rasterRasterizer = new Rasterizer();
    private int[] rasterPixels = new int[0];
    /** What {@link #rasterPixels} holds now (raster thread only): a pan by whole pixels moves it instead of drawing anew. */
    private PanBlit.Drawn rasterDrawn;
    /** Used only on the FX thread (redrawNow). */
    private final Rasterizer fxRasterizer = new Rasterizer();
    private int[] fxPixels = new int[0];
    // FX-thread state of the frame pipeline
    private boolean rasterBusy;
    private Frame waiting;
    private long requested;
    private long shown;
    /** Frames put on screen so far and when the last one was (nanoTime); for the benchmark. */
    long framesPresented;
    long lastPresentedAt;
    private final double charWidth;
    private final double lineHeight;

    private int bufW;
    private int bufH;
    private IntBuffer buffer;
    private PixelBuffer<IntBuffer> pixelBuffer;
    private boolean dirty = true;
    /** Nanoseconds the last frame took on the FX thread (present: copy + labels; redrawNow: all of it); for the benchmark. */
    long lastFrameNanos;

    private double pressX, pressY;
    private Viewport pressViewport;
    private boolean dragged;

    GraphViewSkin(GraphView view) {
        super(view);
        Text probe = new Text("abcdefghijklmnopqrstuvwxyz0123456789-");
        probe.setFont(LABEL_FONT);
        charWidth = probe.getLayoutBounds().getWidth() / probe.getText().length() * 1.05;
        lineHeight = Math.ceil(probe.getLayoutBounds().getHeight());

        image.setManaged(false);
        labelLayer.setManaged(false);
        labelLayer.setMouseTransparent(true);
        overlay.setManaged(false);
        overlay.setPickOnBounds(false);

        selectionRing.setId(Styles.ID_SELECTION_RING);
        selectionRing.getStyleClass().add(Styles.SELECTION_RING);
        selectionRing.setFill(Color.TRANSPARENT);
        selectionRing.setMouseTransparent(true);
        selectionRing.setVisible(false);
        hover.setId(Styles.ID_HOVER);
        hover.getStyleClass().add(Styles.GRAPH_HOVER);
        hover.setMouseTransparent(true);
        hover.setVisible(false);
        hover.setManaged(false);
        overlay.getChildren().addAll(selectionRing, hover);

        legend = GraphLegend.build(view.getPalette());
        StackPane.setAlignment(legend, Pos.BOTTOM_LEFT);
        StackPane.setMargin(legend, new Insets(8));

        getChildren().addAll(image, labelLayer, overlay, legend);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(view.widthProperty());
        clip.heightProperty().bind(view.heightProperty());
        view.setClip(clip);

        Runnable invalidate = () -> {
            dirty = true;
            view.requestLayout();
        };
        // invalidation listeners keep bound properties lazy: the paint is computed once per frame
        view.renderProperty().addListener(o -> invalidate.run());
        view.paintProperty().addListener(o -> invalidate.run());
        view.viewportProperty().addListener(o -> invalidate.run());
        view.paletteProperty().addListener((o, a, b) -> {
            boolean expanded = legend instanceof TitledPane tp && tp.isExpanded();
            Node fresh = GraphLegend.build(b);
            ((TitledPane) fresh).setExpanded(expanded);
            getChildren().set(getChildren().indexOf(legend), fresh);
            legend = fresh;
            invalidate.run();
        });
        view.widthProperty().addListener(o -> invalidate.run());
        view.heightProperty().addListener(o -> invalidate.run());

        view.addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
        view.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::drag);
        view.addEventHandler(MouseEvent.MOUSE_RELEASED, this::released);
        view.addEventHandler(MouseEvent.MOUSE_MOVED, this::moved);
        view.addEventHandler(MouseEvent.MOUSE_EXITED, e -> hover.setVisible(false));
        view.addEventHandler(ScrollEvent.SCROLL, e -> {
            double f = Math.pow(1.0018, e.getDeltaY());
            view.viewportProperty().set(view.getViewport().zoomAround(f, e.getX(), e.getY()));
            e.consume();
        });
    }

    // ---- input

    private ContextMenu shownMenu;

    private void pressed(MouseEvent e) {
        getSkinnable().requestFocus();
        pressX = e.getX();
        pressY = e.getY();
        pressViewport = getSkinnable().getViewport();
        dragged = false;
        if (shownMenu != null) {
            shownMenu.hide();
            shownMenu = null;
        }
    }

    private void drag(MouseEvent e) {
        if (pressViewport == null || e.getButton() == MouseButton.SECONDARY) return;
        double dx = e.getX() - pressX, dy = e.getY() - pressY;
        if (!dragged && Math.hypot(dx, dy) < 4) return;
        dragged = true;
        hover.setVisible(false);
        getSkinnable().viewportProperty().set(pressViewport.panBy(dx, dy));
    }

    private void released(MouseEvent e) {
        GraphView v = getSkinnable();
        if (dragged) {
            dragged = false;
            return;
        }
        RenderGraph g = v.getRender();
        Overview ov = overview();
        int node = GraphHits.node(g, v.getViewport(), e.getX(), e.getY(), ov);
        boolean outside = node >= 0 && RenderGraph.isOutside(g.kind[node]);
        if (outside) {
            // not a process: a click inspects the connection that leaves; no menu, no subtree
            if (e.getButton() == MouseButton.PRIMARY) v.getOnSelect().accept(SelectedItem.ofKey(g.nodeKey[node]));
            return;
        }
        if (e.getButton() == MouseButton.SECONDARY) {
            if (node < 0) return;
            v.getOnSelect().accept(SelectedItem.process(g.pid[node]));
            ContextMenu menu = v.getContextMenuFactory().apply(g.pid[node]);
            if (menu != null) {
                shownMenu = menu;
                menu.show(v, e.getScreenX(), e.getScreenY());
            }
            return;
        }
        if (e.getButton() != MouseButton.PRIMARY) return;
        if (node >= 0) {
            if (e.getClickCount() >= 2 && ov.isGroup(node)) {
                // a double click on a group opens it in place: zoom to its box
                zoomInto(node, e.getX(), e.getY());
            } else if (e.getClickCount() >= 2) {
                v.getOnFocusSubtree().accept(g.pid[node]);
            } else {
                v.getOnSelect().accept(SelectedItem.process(g.pid[node]));
            }
            return;
        }
        int edge = GraphHits.edge(g, v.getViewport(), e.getX(), e.getY(), ov);
        if (edge >= 0 && g.key[edge] != null) {
            v.getOnSelect().accept(SelectedItem.ofKey(g.key[edge]));
        } else {
            v.getOnSelect().accept(null);
        }
    }

    private void moved(MouseEvent e) {
        GraphView v = getSkinnable();
        RenderGraph g = v.getRender();
        Overview ov = overview();
        int node = GraphHits.node(g, v.getViewport(), e.getX(), e.getY(), ov);
        String text = null;
        if (node >= 0 && ov.isGroup(node)) {
            text = ov.groupLabel(node) + " processes, " + ov.groupInner[ov.groupIndex(node)] + " connections inside"
                    + "\nclick: inspect its root \u00b7 double-click or zoom in: open \u00b7 right-click: plan";
        } else if (node >= 0 && RenderGraph.isOutside(g.kind[node])) {
            text = g.label[node] + "\n" + g.note[node] + "\nclick: inspect " + g.nodeKey[node];
        } else if (node >= 0) {
            GraphPaint paint = v.getPaint();
            String plan = paint != null && paint.nodePlan != null && node < paint.nodePlan.length ? paint.nodePlan[node] : null;
            text = g.label[node] + (g.kind[node] == RenderGraph.ZOMBIE ? " (zombie)"
                    : g.kind[node] == RenderGraph.HIDDEN_FDS ? " (fds not readable)" : "")
                    + (g.markText[node] == null ? "" : "\n" + g.markText[node])
                    + (plan == null ? "" : "\n" + plan)
                    + "\nclick: inspect \u00b7 double-click: focus subtree \u00b7 right-click: plan";
        } else {
            int edge = GraphHits.edge(g, v.getViewport(), e.getX(), e.getY(), ov);
            if (edge >= 0) text = edgeText(g, edge);
        }
        if (text == null) {
            hover.setVisible(false);
            return;
        }
        hover.setText(text);
        hover.autosize();
        double x = Math.min(e.getX() + 14, v.getWidth() - hover.getWidth() - 4);
        double y = Math.min(e.getY() + 16, v.getHeight() - hover.getHeight() - 4);
        hover.relocate(Math.max(0, x), Math.max(0, y));
        hover.setVisible(true);
    }

    private static String edgeText(RenderGraph g, int e) {
        String kind = switch (g.type[e]) {
            case RenderGraph.PARENT -> "parent \u2192 child";
            case RenderGraph.STREAM -> "stream socket";
            case RenderGraph.DGRAM -> "dgram socket";
            case RenderGraph.SEQPACKET -> "seqpacket socket";
            case RenderGraph.PIPE -> "pipe (writer \u2192 reader)";
            case RenderGraph.SHARED -> "shared object";
            case RenderGraph.TCP -> "TCP connection";
            case RenderGraph.UDP -> "UDP socket";
            default -> "socket";
        };
        return kind + (g.key[e] == null ? "" : " " + g.key[e] + (g.peerKey[e] != null && !g.peerKey[e].equals(g.key[e]) ? " \u2194 " + g.peerKey[e] : ""))
                + (g.info[e] != null ? "\n" + g.info[e] : g.name[e] == null ? "" : "\n" + g.name[e])
                + "\n" + g.label[g.from[e]] + " \u2192 " + g.label[g.to[e]]
                + outsideNote(g, g.from[e]) + outsideNote(g, g.to[e]);
    }

    private static String outsideNote(RenderGraph g, int node) {
        return RenderGraph.isOutside(g.kind[node]) ? "\n" + g.note[node] : "";
    }

    // ---- drawing

    @Override
    protected void layoutChildren(double x, double y, double w, double h) {
        GraphView v = getSkinnable();
        legend.autosize();
        layoutInArea(legend, x, y, w, h, 0, new Insets(8), false, false, javafx.geometry.HPos.LEFT, javafx.geometry.VPos.BOTTOM);
        if (!v.fitted && v.getRender().nodeCount > 0 && v.getWidth() > 0) v.initialView();
        if (dirty) redraw();
    }

    /**
     * Called once per pulse from layout when something changed: the overlay (selection, badges)
     * follows at once; labels and pixels are made on the raster thread from an immutable frame
     * request and presented by {@link #present}. At most one frame is in the making; newer
     * requests replace a waiting one, so panning never queues up stale frames.
     */
    void redraw() {
        dirty = false;
        Frame f = frame();
        if (f == null) return;
        updateOverlay(f.g, f.paint, f.vp, f.ov);
        if (rasterBusy) {
            waiting = f;
            return;
        }
        submit(f);
    }

    // ---- the overview of the current zoom, and groups opening in place

    /** How long a group takes to open: its processes move out from its centre to their places. */
    static final long OPEN_NANOS = 220_000_000L;
    private Overview overview;
    private RenderGraph overviewGraph;
    private GraphPaint overviewPaint;
    private double overviewScale = -1;
    private int overviewW, overviewH;
    /** Opening groups: node index -> {from x, from y} in world pixels; all started at {@link #openStart}. */
    private final java.util.Map<Integer, float[]> opening = new java.util.HashMap<>();
    private long openStart;
    private final javafx.animation.AnimationTimer openTimer = new javafx.animation.AnimationTimer() {
        @Override
        public void handle(long now) {
            if (opening.isEmpty()) {
                stop();
                return;
            }
            dirty = true;
            getSkinnable().requestLayout();
        }
    };

    /** The overview the last frame was drawn with (what the user sees; hits use it). */
    Overview overview() {
        RenderGraph g = getSkinnable().getRender();
        if (overview == null || overview.graph() != g) return Overview.none(g);
        return overview;
    }

    /**
     * The overview for this graph, decoration and zoom; made again only when one of them changed
     * (the zoom by more than 2 %), so panning costs nothing. Groups that open start moving out.
     */
    private Overview overview(RenderGraph g, GraphPaint paint, double scale, int w, int h) {
        boolean sameGraph = g == overviewGraph;
        if (overview != null && sameGraph && paint == overviewPaint && Math.abs(Math.log(scale / overviewScale)) < 0.02
                && w == overviewW && h == overviewH) return overview;
        Overview before = sameGraph ? overview : null;
        Overview now = paint.keep != null ? Overview.only(g, paint.keep) : Overview.of(g, scale, mustShow(g, paint), w, h);
        overviewW = w;
        overviewH = h;
        if (before != null && !now.filtered() && !before.filtered()) {
            long t = System.nanoTime();
            for (int i = 0; i < g.nodeCount; i++) {
                int was = before.rep[i];
                if (was != i && now.rep[i] == i) {
                    // folded before, shown now: comes out of where its group was
                    opening.put(i, new float[]{before.cx(was), before.cy(was)});
                }
            }
            if (!opening.isEmpty()) {
                openStart = t;
                openTimer.start();
            }
        } else {
            opening.clear();
        }
        overview = now;
        overviewGraph = g;
        overviewPaint = paint;
        overviewScale = scale;
        return now;
    }

    /** What may not fold into a group: the selection, the plan, both ends of every marked edge. */
    private static boolean[] mustShow(RenderGraph g, GraphPaint paint) {
        boolean[] v = new boolean[g.nodeCount];
        for (int i = 0; i < g.nodeCount; i++) v[i] = paint.nodeFlags[i] != 0;
        for (int e = 0; e < g.edgeCount; e++) {
            if (paint.edgeMark[e] != GraphPaint.E_NONE && paint.edgeMark[e] != GraphPaint.E_INSIDE) {
                v[g.from[e]] = true;
                v[g.to[e]] = true;
            }
        }
        return v;
    }

    /** World positions while groups open (eased), null when nothing moves. */
    private float[][] animatedPositions(RenderGraph g, Overview ov) {
        if (opening.isEmpty()) return null;
        double t = Math.min(1, (System.nanoTime() - openStart) / (double) OPEN_NANOS);
        if (t >= 1) {
            opening.clear();
            return null;
        }
        double k = 1 - Math.pow(1 - t, 3);
        float[] wx = g.x.clone(), wy = g.y.clone();
        for (var e : opening.entrySet()) {
            int i = e.getKey();
            if (i >= g.nodeCount) continue;
            wx[i] = (float) (e.getValue()[0] + (g.x[i] - e.getValue()[0]) * k);
            wy[i] = (float) (e.getValue()[1] + (g.y[i] - e.getValue()[1]) * k);
        }
        return new float[][]{wx, wy};
    }

    /** Zooms so that the group rooted at {@code root} fills most of the view: it opens in place. */
    private void zoomInto(int root, double atX, double atY) {
        GraphView v = getSkinnable();
        RenderGraph g = v.getRender();
        double bw = g.boxX1[root] - g.boxX0[root] + TidyTreeLayout.COLUMN, bh = g.boxY1[root] - g.boxY0[root] + TidyTreeLayout.ROW;
        double scale = Math.max(v.getViewport().scale(), Math.max(Overview.COLLAPSE_PIXELS * 2.6 / Math.max(bw, bh),
                Math.min(v.getWidth() / bw, v.getHeight() / bh) * 0.8));
        double f = scale / v.getViewport().scale();
        v.viewportProperty().set(v.getViewport().zoomAround(f, atX, atY));
    }

    /** Draws and presents on the FX thread, now (the benchmark's refresh measurement and tests). */
    void redrawNow() {
        dirty = false;
        Frame f = frame();
        if (f == null) return;
        long t0 = System.nanoTime();
        updateOverlay(f.g, f.paint, f.vp, f.ov);
        if (fxPixels.length < f.w * f.h) fxPixels = new int[f.w * f.h];
        List<LabelPlacer.Placed> labels = LabelPlacer.place(f.g, f.paint, f.vp, f.w, f.h, charWidth, lineHeight, f.ov);
        fxRasterizer.draw(fxPixels, f.w, f.h, f.g, f.paint, f.vp, f.pal, labels, f.ov, f.wx, f.wy);
        present(f, fxPixels, labels);
        lastFrameNanos = System.nanoTime() - t0;
    }

    /** What one frame is drawn from; everything in it is immutable or never changed after publication. */
    private record Frame(long seq, RenderGraph g, GraphPaint paint, Viewport vp, Palette pal, int w, int h, Overview ov,
                         float[] wx, float[] wy) {}

    private Frame frame() {
        GraphView v = getSkinnable();
        int w = (int) Math.ceil(v.getWidth()), h = (int) Math.ceil(v.getHeight());
        if (w <= 0 || h <= 0) return null;
        RenderGraph g = v.getRender();
        GraphPaint paint = v.getPaint();
        if (paint == null || paint.nodeFlags.length != g.nodeCount || paint.edgeMark.length != g.edgeCount) {
            paint = GraphPaint.of(g, null, null, false);
        }
        Overview ov = overview(g, paint, v.getViewport().scale(), w, h);
        float[][] moving = animatedPositions(g, ov);
        return new Frame(++requested, g, paint, v.getViewport(), v.getPalette(), w, h, ov,
                moving == null ? null : moving[0], moving == null ? null : moving[1]);
    }

    private void submit(Frame f) {
        rasterBusy = true;
        RASTER.execute(() -> {
            List<LabelPlacer.Placed> labels;
            int[] px;
            try {
                if (rasterPixels.length < f.w * f.h) {
                    rasterPixels = new int[f.w * f.h];
                    rasterDrawn = null;
                }
                px = rasterPixels;
                labels = LabelPlacer.place(f.g, f.paint, f.vp, f.w, f.h, charWidth, lineHeight, f.ov);
                rasterDrawn = PanBlit.frame(rasterRasterizer, px, rasterDrawn, f.g, f.paint, f.vp, f.pal, labels, f.ov, f.w, f.h, f.wx, f.wy);
            } catch (RuntimeException e) {
                rasterDrawn = null;
                javafx.application.Platform.runLater(() -> presented(f));
                throw e;
            }
            javafx.application.Platform.runLater(() -> {
                long t0 = System.nanoTime();
                present(f, px, labels);
                presented(f);
                lastFrameNanos = System.nanoTime() - t0;
            });
        });
    }

    /** The raster thread is free again: start the newest waiting request. */
    private void presented(Frame f) {
        rasterBusy = false;
        Frame next = waiting;
        waiting = null;
        if (next != null) submit(next);
    }

    /** FX thread: the pixels of {@code f} into the image, its labels into the label layer. */
    private void present(Frame f, int[] px, List<LabelPlacer.Placed> labels) {
        if (f.seq < shown) return; // a synchronous redraw already showed something newer
        shown = f.seq;
        if (f.w != bufW || f.h != bufH) allocate(f.w, f.h);
        buffer.clear();
        buffer.put(px, 0, f.w * f.h);
        buffer.flip();
        pixelBuffer.updateBuffer(pb -> null);
        updateLabels(labels);
        framesPresented++;
        lastPresentedAt = System.nanoTime();
    }

    /** True while a requested frame is not on screen yet. */
    boolean framePending() {
        return dirty || rasterBusy || waiting != null;
    }

    private void allocate(int w, int h) {
        bufW = w;
        bufH = h;
        buffer = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
        pixelBuffer = new PixelBuffer<>(w, h, buffer, PixelFormat.getIntArgbPreInstance());
        image.setImage(new WritableImage(pixelBuffer));
    }

    private void updateLabels(List<LabelPlacer.Placed> labels) {
        while (labelPool.size() < labels.size()) {
            Text t = new Text();
            t.setFont(LABEL_FONT);
            t.setTextOrigin(javafx.geometry.VPos.TOP);
            t.setManaged(false);
            labelPool.add(t);
            labelLayer.getChildren().add(t);
        }
        for (int i = 0; i < labelPool.size(); i++) {
            Text t = labelPool.get(i);
            if (i < labels.size()) {
                LabelPlacer.Placed p = labels.get(i);
                if (!p.text().equals(t.getText())) t.setText(p.text());
                String cls = p.node() >= 0 ? Styles.GRAPH_LABEL : Styles.GRAPH_EDGE_LABEL;
                if (t.getStyleClass().isEmpty() || !t.getStyleClass().get(0).equals(cls)) t.getStyleClass().setAll(cls);
                t.setLayoutX(Math.round(p.x()));
                t.setLayoutY(Math.round(p.y()));
                t.setVisible(true);
            } else if (t.isVisible()) {
                t.setVisible(false);
            }
        }
    }

    private void updateOverlay(RenderGraph g, GraphPaint paint, Viewport vp, Overview ov) {
        GraphView v = getSkinnable();
        // selection ring: a real node with an accessible description
        int sel = -1;
        for (int i = 0; i < g.nodeCount; i++) if ((paint.nodeFlags[i] & GraphPaint.SELECTED) != 0) sel = i;
        if (sel >= 0) {
            int r = Rasterizer.nodeRadius(vp.scale()) + 7;
            selectionRing.setRadius(r);
            selectionRing.setCenterX(vp.toScreenX(g.x[sel]));
            selectionRing.setCenterY(vp.toScreenY(g.y[sel]));
            selectionRing.setAccessibleText("Selected process " + g.label[sel]);
            selectionRing.setVisible(true);
        } else {
            selectionRing.setVisible(false);
        }
        // verdict badges: a shape and colour per crossing edge, at the edge's middle
        List<GraphPaint.Badge> bs = paint.badges;
        while (badges.size() < Math.min(bs.size(), 400)) {
            VerdictBadge b = new VerdictBadge(org.criuatlas.ui.plan.Verdict.UNKNOWN);
            b.setManaged(false);
            b.setOnMouseClicked(ev -> {
                Object c = b.getUserData();
                if (c instanceof CrossingRow cr) v.getOnBadge().accept(cr);
                ev.consume();
            });
            b.setOnMousePressed(javafx.event.Event::consume);
            b.setOnMouseReleased(javafx.event.Event::consume);
            badges.add(b);
            overlay.getChildren().add(b);
        }
        for (int i = 0; i < badges.size(); i++) {
            VerdictBadge b = badges.get(i);
            if (i >= bs.size()) {
                b.setVisible(false);
                continue;
            }
            GraphPaint.Badge badge = bs.get(i);
            CrossingRow c = badge.crossing();
            double bx, by;
            if (badge.edge() >= 0 && (!ov.shown(g.from[badge.edge()]) || !ov.shown(g.to[badge.edge()]))) {
                // its edge is hidden (only what blocks the dump is drawn)
                b.setVisible(false);
                continue;
            } else if (badge.edge() >= 0) {
                int e = badge.edge();
                float[] sx = {(float) vp.toScreenX(g.x[g.from[e]]), (float) vp.toScreenX(g.x[g.to[e]])};
                float[] sy = {(float) vp.toScreenY(g.y[g.from[e]]), (float) vp.toScreenY(g.y[g.to[e]])};
                float[] q = Rasterizer.ends(sx, sy, 0, 1, g.lane[e], Rasterizer.laneGap(vp.scale()));
                // near the inside end (where the decision applies), clear of the node and of the edge label at the middle
                boolean fromInside = g.pid[g.from[e]] == c.insidePid();
                double ix = fromInside ? q[0] : q[2], iy = fromInside ? q[1] : q[3];
                double ox = fromInside ? q[2] : q[0], oy = fromInside ? q[3] : q[1];
                double len = Math.hypot(ox - ix, oy - iy);
                double d = Math.min(len / 2, Math.max(Rasterizer.nodeRadius(vp.scale()) + 14, 0.25 * len));
                double t = len < 1 ? 0 : d / len;
                bx = ix + (ox - ix) * t;
                by = iy + (oy - iy) * t;
            } else if (badge.node() >= 0) {
                bx = vp.toScreenX(g.x[badge.node()]) + Rasterizer.nodeRadius(vp.scale()) + 10;
                by = vp.toScreenY(g.y[badge.node()]) - Rasterizer.nodeRadius(vp.scale()) - 10;
            } else {
                b.setVisible(false);
                continue;
            }
            if (b.getUserData() != c) {
                // ids and texts only when the badge shows another crossing: a pan must not rebuild 400 strings
                b.setVerdict(c.verdict());
                b.setId(Styles.idFor("badge", c.id()));
                b.setAccessibleText(c.what() + ": " + c.verdict().words + ". " + c.explanation());
                b.setUserData(c);
            }
            b.resize(b.getPrefWidth(), b.getPrefHeight());
            b.relocate(bx - b.getPrefWidth() / 2, by - b.getPrefHeight() / 2);
            b.setVisible(true);
        }
        conflictTags.update(g, paint, vp);
    }

    /** The restore conflicts' captions on screen now. */
    List<String> conflictCaptions() { return conflictTags.shown(); }

    static Color toColor(int argb) {
        return Color.rgb((argb >> 16) & 255, (argb >> 8) & 255, argb & 255);
    }
}
