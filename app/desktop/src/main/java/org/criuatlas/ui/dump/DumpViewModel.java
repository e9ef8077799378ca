package org.criuatlas.ui.dump;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.DumpSummary;
import org.criuatlas.host.FolderCheck;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.TargetState;
import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.ui.fx.Batched;
import org.criuatlas.ui.fx.BugReportSave;
import org.criuatlas.ui.fx.LatestOnly;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The "Dump…" operation without a toolkit: the images folder rules, the options, the run on a
 * host (the folder is prepared, criu runs and the target is checked there), the stage timeline and
 * log tail, cancel, the failure with its pin and fix, the check that the target still runs, and the
 * figures of a success.
 * <p>
 * Every property and list changes on the {@code ui} executor only (the FX thread in the window, the
 * calling thread in tests). Intents ({@link #start()}, {@link #cancel()}, {@link #applyFix}...) are
 * called there too. Questions to the host (is this folder usable?) run on {@code background}; the
 * dump itself is a {@link HostOperation}: its events are coalesced per UI turn.
 * <p>
 * A little over 400 lines on purpose: one dump's whole life (folder, settings, attempts, outcome, fix
 * and retry) is one state machine over one set of properties; its parts (folder rules, the run, the
 * timeline, the failures, saving a bug report) already live in the host, {@link StageTimeline},
 * {@link DumpFailure} and {@link org.criuatlas.ui.fx.BugReportSave}.
 */
public final class DumpViewModel {
    public enum Phase {
        /** Choosing the folder and options. */
        READY,
        RUNNING,
        CANCELLING,
        SUCCEEDED,
        FAILED,
        /** Stopped by the user. */
        CANCELLED,
        /** criu could not answer (it crashed, could not start, the folder went away...). */
        BROKEN;

        public boolean busy() { return this == RUNNING || this == CANCELLING; }
    }

    /** Log lines kept in the live pane; the whole log stays in the file. */
    public static final int LOG_TAIL = 5000;

    /**
     * What the dump window needs from the rest of the application.
     *
     * @param host       where the dump runs (this machine, or a bridge)
     * @param background runs the host's quick but blocking answers (folder checks)
     * @param ui         runs state changes (Platform::runLater-like; inline in tests)
     * @param pin        pins a failure's objects on the graph
     * @param intents    applies a fix to the plan; null when the window has no plan to change
     * @param openImages opens a finished images folder
     * @param openLog    opens a dump's log in the log lens
     */
    public record Services(Host host, Executor background, Executor ui, GraphPin pin,
                           PlanIntents intents, Consumer<Path> openImages, Consumer<Path> openLog) {
        public Services {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(background, "background");
            Objects.requireNonNull(ui, "ui");
            pin = pin == null ? GraphPin.NONE : pin;
            openImages = openImages == null ? p -> {} : openImages;
            openLog = openLog == null ? p -> {} : openLog;
        }
    }

    private final Services services;

    private final ReadOnlyObjectWrapper<DumpPlan> plan = new ReadOnlyObjectWrapper<>(this, "plan");
    private final ObjectProperty<Path> folder = new SimpleObjectProperty<>(this, "folder");
    private final ReadOnlyObjectWrapper<FolderCheck> folderCheck = new ReadOnlyObjectWrapper<>(this, "folderCheck", FolderCheck.NONE);
    private final BooleanProperty leaveRunning = new SimpleBooleanProperty(this, "leaveRunning", DumpSettings.DEFAULT.leaveRunning());
    private final BooleanProperty shellJob = new SimpleBooleanProperty(this, "shellJob", DumpSettings.DEFAULT.shellJob());
    private final BooleanProperty tcpEstablished = new SimpleBooleanProperty(this, "tcpEstablished", DumpSettings.DEFAULT.tcpEstablished());
    private final IntegerProperty logLevel = new SimpleIntegerProperty(this, "logLevel", DumpSettings.DEFAULT.logLevel());
    private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(this, "phase", Phase.READY);
    private final ObservableList<StageRow> stages = FXCollections.observableArrayList();
    private final ObservableList<String> logTail = FXCollections.observableArrayList();
    private final ObservableList<DumpFailure> failures = FXCollections.observableArrayList();
    // one read-only view each, kept: a wrapper listens weakly, so a throw-away one would drop listeners when collected
    private final ObservableList<StageRow> stagesView = FXCollections.unmodifiableObservableList(stages);
    private final ObservableList<String> logTailView = FXCollections.unmodifiableObservableList(logTail);
    private final ObservableList<DumpFailure> failuresView = FXCollections.unmodifiableObservableList(failures);
    private final ReadOnlyObjectWrapper<TargetState> target = new ReadOnlyObjectWrapper<>(this, "target");
    private final ReadOnlyObjectWrapper<DumpSummary> summary = new ReadOnlyObjectWrapper<>(this, "summary");
    private final ReadOnlyObjectWrapper<CriuResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyStringWrapper command = new ReadOnlyStringWrapper(this, "command", "");
    private final ReadOnlyObjectWrapper<Path> logFile = new ReadOnlyObjectWrapper<>(this, "logFile");
    private final ReadOnlyObjectWrapper<Path> imagesDir = new ReadOnlyObjectWrapper<>(this, "imagesDir");
    private final ReadOnlyIntegerWrapper attempt = new ReadOnlyIntegerWrapper(this, "attempt", 0);
    private final BooleanBinding canStart;
    private final BooleanBinding canCancel;

    /** The settings the last attempt ran with (the check boxes may have changed since). */
    private DumpSettings attemptSettings = DumpSettings.DEFAULT;
    /** The dump in flight (ui executor only). */
    private HostOperation<DumpOutcome> current;
    /** The folder the last failed/cancelled attempt wrote into (ours: it was new or empty). */
    private Path lastAttemptDir;

    // high-rate events reach the lists at most once per ui turn
    private final Batched<String> pendingLog;
    private final LatestOnly<List<StageRow>> pendingStages;

    public DumpViewModel(DumpPlan plan, Services services) {
        this.services = Objects.requireNonNull(services);
        this.pendingLog = new Batched<>(services.ui(), this::appendLog);
        this.pendingStages = new LatestOnly<>(services.ui(), stages::setAll);
        this.plan.set(Objects.requireNonNull(plan, "plan"));
        canStart = Bindings.createBooleanBinding(() -> !phase.get().busy() && folderCheck.get().usable()
                && Objects.equals(folderCheck.get().folder(), normalized(folder.get())), phase, folderCheck, folder);
        canCancel = Bindings.createBooleanBinding(() -> phase.get() == Phase.RUNNING, phase);
        folder.addListener((o, a, b) -> recheckFolder());
        leaveRunning.addListener((o, a, b) -> updateCommand(null));
        shellJob.addListener((o, a, b) -> updateCommand(null));
        tcpEstablished.addListener((o, a, b) -> updateCommand(null));
        logLevel.addListener((o, a, b) -> updateCommand(null));
        if (plan.options().shellJob()) shellJob.set(true);
        updateCommand(null);
    }

    // ---- state -------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<DumpPlan> planProperty() { return plan.getReadOnlyProperty(); }
    public DumpPlan plan() { return plan.get(); }
    /** The images folder; set it to choose one (it is checked on the background executor). */
    public ObjectProperty<Path> folderProperty() { return folder; }
    public ReadOnlyObjectProperty<FolderCheck> folderCheckProperty() { return folderCheck.getReadOnlyProperty(); }
    public FolderCheck folderCheck() { return folderCheck.get(); }
    public BooleanProperty leaveRunningProperty() { return leaveRunning; }
    public BooleanProperty shellJobProperty() { return shellJob; }
    public BooleanProperty tcpEstablishedProperty() { return tcpEstablished; }
    public IntegerProperty logLevelProperty() { return logLevel; }
    public ReadOnlyObjectProperty<Phase> phaseProperty() { return phase.getReadOnlyProperty(); }
    public Phase phase() { return phase.get(); }
    public ObservableList<StageRow> stages() { return stagesView; }
    public ObservableList<String> logTail() { return logTailView; }
    public ObservableList<DumpFailure> failures() { return failuresView; }
    public ReadOnlyObjectProperty<TargetState> targetProperty() { return target.getReadOnlyProperty(); }
    public TargetState target() { return target.get(); }
    public ReadOnlyObjectProperty<DumpSummary> summaryProperty() { return summary.getReadOnlyProperty(); }
    public DumpSummary summary() { return summary.get(); }
    public ReadOnlyObjectProperty<CriuResult> resultProperty() { return result.getReadOnlyProperty(); }
    public CriuResult result() { return result.get(); }
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }
    public ReadOnlyStringProperty commandProperty() { return command.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Path> logFileProperty() { return logFile.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Path> imagesDirProperty() { return imagesDir.getReadOnlyProperty(); }
    public ReadOnlyIntegerProperty attemptProperty() { return attempt.getReadOnlyProperty(); }
    public BooleanBinding canStartProperty() { return canStart; }
    public BooleanBinding canCancelProperty() { return canCancel; }

    public DumpSettings settings() {
        return new DumpSettings(leaveRunning.get(), shellJob.get(), tcpEstablished.get(), logLevel.get());
    }

    // ---- intents -----------------------------------------------------------------------------

    /** Chooses the images folder. */
    public void chooseFolder(Path p) {
        folder.set(p);
    }

    /** Suggests a new folder under the host's default place for dumps ({@code ~/criu-atlas-dumps}). */
    public void suggestFolder() {
        int root = plan.get().root();
        services.background().execute(() -> {
            Path p = services.host().newImagesFolder(null, root, LocalDateTime.now());
            services.ui().execute(() -> {
                if (folder.get() == null) folder.set(p);
            });
        });
    }

    /** For a folder that is not empty: use a new sub-folder of it instead (nothing in it is touched). */
    public void useNewSubFolder() {
        FolderCheck c = folderCheck.get();
        Path parent = c.folder() != null ? c.folder() : normalized(folder.get());
        if (parent == null) return;
        int root = plan.get().root();
        services.background().execute(() -> {
            Path sub = services.host().newImagesFolder(parent, root, LocalDateTime.now());
            services.ui().execute(() -> folder.set(sub));
        });
    }

    /** Starts the dump into the chosen folder. */
    public void start() {
        if (!canStart.get()) return;
        launch(normalized(folder.get()), false);
    }

    /** Stops a running dump; the window then checks that the target still runs. */
    public void cancel() {
        if (phase.get() != Phase.RUNNING) return;
        phase.set(Phase.CANCELLING);
        message.set("Cancelling: asking criu to stop and release the tree\u2026");
        if (current != null) current.cancel();
    }

    /**
     * Applies a failure's fix: changes the plan through {@link PlanIntents} (or the options), then
     * dumps again into a fresh folder next to the failed attempt's (which keeps its incomplete mark).
     */
    public void applyFix(FixAction fix) {
        if (phase.get().busy() || fix == null) return;
        switch (fix.kind()) {
            case MARK_EXTERNAL -> {
                if (services.intents() != null) {
                    plan.set(services.intents().markExternal(fix.inode()));
                } else {
                    // no plan to tick in: add the key to this dump's options only
                    DumpPlan p = plan.get();
                    plan.set(new DumpPlan(p.root(), p.rootCommand(), p.dumped(), p.checks(), p.crossings(),
                            p.options().plusExternal("unix[" + fix.inode() + "]"), p.obligations(), p.outcome(),
                            p.firstError(), p.reasons(), p.warnings()));
                }
            }
            case SHELL_JOB -> {
                if (services.intents() != null) plan.set(services.intents().useShellJob());
                shellJob.set(true);
            }
            case RETRY -> { }
        }
        updateCommand(null);
        Path base = lastAttemptDir != null ? lastAttemptDir : normalized(folder.get());
        if (base == null) {
            message.set("Choose an images folder first.");
            return;
        }
        launch(base, lastAttemptDir != null);
    }

    /** Pins a failure's objects on the graph again (e.g. when its row is clicked). */
    public void pin(DumpFailure f) {
        services.pin().pin(f.pinKeys(), f.pinPids(), f.title());
    }

    public void openImages() {
        Path d = imagesDir.get();
        if (d != null && phase.get() == Phase.SUCCEEDED) services.openImages().accept(d);
    }

    public void openLog() {
        Path l = logFile.get();
        if (l != null) services.openLog().accept(l);
    }

    /**
     * Saves a bug report of the failed attempt to {@code out} (a .tar.gz: versions, criu check, the
     * plan, the scan of the subtree, the log, the diagnosis, the exact command), off the FX thread;
     * the message says where it went or why not.
     */
    public java.util.concurrent.CompletableFuture<Path> saveBugReport(Path out, boolean commandLines, boolean environment) {
        DumpPlan p = plan.get();
        Path log = logFile.get();
        String cmd = command.get();
        Path dir = imagesDir.get() != null ? imagesDir.get() : lastAttemptDir;
        return BugReportSave.save(() -> {
            org.criuatlas.model.IpcGraph live = services.host().scanSubtrees(java.util.Set.of(p.root()));
            return org.criuatlas.share.BugReport.collect(new org.criuatlas.share.BugReport.Request(
                    "dump of pid " + p.root(), live, new org.criuatlas.plan.PlanSet(List.of(p), List.of(), p.root()),
                    log != null && java.nio.file.Files.isRegularFile(log) ? log : null, cmd, dir, commandLines, environment,
                    org.criuatlas.bridge.AtlasVersion.version()));
        }, out, services.background(), services.ui(), message::set);
    }

    // ---- the run -----------------------------------------------------------------------------

    private void launch(Path requested, boolean nextToFailed) {
        DumpPlan p = plan.get();
        DumpSettings s = settings();
        attemptSettings = s;
        attempt.set(attempt.get() + 1);
        phase.set(Phase.RUNNING);
        stages.clear();
        logTail.clear();
        failures.clear();
        target.set(null);
        summary.set(null);
        result.set(null);
        imagesDir.set(null);
        logFile.set(null);
        pendingLog.clear();
        services.pin().clearPins();
        message.set("Preparing the images folder\u2026");
        StageTimeline timeline = new StageTimeline(Instant.now());
        pendingStages.offer(timeline.rows());
        int myAttempt = attempt.get();
        DumpRequest req = new DumpRequest(s.apply(p.options(), null), requested, nextToFailed, p.dumped());
        Consumer<HostEvent> events = e -> {
            if (e instanceof HostEvent.ImagesFolderReady r) {
                services.ui().execute(() -> folderReady(myAttempt, p, r.dir(), r.logFile()));
            } else if (e instanceof HostEvent.Criu c) {
                CriuEvent ce = c.event();
                if (timeline.accept(ce)) pendingStages.offer(timeline.rows());
                if (ce instanceof CriuEvent.LogLine l) pendingLog.add(l.line().raw());
                else if (ce instanceof CriuEvent.Output o) pendingLog.add(o.byAtlas() ? o.line() : "criu: " + o.line());
            }
        };
        HostOperation<DumpOutcome> op = services.host().dump(req, events);
        current = op;
        op.result().whenComplete((o, err) -> services.ui().execute(() -> {
            if (current == op) current = null;
            finish(o, err);
        }));
    }

    private void folderReady(int forAttempt, DumpPlan p, Path dir, Path log) {
        if (forAttempt != attempt.get() || !phase.get().busy()) return;
        if (!Objects.equals(normalized(folder.get()), dir)) folder.set(dir);
        imagesDir.set(dir);
        logFile.set(log);
        updateCommand(dir);
        message.set("Dumping pid " + p.root() + " into " + dir + "\u2026");
    }

    private void finish(DumpOutcome o, Throwable err) {
        pendingStages.flush();
        pendingLog.flush();
        if (err != null || o == null) {
            phase.set(Phase.BROKEN);
            message.set("The host could not run the dump: " + (err == null ? "no answer" : err.getMessage()));
            recheckFolder();
            return;
        }
        // the folder the host dumped into, from the outcome itself: its ImagesFolderReady event may not have been applied
        // (a CI run showed a retry's "-2" folder missing from the dialog while the message named it)
        Path into = o instanceof DumpOutcome.Dumped d ? d.dir() : o instanceof DumpOutcome.Failed f ? f.dir()
                : o instanceof DumpOutcome.Cancelled c ? c.dir() : o instanceof DumpOutcome.Broken b ? b.dir() : null;
        if (into != null) {
            imagesDir.set(into);
            if (!Objects.equals(normalized(folder.get()), into)) folder.set(into);
            updateCommand(into);
        }
        if (o instanceof DumpOutcome.FolderRefused r) {
            if (r.check() != null) folderCheck.set(r.check());
            phase.set(Phase.READY);
            message.set(r.message());
        } else if (o instanceof DumpOutcome.Cancelled c) {
            lastAttemptDir = c.dir();
            logFile.set(c.logFile());
            target.set(c.target());
            phase.set(Phase.CANCELLED);
            message.set("Cancelled. " + c.target().text() + " The folder " + c.dir() + " keeps its incomplete mark.");
        } else if (o instanceof DumpOutcome.Broken b) {
            lastAttemptDir = b.dir();
            logFile.set(b.logFile());
            target.set(b.target());
            phase.set(Phase.BROKEN);
            message.set(b.problem() + " " + b.target().text());
        } else if (o instanceof DumpOutcome.Dumped d) {
            lastAttemptDir = null;
            result.set(d.result());
            logFile.set(d.logFile());
            TargetState t = d.target();
            TargetState shown = t;
            if (!attemptSettings.leaveRunning() && !t.running())
                shown = new TargetState(t.root(), false, t.gone(), t.stopped(), t.checked(),
                        "The dump ended the target, as asked (leave running was off): " + t.text());
            target.set(shown);
            summary.set(d.summary());
            phase.set(Phase.SUCCEEDED);
            message.set("Dumped into " + d.dir() + ". " + d.summary().text());
        } else if (o instanceof DumpOutcome.Failed f) {
            lastAttemptDir = f.dir();
            result.set(f.result());
            logFile.set(f.logFile());
            List<DumpFailure> fs = new ArrayList<>();
            for (var d : f.result().diagnoses()) fs.add(DumpFailure.of(d));
            failures.setAll(fs);
            target.set(f.target());
            phase.set(Phase.FAILED);
            message.set("The dump failed" + (fs.isEmpty() ? " (criu gave no reason; see the log)." : ": " + fs.get(0).title() + ".")
                    + " " + f.target().text());
            DumpFailure first = fs.stream().filter(x -> !x.pinKeys().isEmpty() || !x.pinPids().isEmpty()).findFirst().orElse(null);
            if (first != null) pin(first);
        }
        recheckFolder();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void appendLog(List<String> lines) {
        if (lines.size() >= LOG_TAIL) {
            logTail.setAll(lines.subList(lines.size() - LOG_TAIL, lines.size()));
        } else {
            int drop = logTail.size() + lines.size() - LOG_TAIL;
            if (drop > 0) logTail.remove(0, drop);
            logTail.addAll(lines);
        }
    }

    private void recheckFolder() {
        Path f = normalized(folder.get());
        if (f == null) {
            folderCheck.set(FolderCheck.NONE);
            return;
        }
        services.background().execute(() -> {
            FolderCheck c = services.host().checkImagesFolder(f);
            services.ui().execute(() -> {
                if (Objects.equals(normalized(folder.get()), f)) folderCheck.set(c);
            });
        });
    }

    private void updateCommand(Path dir) {
        Path d = dir != null ? dir : normalized(folder.get());
        CriuOptions o = settings().apply(plan.get().options(), d);
        command.set(DumpCommand.text(o, d == null ? "DIR" : d.toString()));
    }

    private static Path normalized(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }
}
