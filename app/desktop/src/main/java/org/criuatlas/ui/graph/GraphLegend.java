package org.criuatlas.ui.graph;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Rectangle;
import org.criuatlas.ui.theme.Palette;
import org.criuatlas.ui.theme.Styles;

/** The graph's legend (collapsed at first): every stroke, badge and node shape with what it means, in the palette's colours. */
final class GraphLegend {
    private GraphLegend() {}

    static Node build(Palette p) {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(3);
        int row = 0;
        row = legendRow(grid, row, sample(p.stream(), 2, null, false), "stream socket");
        row = legendRow(grid, row, sample(p.dgram(), 2, new double[]{9, 5}, false), "dgram socket");
        row = legendRow(grid, row, sample(p.seqpacket(), 2, new double[]{2, 4}, false), "seqpacket socket");
        row = legendRow(grid, row, sample(p.pipe(), 2, null, true), "pipe (writer \u2192 reader)");
        row = legendRow(grid, row, sample(p.shared(), 2, new double[]{1, 3}, false), "object shared by processes");
        row = legendRow(grid, row, inetSample(p, null), "TCP connection (square at its middle)");
        row = legendRow(grid, row, inetSample(p, new double[]{9, 5}), "UDP socket connected to a local one");
        row = legendRow(grid, row, remoteSample(p), "remote TCP/UDP endpoint (not on this host)");
        row = legendRow(grid, row, sample(p.parentEdge(), 1, null, false), "parent \u2192 child");
        row = legendRow(grid, row, badgeSample(org.criuatlas.ui.plan.Verdict.FAIL), "crossing: dump fails (wide double line)");
        row = legendRow(grid, row, badgeSample(org.criuatlas.ui.plan.Verdict.OBLIGATION), "crossing: dumps, restore needs care");
        row = legendRow(grid, row, badgeSample(org.criuatlas.ui.plan.Verdict.UNKNOWN), "crossing: cannot tell (owner not visible)");
        row = legendRow(grid, row, badgeSample(org.criuatlas.ui.plan.Verdict.RESOLVED), "crossing: resolved");
        Rectangle root = new Rectangle(12, 12, GraphViewSkin.toColor(p.planFill()));
        root.setStroke(GraphViewSkin.toColor(p.planStroke()));
        row = legendRow(grid, row, root, "dump root (square), planned subtree (filled)");
        row = legendRow(grid, row, outsideSample(p.obligation()), "other end outside the dump (dashed diamond)");
        row = legendRow(grid, row, outsideSample(p.unknown()), "other end: owner unknown (not visible)");
        row = legendRow(grid, row, conflictSample(p), "restore conflict (image view): red ring blocks, amber warns;"
                + " on a socket: wide line with a dashed core");
        Circle zombie = new Circle(6, Color.TRANSPARENT);
        zombie.setStroke(GraphViewSkin.toColor(p.nodeStroke()));
        zombie.setStrokeWidth(2);
        row = legendRow(grid, row, zombie, "zombie (hollow); new: green ring; gone: grey ring");
        legendRow(grid, row, badgesSample(p), "badges: file lock, SysV IPC, listening port, namespaces apart (dashed box)");
        TitledPane pane = new TitledPane("Legend", grid);
        pane.setId(Styles.ID_LEGEND);
        pane.getStyleClass().add(Styles.GRAPH_LEGEND);
        pane.setExpanded(false);
        pane.setAnimated(false);
        pane.setMaxSize(javafx.scene.layout.Region.USE_PREF_SIZE, javafx.scene.layout.Region.USE_PREF_SIZE);
        return pane;
    }

    private static int legendRow(GridPane grid, int row, Node sample, String text) {
        Label l = new Label(text);
        grid.add(sample, 0, row);
        grid.add(l, 1, row);
        return row + 1;
    }

    private static Node sample(int argb, double width, double[] dash, boolean arrow) {
        Line line = new Line(0, 6, 34, 6);
        line.setStroke(GraphViewSkin.toColor(argb));
        line.setStrokeWidth(width);
        if (dash != null) for (double d : dash) line.getStrokeDashArray().add(d);
        if (!arrow) return new Pane(line);
        Polygon head = new Polygon(34, 6, 27, 2, 27, 10);
        head.setFill(GraphViewSkin.toColor(argb));
        return new Pane(line, head);
    }

    private static Node outsideSample(int argb) {
        Polygon d = new Polygon(7, 0, 14, 7, 7, 14, 0, 7);
        d.setFill(Color.TRANSPARENT);
        d.setStroke(GraphViewSkin.toColor(argb));
        d.setStrokeWidth(1.6);
        d.getStrokeDashArray().addAll(3.0, 2.0);
        return new Pane(d);
    }

    private static Node inetSample(Palette p, double[] dash) {
        Pane line = (Pane) sample(p.inet(), 2, dash, false);
        Rectangle mark = new Rectangle(13, 2, 8, 8);
        mark.setFill(GraphViewSkin.toColor(p.background()));
        mark.setStroke(GraphViewSkin.toColor(p.inet()));
        mark.setStrokeWidth(2);
        line.getChildren().add(mark);
        return line;
    }

    private static Node remoteSample(Palette p) {
        Rectangle r = new Rectangle(1, 1, 12, 12);
        r.setFill(Color.TRANSPARENT);
        r.setStroke(GraphViewSkin.toColor(p.inet()));
        r.setStrokeWidth(2);
        Rectangle dot = new Rectangle(6, 6, 2, 2);
        dot.setFill(GraphViewSkin.toColor(p.inet()));
        return new Pane(r, dot);
    }

    private static Node badgesSample(Palette p) {
        Color c = GraphViewSkin.toColor(p.badge());
        Rectangle body = filled(0, 4, 7, 5, c);
        Rectangle shackle = new Rectangle(1.5, 0.5, 4, 4);
        shackle.setFill(Color.TRANSPARENT);
        shackle.setStroke(c);
        Pane pane = new Pane(shackle, body);
        for (int k = 0; k < 3; k++) pane.getChildren().add(filled(11, 1 + 3 * k, 7, 2, c));
        Rectangle head = new Rectangle(22, 0, 5, 4);
        head.setFill(Color.TRANSPARENT);
        head.setStroke(c);
        pane.getChildren().addAll(head, filled(24, 4, 1, 5, c));
        Rectangle box = new Rectangle(31, 0, 10, 10);
        box.setFill(Color.TRANSPARENT);
        box.setStroke(c);
        box.getStrokeDashArray().addAll(2.0, 2.0);
        pane.getChildren().add(box);
        return pane;
    }

    private static Rectangle filled(double x, double y, double w, double h, Color c) {
        Rectangle r = new Rectangle(x, y, w, h);
        r.setFill(c);
        return r;
    }

    private static Node conflictSample(Palette p) {
        Circle ring = new Circle(7, 7, 6, GraphViewSkin.toColor(p.nodeFill()));
        ring.setStroke(GraphViewSkin.toColor(p.fail()));
        ring.setStrokeWidth(3);
        Circle warn = new Circle(23, 7, 6, GraphViewSkin.toColor(p.nodeFill()));
        warn.setStroke(GraphViewSkin.toColor(p.obligation()));
        warn.setStrokeWidth(3);
        return new Pane(ring, warn);
    }

    private static Node badgeSample(org.criuatlas.ui.plan.Verdict v) {
        return new VerdictBadge(v);
    }

}
