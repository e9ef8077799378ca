package org.criuatlas.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.ui.dump.DumpDialog;
import org.criuatlas.ui.dump.DumpViewModel;
import org.criuatlas.ui.dump.GraphPin;
import org.criuatlas.ui.dump.PlanIntents;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.vm.ExplorerViewModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * "Dump…" of the plan panel: opens the dump window for the current plan on the host, pins a
 * failure's objects on the graph (the yellow banner), and applies a failure's fix to the plan
 * ({@link PlanIntents}). Keeps the dumps it opened, so closing the application can cancel them.
 */
final class DumpController implements GraphPin, PlanIntents {
    static final String ID_PIN_BANNER = "pin-banner";

    private final AtlasApp.Window window;
    private final WindowServices services;
    private final Consumer<Path> openImages;
    private final Consumer<Path> openLog;
    private final Label pinText = new Label();
    private final HBox pinBanner;
    private final List<DumpViewModel> open = new ArrayList<>();
    private Stage lastDumpStage;
    private MoveDialog lastMoveDialog;

    DumpController(AtlasApp.Window window, WindowServices services, Consumer<Path> openImages, Consumer<Path> openLog) {
        this.window = window;
        this.services = services;
        this.openImages = openImages;
        this.openLog = openLog;
        pinText.setWrapText(true);
        Button unpin = new Button("Unpin");
        unpin.setOnAction(e -> clearPins());
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        pinBanner = new HBox(8, pinText, spring, unpin);
        pinBanner.setId(ID_PIN_BANNER);
        pinBanner.getStyleClass().addAll(Styles.BANNER, Styles.BANNER_PIN);
        pinBanner.setAlignment(Pos.CENTER_LEFT);
        pinBanner.setVisible(false);
        pinBanner.managedProperty().bind(pinBanner.visibleProperty());
        wireDumpButton();
    }

    Node pinBanner() { return pinBanner; }

    /** "Dump…" is enabled with a plan, root and a CRIU on the host; its tooltip says what is missing. */
    private void wireDumpButton() {
        ExplorerViewModel vm = window.vm();
        BooleanBinding planned = vm.plan().outcomeProperty().isNotNull();
        BooleanBinding root = Bindings.createBooleanBinding(
                () -> vm.getGraph() != null && vm.getGraph().meta().privileged(), vm.graphProperty());
        BooleanBinding haveCriu = Bindings.createBooleanBinding(() -> vm.criuStatusProperty().get().found(), vm.criuStatusProperty());
        // a container is checkpointed by podman (runc gives CRIU its root, mounts and namespaces), not by a plain dump
        BooleanBinding plain = vm.plan().containerProperty().isNull();
        StringBinding why = Bindings.createStringBinding(() -> {
            if (!plain.get()) return "A container is checkpointed by podman: \"Checkpoint container\u2026\" above";
            if (!haveCriu.get()) return "CRIU was not found (scripts/provision-criu.sh)";
            if (!root.get()) return "Dumping needs root";
            if (!planned.get()) return "Plan a subtree first (right-click a process)";
            return "Dump the planned subtree with CRIU";
        }, haveCriu, root, planned, plain);
        window.view().planPanel().enableDump(planned.and(root).and(haveCriu).and(plain), why, this::openDump);
        BooleanBinding dumps = Bindings.createBooleanBinding(() -> vm.plan().getOutcome() != null && vm.plan().getOutcome().plan().willSucceed(),
                vm.plan().outcomeProperty());
        StringBinding whyNotMove = Bindings.createStringBinding(() -> {
            if (!dumps.get() && planned.get()) return "The plan's dump would fail: make it dumpable first";
            return why.get().startsWith("Dump the planned") ? "Move the planned subtree to another host (this machine or ssh)" : why.get();
        }, why, dumps, planned);
        window.view().planPanel().enableMove(planned.and(root).and(haveCriu).and(dumps).and(plain), whyNotMove, this::openMove);
    }

    /** "Move to host…": the move dialog for the current plan and the graph it was made from. */
    void openMove() {
        PlanOutcome o = window.vm().plan().getOutcome();
        if (o == null || !o.plan().willSucceed() || window.vm().getGraph() == null) return;
        lastMoveDialog = MoveDialog.open(window.stage(), services, window.vm().getGraph(), o.plan());
    }

    /** The move dialog opened last (tests look into it). */
    MoveDialog lastMoveDialog() { return lastMoveDialog; }

    /** "Dump…": the dump window for the current plan, with a new folder suggested under the host's dumps folder. */
    void openDump() {
        PlanOutcome o = window.vm().plan().getOutcome();
        if (o == null || !window.vm().criuStatusProperty().get().found()) return;
        DumpViewModel vm = new DumpViewModel(o.plan(), new DumpViewModel.Services(services.host(), services.background(),
                services.ui(), this, this, openImages, openLog));
        vm.suggestFolder();
        open.add(vm);
        lastDumpStage = DumpDialog.stage(window.stage(), vm, services.themes());
        lastDumpStage.setOnHidden(e -> {
            open.remove(vm);
            clearPins();
        });
    }

    /** The dump window opened last (tests look into it). */
    Stage lastDumpStage() { return lastDumpStage; }

    /** True while a dump opened from this window runs. */
    boolean dumpRunning() {
        return open.stream().anyMatch(vm -> vm.phase().busy());
    }

    /** Cancels every running dump (closing the application); each window then shows how it ended. */
    void cancelRunning() {
        for (DumpViewModel vm : List.copyOf(open)) vm.cancel();
    }

    // ---- GraphPin ----------------------------------------------------------------------------

    @Override
    public void pin(List<String> objectKeys, List<Integer> pids, String why) {
        SelectedItem s = null;
        for (String k : objectKeys) {
            s = SelectedItem.ofKey(k);
            if (s != null) break;
        }
        if (s == null && !pids.isEmpty()) s = SelectedItem.process(pids.get(0));
        if (s != null) window.vm().jumpTo(s);
        String what = !objectKeys.isEmpty() ? String.join(", ", objectKeys)
                : pids.stream().map(p -> "pid " + p).reduce((a, b) -> a + ", " + b).orElse("");
        pinText.setText("Pinned on the graph: " + what + (why == null || why.isBlank() ? "" : ": " + why));
        pinBanner.setVisible(true);
    }

    @Override
    public void clearPins() {
        pinBanner.setVisible(false);
        pinText.setText("");
    }

    /** The banner's text while something is pinned, else empty. */
    String pinnedText() { return pinBanner.isVisible() ? pinText.getText() : ""; }

    // ---- PlanIntents -------------------------------------------------------------------------

    @Override
    public DumpPlan markExternal(long ourIno) {
        tick(c -> c.insideIno() == ourIno, Choice.EXTERNAL);
        return currentPlan();
    }

    @Override
    public DumpPlan useShellJob() {
        tick(c -> true, Choice.SHELL_JOB);
        return currentPlan();
    }

    private void tick(Predicate<CrossingRow> which, Choice choice) {
        PlanOutcome o = window.vm().plan().getOutcome();
        if (o == null) return;
        for (CrossingRow c : o.crossings()) {
            if (which.test(c) && c.choices().contains(choice) && !c.chosen().contains(choice)) {
                window.vm().plan().setChoice(c.key(), choice, true);
                return;
            }
        }
    }

    private DumpPlan currentPlan() {
        PlanOutcome o = window.vm().plan().getOutcome();
        return o == null ? null : o.plan();
    }
}
