package org.criuatlas.ui;

import org.criuatlas.ui.theme.Styles;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.plan.PlanCheck;
import org.criuatlas.ui.graph.VerdictBadge;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.ObjectRow;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.plan.Verdict;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.PlanViewModel;

import java.util.List;

/**
 * The plan panel: the verdict, the error line CRIU will print, the exact command with a copy
 * button, one row per crossing with the planner's explanation and its fixes as controls, the
 * checks on the whole tree and what the restore will need. Binds to {@link PlanViewModel} and
 * forwards ticks to it.
 */
public final class PlanPanel extends BorderPane {
    /** Rows beyond this are summarised; a person does not read more. */
    private static final int MAX_ROWS = 200;

    private final ExplorerViewModel vm;
    private final PlanViewModel plan;
    private final VBox rows = new VBox(4);
    private final Label verdict = new Label();
    private final VerdictBadge verdictBadge = new VerdictBadge(Verdict.UNKNOWN);
    private final Label notice = new Label();
    private final Label criuLine = new Label();
    private final Button dump = new Button("Dump\u2026");
    private final Button move = new Button("Move to host\u2026");
    private final Tooltip moveHint = new Tooltip();
    private final Tooltip dumpHint = new Tooltip("Dump needs a plan, CRIU and root");
    private final Button makeDumpable = new Button("Make it dumpable\u2026");
    private final CheckBox onlyBlocking = new CheckBox("Only what blocks this dump");
    private final Label basis = new Label();
    private final ContainerPlanBar containerBar;

    public PlanPanel(ExplorerViewModel vm) {
        this.vm = vm;
        this.plan = vm.plan();
        setId(Styles.ID_PLAN_PANEL);
        getStyleClass().add(Styles.PLAN_PANEL);

        verdict.setId(Styles.ID_PLAN_VERDICT);
        verdict.getStyleClass().add(Styles.TITLE);
        verdict.textProperty().bind(plan.verdictTextProperty());
        verdictBadge.setId(Styles.ID_PLAN_VERDICT_BADGE);
        verdictBadge.setVisible(false);
        verdictBadge.managedProperty().bind(verdictBadge.visibleProperty());
        notice.getStyleClass().add(Styles.NOTICE);
        notice.textProperty().bind(plan.noticeProperty());
        criuLine.setId(Styles.ID_PLAN_CRIU_LINE);
        criuLine.getStyleClass().add(Styles.CRIU_LINE);
        criuLine.managedProperty().bind(criuLine.visibleProperty());
        criuLine.setVisible(false);
        criuLine.setWrapText(true);

        // wraps, so the whole command (the --external keys are at its end) is readable without scrolling
        TextArea command = new TextArea();
        command.setId(Styles.ID_PLAN_COMMAND);
        command.getStyleClass().add(Styles.COMMAND_FIELD);
        command.setEditable(false);
        command.setWrapText(true);
        command.setPrefRowCount(2);
        command.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        command.textProperty().bind(plan.commandTextProperty());
        command.setPromptText("the criu dump command appears here");
        command.setAccessibleText("criu dump command");
        HBox.setHgrow(command, Priority.ALWAYS);

        Button copy = new Button("Copy");
        copy.setId(Styles.ID_COPY_COMMAND);
        copy.disableProperty().bind(plan.commandTextProperty().isEmpty());
        copy.setTooltip(new Tooltip("Copy the command (Ctrl+Shift+C)"));
        copy.setOnAction(e -> copyCommand());

        dump.setId(Styles.ID_DUMP);
        dump.setDisable(true);
        // a disabled control shows no tooltip, so the hint sits on a wrapper
        StackPane dumpWrap = new StackPane(dump);
        Tooltip.install(dumpWrap, dumpHint);

        Button clear = new Button("Clear plan");
        clear.setId(Styles.ID_CLEAR_PLAN);
        clear.disableProperty().bind(plan.rootPidProperty().lessThan(0));
        clear.setOnAction(e -> plan.clear());

        makeDumpable.setId(Styles.ID_MAKE_DUMPABLE);
        makeDumpable.setTooltip(new Tooltip("Find the fewest changes (a higher root, sockets marked external, options)"
                + " that make this dump succeed, cheapest at restore first"));
        makeDumpable.managedProperty().bind(makeDumpable.visibleProperty());
        makeDumpable.setVisible(false);
        makeDumpable.setDisable(true);

        move.setId(Styles.ID_MOVE);
        move.setDisable(true);
        StackPane moveWrap = new StackPane(move);
        Tooltip.install(moveWrap, moveHint);

        HBox commandLine = new HBox(6, command, copy, dumpWrap, moveWrap, makeDumpable, clear);
        commandLine.setAlignment(Pos.TOP_LEFT);
        commandLine.setFillHeight(false);
        onlyBlocking.setId(Styles.ID_ONLY_BLOCKING);
        onlyBlocking.setTooltip(new Tooltip("Hide everything but the crossings and objects that make the dump fail or"
                + " leave it undecided, the processes they touch and those between them and the root"));
        onlyBlocking.selectedProperty().bindBidirectional(vm.onlyBlockingProperty());
        onlyBlocking.disableProperty().bind(plan.rootPidProperty().lessThan(0));
        plan.rootPidProperty().addListener((o, a, b) -> {
            if (b.intValue() < 0) vm.onlyBlockingProperty().set(false);
        });
        basis.setId(Styles.ID_PLAN_BASIS);
        basis.getStyleClass().add(Styles.MUTED);
        // the verdict stays whole; the basis gives way (its whole text in its tooltip)
        basis.setMinWidth(0);
        verdict.setMinWidth(Region.USE_PREF_SIZE);
        onlyBlocking.setMinWidth(Region.USE_PREF_SIZE);
        Tooltip basisTip = new Tooltip();
        basisTip.textProperty().bind(basis.textProperty());
        basis.setTooltip(basisTip);
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox verdictLine = new HBox(8, verdictBadge, verdict, notice, spring, basis, onlyBlocking);
        verdictLine.setAlignment(Pos.CENTER_LEFT);
        containerBar = new ContainerPlanBar(plan);
        VBox top = new VBox(4, containerBar, verdictLine, criuLine, commandLine);
        top.setPadding(new Insets(6, 8, 6, 8));
        setTop(top);

        ScrollPane scroll = new ScrollPane(rows);
        scroll.setFitToWidth(true);
        rows.setPadding(new Insets(4, 8, 8, 8));
        setCenter(scroll);

        plan.outcomeProperty().addListener((o, a, b) -> rebuild(b));
        // a container's assumed options change with podman's check boxes, which may leave the plan itself as it was
        plan.containerAssumedProperty().addListener((o, a, b) -> {
            shownOutcome = null;
            rebuild(plan.getOutcome());
        });
        // a container's plan has two commands: podman's, and the CRIU one runc runs
        command.prefRowCountProperty().bind(javafx.beans.binding.Bindings.when(plan.containerProperty().isNull()).then(2).otherwise(4));
        rebuild(plan.getOutcome());
    }

