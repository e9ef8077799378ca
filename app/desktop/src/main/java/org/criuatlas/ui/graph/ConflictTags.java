package org.criuatlas.ui.graph;

import javafx.scene.control.Label;
import javafx.scene.layout.Pane;

import java.util.ArrayList;
import java.util.List;

/**
 * The restore preview's captions on the graph ({@link GraphPaint#tags}): a small label beside each
 * marked process (above right of it) or at the middle of a marked socket edge, in the failure colour
 * when the conflict blocks the restore and the obligation colour when it only warns. Real nodes, so
 * tests and screen readers read them; pooled in the graph's overlay.
 */
final class ConflictTags {
    static final String STYLE = "conflict-tag", STYLE_BLOCKS = "conflict-tag-blocks", STYLE_WARNS = "conflict-tag-warns";
    /** More captions than this are not drawn (the restore board lists them all). */
    static final int MAX = 60;
    private final Pane overlay;
    private final List<Label> pool = new ArrayList<>();

    ConflictTags(Pane overlay) {
        this.overlay = overlay;
    }

    void update(RenderGraph g, GraphPaint paint, Viewport vp) {
        List<GraphPaint.Tag> tags = paint.tags;
        int n = Math.min(tags.size(), MAX);
        while (pool.size() < n) {
            Label l = new Label();
            l.setManaged(false);
            l.setMouseTransparent(true);
            l.getStyleClass().add(STYLE);
            pool.add(l);
            overlay.getChildren().add(l);
        }
        double r = Rasterizer.nodeRadius(vp.scale());
        for (int i = 0; i < pool.size(); i++) {
            Label l = pool.get(i);
            if (i >= n) {
                l.setVisible(false);
                continue;
            }
            GraphPaint.Tag t = tags.get(i);
            if (!t.text().equals(l.getText())) {
                l.setText(t.text());
                l.setAccessibleText("Restore conflict: " + t.text());
            }
            l.getStyleClass().removeAll(STYLE_BLOCKS, STYLE_WARNS);
            l.getStyleClass().add(t.blocks() ? STYLE_BLOCKS : STYLE_WARNS);
            // unmanaged: sized here, after its style is known (a fresh label has no skin yet)
            l.applyCss();
            l.autosize();
            double x, y;
            if (t.node() >= 0 && t.node() < g.nodeCount) {
                // above left of the process: its label is below it, its children and outside ends to its right
                double nx = vp.toScreenX(g.x[t.node()]), ny = vp.toScreenY(g.y[t.node()]);
                x = nx - r - 6 - l.getWidth();
                if (x < 4) x = nx + r + 8;
                y = ny - r - 6 - l.getHeight();
            } else if (t.edge() >= 0 && t.edge() < g.edgeCount) {
                // below the socket's edge, clear of the labels under its two ends
                int e = t.edge();
                x = (vp.toScreenX(g.x[g.from[e]]) + vp.toScreenX(g.x[g.to[e]])) / 2 + 4;
                y = Math.max(vp.toScreenY(g.y[g.from[e]]), vp.toScreenY(g.y[g.to[e]])) + r + 20;
            } else {
                l.setVisible(false);
                continue;
            }
            l.relocate(Math.round(x), Math.round(y));
            l.setVisible(true);
        }
    }

    /** The captions shown now (tests read them). */
    List<String> shown() {
        List<String> out = new ArrayList<>();
        for (Label l : pool) if (l.isVisible()) out.add(l.getText());
        return out;
    }
}
