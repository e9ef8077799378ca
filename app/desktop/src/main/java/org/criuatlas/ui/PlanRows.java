package org.criuatlas.ui;

import org.criuatlas.ui.theme.Styles;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.Fix;
import org.criuatlas.ui.graph.VerdictBadge;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.ObjectRow;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.PlanViewModel;
import org.criuatlas.ui.graph.SelectedItem;

import java.util.List;

/** The rows of the {@link PlanPanel}: one crossing with its fixes as controls, one object CRIU judges alone. */
final class PlanRows {
    private PlanRows() {}

    /** One object CRIU judges alone (a TCP connection, a lock...): its verdict, the planner's words, CRIU's line. */
    static HBox object(ObjectRow x) {
        Label what = new Label(x.what() + " \u2014 " + x.verdict().words);
        what.getStyleClass().add(Styles.TITLE);
        what.setWrapText(true);
        Label why = new Label(capital(x.explanation()) + "." + (x.source().basisText().isEmpty() ? "" : " (" + x.source().basisText() + ")"));
        why.setWrapText(true);
        VBox text = new VBox(2, what, why);
        if (x.source().withDecisions().error() != null) {
            Label line = new Label("CRIU: " + x.source().withDecisions().error().line());
            line.getStyleClass().add(Styles.CRIU_LINE);
            line.setWrapText(true);
            text.getChildren().add(line);
        }
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox row = new HBox(8, new VerdictBadge(x.verdict()), text);
        row.setId(Styles.idFor("object", x.source().kind() + "-" + x.source().pid() + "-" + x.source().fd()));
        row.getStyleClass().addAll(Styles.CROSSING_ROW, Styles.verdict(x.verdict()));
        row.setPadding(new Insets(4));
        row.setAccessibleText(x.what() + ": " + x.verdict().words);
        return row;
    }

    /**
     * One crossing: its verdict, the planner's explanation, both ends (links that jump to them on the
     * graph), the line CRIU would print, and its fixes as controls that tick {@code plan}'s choices.
     */
    static HBox crossing(CrossingRow c, ExplorerViewModel vm, PlanViewModel plan) {
        VerdictBadge badge = new VerdictBadge(c.verdict());

        Label what = new Label(c.what() + " \u2014 " + c.verdict().words);
        what.getStyleClass().add(Styles.TITLE);
        what.setWrapText(true);
        Label why = new Label(c.source().kind().description + ". " + capital(c.explanation()) + ".");
        why.setWrapText(true);

        FlowPane ownerLine = new FlowPane(4, 0);
        ownerLine.setAlignment(Pos.CENTER_LEFT);
        Hyperlink inside = new Hyperlink(c.key());
        SelectedItem ours = SelectedItem.ofKey(c.key());
        inside.setOnAction(e -> vm.jumpTo(ours != null ? ours : SelectedItem.process(c.insidePid())));
        ownerLine.getChildren().addAll(new Label("ours:"), inside);
        if (c.insidePid() > 0) ownerLine.getChildren().add(new Label("held by pid " + c.insidePid()
                + (c.insideFd() >= 0 ? " fd " + c.insideFd() : "")));
        ownerLine.getChildren().add(new Label("  other end:"));
        if (c.outsidePid() > 0) {
            Hyperlink owner = new Hyperlink(c.outsideText());
            owner.setId(Styles.idFor("owner", c.id()));
            owner.setOnAction(e -> vm.jumpTo(SelectedItem.process(c.outsidePid())));
            ownerLine.getChildren().add(owner);
        } else {
            ownerLine.getChildren().add(new Label(c.outsideText()));
        }
        VBox text = new VBox(2, what, why, ownerLine);
        CriuError err = c.error() != null ? c.error() : c.errorWithoutHelp();
        if (err != null) {
            Label line = new Label((c.error() != null ? "CRIU: " : "CRIU without a fix: ") + err.line());
            line.setId(Styles.idFor("criu-line", c.id()));
            line.getStyleClass().add(c.error() != null ? Styles.CRIU_LINE : Styles.MUTED);
            line.setWrapText(true);
            text.getChildren().add(line);
        }
        for (String note : c.source().notes()) {
            Label l = new Label("\u2022 " + note);
            l.setWrapText(true);
            l.getStyleClass().add(Styles.MUTED);
            text.getChildren().add(l);
        }
        List<Fix> wrong = c.source().fixes().stream().filter(f -> !f.works()).toList();
        if (!wrong.isEmpty()) {
            Label l = new Label("Does not help: " + String.join("; ", wrong.stream().map(Fix::title).toList()));
            l.setWrapText(true);
            l.getStyleClass().add(Styles.MUTED);
            l.setTooltip(new Tooltip(String.join("\n", wrong.stream().map(f -> f.title() + ": " + f.consequence()).toList())));
            text.getChildren().add(l);
        }
        HBox.setHgrow(text, Priority.ALWAYS);

        VBox controls = new VBox(3);
        controls.setMinWidth(200);
        controls.setPrefWidth(260);
        for (Choice ch : c.choices()) controls.getChildren().add(control(c, ch, plan));
        HBox row = new HBox(8, badge, text, controls);
        row.setId(Styles.idFor("crossing", c.id()));
        row.getStyleClass().addAll(Styles.CROSSING_ROW, Styles.verdict(c.verdict()));
        row.setPadding(new Insets(4));
        row.setAccessibleText(c.what() + ": " + c.verdict().words);
        return row;
    }

    private static Node control(CrossingRow c, Choice ch, PlanViewModel plan) {
        Fix f = c.fix(ch);
        String title = f == null ? ch.id : f.title();
        Tooltip tip = new Tooltip(f == null ? title : f.consequence());
        tip.setWrapText(true);
        tip.setMaxWidth(420);
        if (ch == Choice.PULL_PEER) {
            Button pull = new Button(capital(title));
            pull.setId(Styles.idFor("pull", c.id()));
            pull.setTooltip(tip);
            pull.setWrapText(true);
            pull.setOnAction(e -> plan.setChoice(c.key(), Choice.PULL_PEER, true));
            return pull;
        }
        CheckBox box = new CheckBox(capital(title));
        box.setId(Styles.idFor("tick-" + ch.id, c.id()));
        box.setWrapText(true);
        box.setSelected(c.chosen().contains(ch));
        box.setTooltip(tip);
        box.setOnAction(e -> plan.setChoice(c.key(), ch, box.isSelected()));
        return box;
    }

    static String capital(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
