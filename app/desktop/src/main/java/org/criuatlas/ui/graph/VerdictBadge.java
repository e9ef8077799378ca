package org.criuatlas.ui.graph;

import javafx.scene.layout.StackPane;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Polyline;
import javafx.scene.shape.Rectangle;
import javafx.scene.shape.Shape;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.plan.Verdict;

/**
 * A verdict drawn as shapes, so it reads without colour and needs no font glyph: a disc with a
 * cross (fails), a triangle with a bar and dot (restore needs care), a disc with a tick (resolved),
 * a diamond with a dot ring (cannot tell). Colours come from the theme's CSS.
 */
public final class VerdictBadge extends StackPane {
    public static final String SHAPE = "badge-shape";
    public static final String MARK = "badge-mark";
    private static final double R = 9;
    private Verdict verdict;

    public VerdictBadge(Verdict v) {
        setPickOnBounds(true);
        setMinSize(2 * R + 2, 2 * R + 2);
        setPrefSize(2 * R + 2, 2 * R + 2);
        setMaxSize(2 * R + 2, 2 * R + 2);
        setVerdict(v);
    }

    public Verdict getVerdict() { return verdict; }

    public void setVerdict(Verdict v) {
        if (v == verdict) return;
        verdict = v;
        getStyleClass().setAll(Styles.VERDICT_BADGE, Styles.verdict(v));
        getChildren().setAll(switch (v) {
            case FAIL -> new Shape[]{shape(new Circle(R)), mark(new Line(-4, -4, 4, 4)), mark(new Line(-4, 4, 4, -4))};
            case RESOLVED -> new Shape[]{shape(new Circle(R)), mark(new Polyline(-4.5, 0.5, -1.5, 4, 4.5, -3.5))};
            case OBLIGATION -> new Shape[]{shape(new Polygon(0, -R - 1, R + 1, R - 1, -R - 1, R - 1)),
                    mark(new Line(0, -3.5, 0, 1.5)), dot(0, 4.5)};
            case UNKNOWN -> {
                Rectangle d = new Rectangle(2 * R * 0.72, 2 * R * 0.72);
                d.setRotate(45);
                yield new Shape[]{shape(d), dot(0, 0)};
            }
        });
        // a triangle's bar sits low in its box: StackPane centres each child on its own bounds
        if (v == Verdict.OBLIGATION) {
            getChildren().get(1).setTranslateY(0.5);
            getChildren().get(2).setTranslateY(5);
        }
        setAccessibleText(v.words);
    }

    private static Shape shape(Shape s) {
        s.getStyleClass().add(SHAPE);
        return s;
    }

    private static Shape mark(Shape s) {
        s.getStyleClass().add(MARK);
        s.setFill(null);
        return s;
    }

    private static Shape dot(double x, double y) {
        Circle c = new Circle(x, y, 1.6);
        c.getStyleClass().addAll(MARK, "badge-dot");
        return c;
    }
}
