package org.criuatlas.ui.graph;

import org.criuatlas.ui.theme.Palette;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;
import javafx.scene.AccessibleRole;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.graph.SelectedItem;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The process graph: a custom control whose skin rasterizes thousands of nodes and edges into a
 * pixel buffer and keeps a few scene-graph nodes on top (labels, the selection ring, verdict
 * badges, the hover card, the legend). It shows state and forwards intents; it decides nothing.
 */
public final class GraphView extends Control {
    private final ObjectProperty<RenderGraph> render = new SimpleObjectProperty<>(this, "render", RenderGraph.EMPTY);
    private final ObjectProperty<GraphPaint> paint = new SimpleObjectProperty<>(this, "paint");
    private final ObjectProperty<Palette> palette = new SimpleObjectProperty<>(this, "palette", Palette.LIGHT);
    private final ObjectProperty<Viewport> viewport = new SimpleObjectProperty<>(this, "viewport", Viewport.IDENTITY);
    private final ObjectProperty<Consumer<SelectedItem>> onSelect = new SimpleObjectProperty<>(this, "onSelect", s -> {});
    private final ObjectProperty<IntConsumer> onFocusSubtree = new SimpleObjectProperty<>(this, "onFocusSubtree", p -> {});
    private final ObjectProperty<Consumer<CrossingRow>> onBadge = new SimpleObjectProperty<>(this, "onBadge", c -> {});
    private final ObjectProperty<IntFunction<ContextMenu>> contextMenuFactory =
            new SimpleObjectProperty<>(this, "contextMenuFactory", p -> null);
    /** Set once the first non-empty graph has been fitted; fit() resets the intent. */
    boolean fitted;

    public GraphView() {
        getStyleClass().add(Styles.GRAPH_VIEW);
        setId(Styles.ID_GRAPH);
        setFocusTraversable(true);
        setAccessibleRole(AccessibleRole.IMAGE_VIEW);
        setAccessibleText("Process graph");
        render.addListener((o, a, b) -> setAccessibleText("Process graph: " + (b.nodeCount - b.outsideCount)
                + " processes, " + b.edgeCount + " edges"
                + (b.outsideCount == 0 ? "" : ", " + b.outsideCount + " connections leave what is shown")));
    }

    @Override
    protected Skin<?> createDefaultSkin() {
        return new GraphViewSkin(this);
    }

    public ObjectProperty<RenderGraph> renderProperty() { return render; }

    public RenderGraph getRender() { return render.get(); }

    public GraphPaint getPaint() { return paint.get(); }

    public Palette getPalette() { return palette.get(); }

    public Consumer<SelectedItem> getOnSelect() { return onSelect.get(); }

    public IntConsumer getOnFocusSubtree() { return onFocusSubtree.get(); }

    public Consumer<CrossingRow> getOnBadge() { return onBadge.get(); }

    public IntFunction<ContextMenu> getContextMenuFactory() { return contextMenuFactory.get(); }

    public void setOnSelect(Consumer<SelectedItem> c) { onSelect.set(c); }

    public void setOnFocusSubtree(IntConsumer c) { onFocusSubtree.set(c); }

    public void setOnBadge(Consumer<CrossingRow> c) { onBadge.set(c); }

    public void setContextMenuFactory(IntFunction<ContextMenu> f) { contextMenuFactory.set(f); }

    public void setPalette(Palette p) { palette.set(p); }

    /** Milliseconds the last frame took on the FX thread (for the benchmark); -1 before the first frame. */
    public double lastFrameMillis() {
        return getSkin() instanceof GraphViewSkin s ? s.lastFrameNanos / 1e6 : -1;
    }

    /** Draws and presents now on the FX thread instead of on the raster thread (benchmark, screenshots). */
    public void redrawNow() {
        if (getSkin() instanceof GraphViewSkin s) s.redrawNow();
    }

    /** True while a change is not on screen yet (the raster thread is still drawing it). */
    public boolean framePending() {
        return getSkin() instanceof GraphViewSkin s && s.framePending();
    }

    /** The restore preview's captions drawn now (empty without a preview). */
    public java.util.List<String> conflictCaptions() {
        return getSkin() instanceof GraphViewSkin s ? s.conflictCaptions() : java.util.List.of();
    }

    /** Frames put on screen so far; for the benchmark. */
    public long framesPresented() {
        return getSkin() instanceof GraphViewSkin s ? s.framesPresented : 0;
    }

    /** When the last frame was put on screen ({@link System#nanoTime}); for the benchmark. */
    public long lastPresentedAt() {
        return getSkin() instanceof GraphViewSkin s ? s.lastPresentedAt : 0;
    }