    /**
     * Makes "Dump…" work: enabled while {@code enabled} holds, {@code why} says why not (tooltip).
     */
    public void enableDump(javafx.beans.value.ObservableBooleanValue enabled, javafx.beans.value.ObservableStringValue why,
                           Runnable onDump) {
        dump.disableProperty().bind(javafx.beans.binding.Bindings.not(enabled));
        dumpHint.textProperty().bind(why);
        dump.setOnAction(e -> onDump.run());
    }

    /** Makes "Move to host…" work: enabled while {@code enabled} holds (a plan that will dump), {@code why} says why not. */
    public void enableMove(javafx.beans.value.ObservableBooleanValue enabled, javafx.beans.value.ObservableStringValue why,
                           Runnable onMove) {
        move.disableProperty().bind(javafx.beans.binding.Bindings.not(enabled));
        moveHint.textProperty().bind(why);
        move.setOnAction(e -> onMove.run());
    }

    /** Makes the container plan's "Checkpoint container…" work. */
    public void enableContainerCheckpoint(java.util.function.Consumer<org.criuatlas.plan.container.ContainerCheckpoint> onCheckpoint) {
        containerBar.setOnCheckpoint(onCheckpoint);
    }

    /** Makes "Make it dumpable…" work: shown while the plan fails, {@code onAsk} opens the suggestions. */
    public void enableMakeDumpable(Runnable onAsk) {
        makeDumpable.setDisable(false);
        makeDumpable.setOnAction(e -> onAsk.run());
    }

    /** Intent from the shortcut and the button: put the command on the clipboard. */
    public void copyCommand() {
        String text = plan.commandTextProperty().get();
        if (text == null || text.isEmpty()) return;
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        Clipboard.getSystemClipboard().setContent(c);
    }

    private PlanOutcome shownOutcome;

