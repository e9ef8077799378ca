package org.criuatlas.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.Crossing;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.plan.Verdict;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.PlanViewModel;
import org.criuatlas.ui.vm.Selection;

/**
 * The plan panel: the verdict, the exact command with a copy button, and one row per crossing
 * edge with its explanation, the owner of the other end (a link) and the choices as controls.
 * Binds to {@link PlanViewModel} and forwards ticks to it.
 */
public final class PlanPanel extends BorderPane {
    /** Rows beyond this are summarised; a person does not read more. */
    private static final int MAX_ROWS = 200;

    private final ExplorerViewModel vm;
    private final PlanViewModel plan;
    private final VBox rows = new VBox(4);
    private final Label verdict = new Label();
    private final Label notice = new Label();

    public PlanPanel(ExplorerViewModel vm) {
        this.vm = vm;
        this.plan = vm.plan();
        setId(Styles.ID_PLAN_PANEL);
        getStyleClass().add(Styles.PLAN_PANEL);

        verdict.setId(Styles.ID_PLAN_VERDICT);
        verdict.getStyleClass().add(Styles.TITLE);
        verdict.textProperty().bind(plan.verdictTextProperty());
        notice.getStyleClass().add(Styles.NOTICE);
        notice.textProperty().bind(plan.noticeProperty());

        TextField command = new TextField();
        command.setId(Styles.ID_PLAN_COMMAND);
        command.getStyleClass().add(Styles.COMMAND_FIELD);
        command.setEditable(false);
        command.textProperty().bind(plan.commandTextProperty());
        command.setPromptText("the criu dump command appears here");
        command.setAccessibleText("criu dump command");
        HBox.setHgrow(command, Priority.ALWAYS);

        Button copy = new Button("Copy");
        copy.setId(Styles.ID_COPY_COMMAND);
        copy.disableProperty().bind(plan.commandTextProperty().isEmpty());
        copy.setTooltip(new Tooltip("Copy the command (Ctrl+Shift+C)"));
        copy.setOnAction(e -> copyCommand());

        Button dump = new Button("Dump\u2026");
        dump.setId(Styles.ID_DUMP);
        dump.setDisable(true);
        // a disabled control shows no tooltip, so the hint sits on a wrapper
        StackPane dumpWrap = new StackPane(dump);
        Tooltip.install(dumpWrap, new Tooltip("coming with GUI operations"));

        Button clear = new Button("Clear plan");
        clear.setId(Styles.ID_CLEAR_PLAN);
        clear.disableProperty().bind(plan.rootPidProperty().lessThan(0));
        clear.setOnAction(e -> plan.clear());

        HBox commandLine = new HBox(6, command, copy, dumpWrap, clear);
        commandLine.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(4, new HBox(12, verdict, notice), commandLine);
        top.setPadding(new Insets(6, 8, 6, 8));
        setTop(top);

        ScrollPane scroll = new ScrollPane(rows);
        scroll.setFitToWidth(true);
        rows.setPadding(new Insets(4, 8, 8, 8));
        setCenter(scroll);

        plan.outcomeProperty().addListener((o, a, b) -> rebuild(b));
        rebuild(plan.getOutcome());
    }

    /** Intent from the shortcut and the button: put the command on the clipboard. */
    public void copyCommand() {
        String text = plan.commandTextProperty().get();
        if (text == null || text.isEmpty()) return;
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        Clipboard.getSystemClipboard().setContent(c);
    }

    private void rebuild(PlanOutcome o) {
        verdict.getStyleClass().removeIf(s -> s.startsWith("verdict-"));
        rows.getChildren().clear();
        if (o == null) return;
        verdict.getStyleClass().add(Styles.verdict(o.verdict()));
        if (o.crossings().isEmpty()) {
            Label none = new Label("No edge leaves this subtree: nothing to decide.");
            none.getStyleClass().add(Styles.MUTED);
            rows.getChildren().add(none);
        }
        int n = 0;
        for (Crossing c : o.crossings()) {
            if (n++ == MAX_ROWS) {
                rows.getChildren().add(new Label("\u2026 and " + (o.crossings().size() - MAX_ROWS) + " more"));
                break;
            }
            rows.getChildren().add(row(c));
        }
    }

    private HBox row(Crossing c) {
        Label glyph = new Label(c.verdict().glyph);
        glyph.getStyleClass().setAll(Styles.VERDICT_BADGE, Styles.verdict(c.verdict()));
        glyph.setMinWidth(24);

        Hyperlink inside = new Hyperlink(c.key());
        inside.setOnAction(e -> vm.jumpTo(Selection.ofKey(c.key()) != null ? Selection.ofKey(c.key()) : Selection.process(c.insidePid())));
        Label what = new Label(c.what() + " \u2014 " + c.verdict().words);
        what.getStyleClass().add(Styles.TITLE);
        Label why = new Label(c.explanation());
        why.setWrapText(true);
        javafx.scene.layout.FlowPane ownerLine = new javafx.scene.layout.FlowPane(4, 0, new Label("other end:"));
        ownerLine.setAlignment(Pos.CENTER_LEFT);
        if (c.outsidePid() > 0) {
            Hyperlink owner = new Hyperlink(c.outsideText());
            owner.setId(Styles.idFor("owner", c.key()));
            owner.setOnAction(e -> vm.jumpTo(Selection.process(c.outsidePid())));
            ownerLine.getChildren().add(owner);
        } else {
            ownerLine.getChildren().add(new Label(c.outsideText()));
        }
        ownerLine.getChildren().addAll(new Label("  ours:"), inside,
                new Label("held by pid " + c.insidePid() + (c.insideFd() >= 0 ? " fd " + c.insideFd() : "")));
        VBox text = new VBox(2, what, why, ownerLine);
        HBox.setHgrow(text, Priority.ALWAYS);

        VBox controls = new VBox(3);
        controls.setMinWidth(190);
        for (Choice ch : c.choices()) {
            if (ch == Choice.PULL_PEER) {
                Button pull = new Button("Pull peer into dump");
                pull.setId(Styles.idFor("pull", c.key()));
                pull.setTooltip(new Tooltip(ch.help));
                pull.setOnAction(e -> plan.setChoice(c.key(), Choice.PULL_PEER, true));
                controls.getChildren().add(pull);
            } else {
                CheckBox box = new CheckBox(ch.label);
                box.setId(Styles.idFor("tick-" + ch.name().toLowerCase().replace('_', '-'), c.key()));
                box.setSelected(c.chosen().contains(ch));
                box.setTooltip(new Tooltip(ch.help));
                box.setOnAction(e -> plan.setChoice(c.key(), ch, box.isSelected()));
                controls.getChildren().add(box);
            }
        }
        HBox row = new HBox(8, glyph, text, controls);
        row.setId(Styles.idFor("crossing", c.key()));
        row.getStyleClass().addAll(Styles.CROSSING_ROW, Styles.verdict(c.verdict()));
        row.setPadding(new Insets(4));
        row.setAccessibleText(c.what() + ": " + c.verdict().words);
        return row;
    }

    /** For tests and badges: the verdict shown for a key, null when not listed. */
    public Verdict verdictOf(String key) {
        PlanOutcome o = plan.getOutcome();
        if (o == null) return null;
        return o.crossings().stream().filter(c -> c.key().equals(key)).map(Crossing::verdict).findFirst().orElse(null);
    }
}
