package org.criuatlas.ui;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.calibrate.Outcome;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.host.HostOperation;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Help &gt; Calibrate CRIU…: says what it will do, then runs the host's calibration
 * ({@link org.criuatlas.host.Host#calibrate}) in the background: a progress bar of cells measured
 * out of all, one line per cell, Cancel. Optionally only some probe kinds. On success
 * {@code onDone} gets the report (the window then re-reads what its plans are based on).
 * Everything that waits or reads files runs on the window's background executor.
 */
public final class CalibrateDialog {
    public static final String ID = "calibrate";
    public static final String ID_KINDS = "calibrate-kinds";
    public static final String ID_START = "calibrate-start";
    public static final String ID_CANCEL = "calibrate-cancel";
    public static final String ID_PROGRESS = "calibrate-progress";
    public static final String ID_STATE = "calibrate-state";
    public static final String ID_CELLS = "calibrate-cells";
    public static final String TITLE = "Calibrate CRIU";

    private final Stage stage = new Stage();
    private final WindowServices services;
    private final Consumer<CalibrationReport> onDone;
    private final TextField kinds = new TextField();
    private final Button start = new Button("Calibrate");
    private final Button cancel = new Button("Close");
    private final ProgressBar progress = new ProgressBar(0);
    private final Label state = new Label("Not started.");
    private final TextArea cells = new TextArea();
    private final ReadOnlyObjectWrapper<CalibrationReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private volatile HostOperation<CalibrationReport> running;
    private volatile boolean cancelRequested;
    private boolean busy;

    private CalibrateDialog(Window owner, WindowServices services, Consumer<CalibrationReport> onDone) {
        this.services = services;
        this.onDone = onDone;
        stage.initOwner(owner);
        stage.setTitle(TITLE);
        AtlasIcons.install(stage);
        Label what = new Label("""
                Measures what this CRIU does on this kernel: CRIU Atlas builds a small real process tree for every \
                kind of object the planner knows (sockets, locks, namespaces, deleted files, ...), dumps it with \
                each option variant (and restores some), and keeps the outcomes and CRIU's first errors in your \
                cache. Plans then say "calibrated against CRIU X on Linux Y". Needs root; the whole catalogue takes \
                about 15 seconds. Your processes are not touched.""");
        what.setWrapText(true);
        // wrapped labels keep their whole height (else the scene's first layout cuts them with an ellipsis)
        what.setMinHeight(Region.USE_PREF_SIZE);
        kinds.setId(ID_KINDS);
        kinds.setPromptText("all kinds (or some, comma-separated: udp-bound, eventfd, ...)");
        HBox.setHgrow(kinds, Priority.ALWAYS);
        start.setId(ID_START);
        start.setDefaultButton(true);
        cancel.setId(ID_CANCEL);
        progress.setId(ID_PROGRESS);
        progress.setMaxWidth(Double.MAX_VALUE);
        state.setId(ID_STATE);
        state.setWrapText(true);
        state.setMinHeight(Region.USE_PREF_SIZE);
        cells.setId(ID_CELLS);
        cells.setEditable(false);
        cells.setPrefRowCount(12);
        cells.setStyle("-fx-font-family: monospace;");
        start.setOnAction(e -> start(parseKinds(kinds.getText())));
        cancel.setOnAction(e -> {
            if (busy) cancel();
            else stage.close();
        });
        stage.setOnCloseRequest(e -> {
            if (busy) cancel();
        });
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox kindsRow = new HBox(8, new Label("Kinds:"), kinds);
        kindsRow.setAlignment(javafx.geometry.Pos.BASELINE_LEFT);
        HBox buttons = new HBox(8, spring, start, cancel);
        VBox root = new VBox(12, what, kindsRow, buttons, progress, state, cells);
        VBox.setVgrow(cells, Priority.ALWAYS);
        root.setPadding(new Insets(16));
        root.setPrefWidth(720);
        root.setId(ID);
        stage.setScene(services.themes().style(new Scene(root)));
    }

    /** Opens the dialog (it asks before running anything). On the FX thread. */
    public static CalibrateDialog open(Window owner, WindowServices services, Consumer<CalibrationReport> onDone) {
        CalibrateDialog d = new CalibrateDialog(owner, services, onDone);
        d.stage.show();
        return d;
    }

    public Stage stage() { return stage; }

    /** The report of the last run that ended (also a cancelled one); null before. */
    public ReadOnlyObjectProperty<CalibrationReport> reportProperty() { return report.getReadOnlyProperty(); }

    static List<String> parseKinds(String text) {
        return text == null ? List.of() : Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    /** Starts a run of {@code only} (empty: every kind). On the FX thread. */
    public void start(List<String> only) {
        if (busy) return;
        setBusy(true);
        cancelRequested = false;
        cells.clear();
        progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        state.setText("Starting\u2026");
        services.background().execute(() -> run(List.copyOf(only)));
    }

    /** Background: counts the cells, starts the host's calibration, follows it. */
    private void run(List<String> only) {
        int total;
        try {
            ProbeCatalogue all = ProbeCatalogue.builtIn();
            total = (only.isEmpty() ? all : all.only(only)).variantCount();
        } catch (IllegalArgumentException e) {
            services.ui().execute(() -> ended("Cannot start: " + e.getMessage() + ".", null));
            return;
        }
        services.ui().execute(() -> {
            progress.setProgress(0);
            state.setText("0 of " + total + " cells measured\u2026");
        });
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        HostOperation<CalibrationReport> op;
        try {
            op = services.host().calibrate(0, only, true, e -> {
                int d = done.incrementAndGet();
                services.ui().execute(() -> step(e, d, total));
            });
        } catch (RuntimeException e) {
            services.ui().execute(() -> ended("Cannot start: " + e.getMessage() + ".", null));
            return;
        }
        running = op;
        if (cancelRequested) op.cancel();
        op.result().whenComplete((r, t) -> {
            double seconds = (System.nanoTime() - t0) / 1e9;
            services.ui().execute(() -> finished(r, t, total, seconds));
        });
    }

    private void step(CalibrationEntry e, int done, int total) {
        if (!busy) return;
        progress.setProgress(total == 0 ? 1 : (double) done / total);
        state.setText(done + " of " + total + " cells measured\u2026");
        cells.appendText(String.format("%-30s %-16s %s%s%n", e.kind(), e.variant(), e.outcome(),
                e.restore() == null ? "" : ", " + e.restore()));
    }

    private void finished(CalibrationReport r, Throwable t, int total, double seconds) {
        if (t != null) {
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            ended("Failed: " + c.getMessage() + ". Nothing was written; the plans keep their basis.", null);
            return;
        }
        long measured = r.entries().stream().filter(e -> e.outcome() != Outcome.cancelled).count();
        if (cancelRequested || measured < r.entries().size() || r.entries().size() < total) {
            ended("Cancelled after " + measured + " of " + total + " cells: nothing was written; the plans keep their basis.", r);
            return;
        }
        progress.setProgress(1);
        ended(String.format("Done: %d cells in %.1f s, calibrated against CRIU %s on Linux %s. Plans made from now on use these facts.",
                r.entries().size(), seconds, r.criuVersion(), r.kernel()), r);
        onDone.accept(r);
    }

    private void ended(String text, CalibrationReport r) {
        running = null;
        state.setText(text);
        if (progress.getProgress() < 0) progress.setProgress(0);
        setBusy(false);
        report.set(r);
    }

    /** Cancel: criu is told to stop, the probe trees are torn down; nothing is written. */
    public void cancel() {
        cancelRequested = true;
        state.setText("Cancelling\u2026");
        HostOperation<CalibrationReport> op = running;
        if (op != null) op.cancel();
    }

    private void setBusy(boolean b) {
        busy = b;
        start.setDisable(b);
        kinds.setDisable(b);
        cancel.setText(b ? "Cancel" : "Close");
    }
}