    private void rebuild(PlanOutcome o) {
        // a refresh re-plans every few seconds; when nothing changed, the rows (hundreds of nodes) stay as they are
        if (o != null && o.equals(shownOutcome)) return;
        shownOutcome = o;
        verdict.getStyleClass().removeIf(s -> s.startsWith("verdict-"));
        rows.getChildren().clear();
        verdictBadge.setVisible(o != null);
        // a container's fixes are podman's check boxes: the suggestions plan plain dumps
        makeDumpable.setVisible(o != null && o.verdict() == Verdict.FAIL && plan.containerProperty().get() == null);
        basis.setText(o == null || o.plan().basis().isEmpty() ? "" : "verdicts: " + o.plan().basis());
        String first = o == null ? null : o.firstErrorLine();
        criuLine.setVisible(first != null);
        criuLine.setText(first == null ? "" : o.failingCount() > 1
                ? "CRIU will stop at the first failing object it meets, e.g.: " + first
                : "CRIU will stop with: " + first);
        if (o == null) return;
        verdict.getStyleClass().add(Styles.verdict(o.verdict()));
        verdictBadge.setVerdict(o.verdict());

        String assumed = plan.containerAssumedProperty().get();
        if (!assumed.isEmpty()) {
            rows.getChildren().add(section("Assumed: what podman and runc pass to CRIU, whatever is ticked"));
            Label l = new Label("  " + assumed.replace("\n", "\n  "));
            l.setId(Styles.ID_PLAN_CONTAINER_ASSUMED);
            l.setWrapText(true);
            rows.getChildren().add(l);
        }
        List<PlanCheck> checks = o.checks();
        if (!checks.isEmpty()) {
            rows.getChildren().add(section("Checks on the whole tree"));
            for (PlanCheck c : checks) {
                Label l = new Label(c.message() + (c.prediction().error() != null ? "\n" + c.prediction().error().line() : ""));
                l.setWrapText(true);
                if (c.blocks()) l.getStyleClass().add(Styles.NOTICE);
                rows.getChildren().add(l);
            }
        }
        rows.getChildren().add(section(o.crossings().isEmpty() ? "Nothing crosses the boundary"
                : "What crosses the boundary (" + o.crossings().size() + ")"));
        if (o.crossings().isEmpty()) {
            boolean objects = o.objects().stream().anyMatch(x -> !x.plain());
            Label none = new Label(objects
                    ? "No unix socket, pipe or terminal of these " + o.pids().size() + " processes leaves the dump;"
                    + " TCP, locks, SysV IPC and the other objects CRIU checks are below."
                    : "Every socket, pipe and terminal of these " + o.pids().size() + " processes is held inside the dump: nothing to decide.");
            none.getStyleClass().add(Styles.MUTED);
            none.setWrapText(true);
            rows.getChildren().add(none);
        }
        int n = 0;
        for (CrossingRow c : o.crossings()) {
            if (n++ == MAX_ROWS) {
                rows.getChildren().add(new Label("\u2026 and " + (o.crossings().size() - MAX_ROWS) + " more"));
                break;
            }
            rows.getChildren().add(PlanRows.crossing(c, vm, plan));
        }
        objects(o);
        if (!o.obligations().isEmpty()) {
            rows.getChildren().add(section("The restore will need (" + o.obligations().size() + ")"));
            for (RestoreObligation ob : o.obligations()) {
                Label l = new Label(ob.key() + ": " + ob.explanation());
                l.setWrapText(true);
                l.setMaxWidth(Double.MAX_VALUE);
                l.setId(Styles.idFor("obligation", ob.key()));
                l.getStyleClass().add(Styles.OBLIGATION_ROW);
                rows.getChildren().add(l);
            }
        }
    }

    /**
     * The objects CRIU judges one by one (TCP, locks, SysV IPC, namespaces, ...): every one that
     * fails, cannot be told, needs care or was made to dump by an option, with the planner's words;
     * the plain ones counted.
     */
    private void objects(PlanOutcome o) {
        if (o.objects().isEmpty()) return;
        List<ObjectRow> shown = o.objects().stream().filter(x -> !x.plain()).toList();
        long plain = o.objects().size() - shown.size();
        rows.getChildren().add(section("Objects CRIU checks one by one (" + o.objects().size() + ")"));
        int n = 0;
        for (ObjectRow x : shown) {
            if (n++ == MAX_ROWS) {
                rows.getChildren().add(new Label("\u2026 and " + (shown.size() - MAX_ROWS) + " more"));
                break;
            }
            rows.getChildren().add(PlanRows.object(x));
        }
        if (plain > 0) {
            Label l = new Label(plain + " more dump" + (plain == 1 ? "s" : "") + " as they are (listeners, namespaces, ...): nothing to decide.");
            l.getStyleClass().add(Styles.MUTED);
            l.setWrapText(true);
            rows.getChildren().add(l);
        }
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.PLAN_SECTION);
        return l;
    }

    /** For tests and badges: the verdict shown for a key, null when not listed. */
    public Verdict verdictOf(String key) {
        PlanOutcome o = plan.getOutcome();
        if (o == null) return null;
        return o.crossings().stream().filter(c -> c.key().equals(key)).map(CrossingRow::verdict).findFirst().orElse(null);
    }
}