    public ObjectProperty<GraphPaint> paintProperty() { return paint; }

    public ObjectProperty<Palette> paletteProperty() { return palette; }

    public ObjectProperty<Viewport> viewportProperty() { return viewport; }

    public Viewport getViewport() { return viewport.get(); }

    /** Called with the clicked process/socket/pipe, or null for a click on empty space. */
    public ObjectProperty<Consumer<SelectedItem>> onSelectProperty() { return onSelect; }

    public ObjectProperty<IntConsumer> onFocusSubtreeProperty() { return onFocusSubtree; }

    /** Called when a verdict badge is clicked. */
    public ObjectProperty<Consumer<CrossingRow>> onBadgeProperty() { return onBadge; }

    /** The context menu for a right-clicked process (pid), or null for none. */
    public ObjectProperty<IntFunction<ContextMenu>> contextMenuFactoryProperty() { return contextMenuFactory; }

    /** The smallest scale at which process labels are drawn: the first view never goes below it. */
    public static final double READABLE_SCALE = LabelPlacer.MIN_COLUMN_PIXELS / TidyTreeLayout.COLUMN + 0.02;

    /**
     * The first view of a graph: all of it when that keeps labels readable, else readable labels
     * from the top-left (the roots); Fit shows everything.
     */
    public void initialView() {
        RenderGraph g = render.get();
        if (g.nodeCount == 0 || getWidth() <= 0) return;
        fit();
        if (getViewport().scale() < READABLE_SCALE) {
            double s = READABLE_SCALE;
            double tx = 40 - g.minX * s;
            // centre horizontally when the graph is narrower than the view at this scale
            if ((g.maxX - g.minX) * s < getWidth() - 80) tx = (getWidth() - (g.maxX - g.minX) * s) / 2 - g.minX * s;
            viewport.set(new Viewport(s, tx, 40 - g.minY * s));
        }
    }

    /** Intent: show the whole graph. */
    public void fit() {
        RenderGraph g = render.get();
        if (g.nodeCount == 0 || getWidth() <= 0) return;
        viewport.set(Viewport.fit(g.minX, g.minY, g.maxX, g.maxY, getWidth(), getHeight(), 40, 1.2));
        fitted = true;
    }

    /** Intent: show these processes (a focused subtree, a jump target), zooming in no closer than 1:1. */
    public void fitPids(Set<Integer> pids) {
        RenderGraph g = render.get();
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        int found = 0;
        for (int p : pids) {
            int i = g.indexOf(p);
            if (i < 0) continue;
            found++;
            x0 = Math.min(x0, g.x[i]);
            y0 = Math.min(y0, g.y[i]);
            x1 = Math.max(x1, g.x[i]);
            y1 = Math.max(y1, g.y[i]);
        }
        if (found == 0 || getWidth() <= 0) return;
        if (found == 1) {
            double s = Math.max(getViewport().scale(), 0.8);
            viewport.set(new Viewport(s, 0, 0).centerOn(x0, y0, getWidth() / 2, getHeight() / 2));
        } else {
            viewport.set(Viewport.fit(x0, y0, x1, y1, getWidth(), getHeight(), 60, 1.0));
        }
    }

    public void zoom(double factor) {
        viewport.set(getViewport().zoomAround(factor, getWidth() / 2, getHeight() / 2));
    }

    /**
     * Where process {@code pid} is drawn, in this control's coordinates: its node, or the centre of
     * the group it is folded into at this zoom; null when not drawn.
     */
    public Point2D screenPointOf(int pid) {
        RenderGraph g = render.get();
        int i = g.indexOf(pid);
        if (i < 0) return null;
        Overview ov = overview();
        int r = ov.rep[i];
        Viewport v = getViewport();
        return new Point2D(v.toScreenX(ov.cx(r)), v.toScreenY(ov.cy(r)));
    }

    /** The process under a point in this control's coordinates (a group's root for a group), -1 for none. */
    public int pidAt(double x, double y) {
        RenderGraph g = render.get();
        int i = GraphHits.node(g, getViewport(), x, y, overview());
        return i < 0 ? -1 : g.pid[i];
    }

    /** The overview on screen now (which subtrees are folded into groups at this zoom). */
    public Overview overview() {
        return getSkin() instanceof GraphViewSkin s ? s.overview() : Overview.none(render.get());
    }

    /** True when {@code pid} is folded into a group at this zoom. */
    public boolean folded(int pid) {
        int i = render.get().indexOf(pid);
        return i >= 0 && !overview().shown(i);
    }
}
