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
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.DumpPlan;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The "Dump…" operation without a toolkit: the images folder rules, the options, the run on a
 * background executor, the stage timeline and log tail, cancel, the failure with its pin and fix,
 * the check that the target still runs, and the figures of a success.
 * <p>
 * Every property and list changes on the {@code ui} executor only (the FX thread in the window, the
 * calling thread in tests). Intents ({@link #start()}, {@link #cancel()}, {@link #applyFix}...) are
 * called there too. Work that touches the file system or waits runs on {@code background}.
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
    /** How long a stopped task may take to be woken after a dump gave up. */
    static final Duration SETTLE = Duration.ofMillis(1500);

    /**
     * What the dump window needs from the rest of the application.
     *
     * @param runner     starts the dump (CRIU, or a fake in tests)
     * @param background runs the blocking parts (folder preparation, waiting for criu, /proc checks)
     * @param ui         runs state changes (Platform::runLater-like; inline in tests)
     * @param probe      checks /proc for the target
     * @param pin        pins a failure's objects on the graph
     * @param intents    applies a fix to the plan; null when the window has no plan to change
     * @param openImages opens a finished images folder
     * @param openLog    opens a dump's log in the log lens
     */
    public record Services(DumpRunner runner, Executor background, Executor ui, TargetProbe probe, GraphPin pin,
                           PlanIntents intents, Consumer<Path> openImages, Consumer<Path> openLog) {
        public Services {
            Objects.requireNonNull(runner, "runner");
            Objects.requireNonNull(background, "background");
            Objects.requireNonNull(ui, "ui");
            probe = probe == null ? TargetProbe.PROC : probe;
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

    // written on the background thread, read by the intents
    private volatile DumpRunner.Running current;
    private volatile boolean cancelRequested;
    /** The folder the last failed/cancelled attempt wrote into (ours: it was new or empty). */
    private Path lastAttemptDir;

    // high-rate events are queued and applied once per ui turn
    private final ConcurrentLinkedQueue<String> pendingLog = new ConcurrentLinkedQueue<>();
    private final AtomicReference<List<StageRow>> pendingStages = new AtomicReference<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    public DumpViewModel(DumpPlan plan, Services services) {
        this.services = Objects.requireNonNull(services);
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

    /** For a folder that is not empty: use a new sub-folder of it instead (nothing in it is touched). */
    public void useNewSubFolder() {
        FolderCheck c = folderCheck.get();
        Path parent = c.folder() != null ? c.folder() : normalized(folder.get());
        if (parent == null) return;
        int root = plan.get().root();
        services.background().execute(() -> {
            Path sub = ImagesFolder.newSubFolder(parent, root, LocalDateTime.now());
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
        cancelRequested = true;
        phase.set(Phase.CANCELLING);
        message.set("Cancelling: asking criu to stop and release the tree\u2026");
        DumpRunner.Running r = current;
        if (r != null) r.cancel();
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

    // ---- the run -----------------------------------------------------------------------------

    private void launch(Path requested, boolean nextToFailed) {
        DumpPlan p = plan.get();
        DumpSettings s = settings();
        cancelRequested = false;
        current = null;
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
        pendingStages.set(null);
        services.pin().clearPins();
        message.set("Preparing the images folder\u2026");
        services.background().execute(() -> run(p, s, requested, nextToFailed));
    }

    private void run(DumpPlan p, DumpSettings s, Path requested, boolean nextToFailed) {
        Instant started = Instant.now();
        Path dir;
        try {
            Path want = nextToFailed ? ImagesFolder.nextAttempt(requested) : requested;
            dir = ImagesFolder.prepare(want);
        } catch (ImagesFolder.NotUsable e) {
            services.ui().execute(() -> {
                folderCheck.set(e.check());
                phase.set(Phase.READY);
                message.set(e.getMessage());
            });
            return;
        } catch (IOException | RuntimeException e) {
            services.ui().execute(() -> {
                phase.set(Phase.READY);
                message.set("Could not create the images folder: " + e.getMessage());
            });
            return;
        }
        CriuOptions opts = s.apply(p.options(), dir);
        Path log = dir.resolve(opts.logFile() != null ? opts.logFile() : CriuSession.defaultLogFile(CriuSession.Request.DUMP));
        services.ui().execute(() -> {
            if (!Objects.equals(normalized(folder.get()), dir)) folder.set(dir);
            imagesDir.set(dir);
            logFile.set(log);
            updateCommand(dir);
            message.set("Dumping pid " + p.root() + " into " + dir + "\u2026");
        });

        StageTimeline timeline = new StageTimeline(started);
        pendingStages.set(timeline.rows());
        schedule();
        CriuListener listener = e -> {
            if (timeline.accept(e)) pendingStages.set(timeline.rows());
            if (e instanceof CriuEvent.LogLine l) pendingLog.add(l.line().raw());
            else if (e instanceof CriuEvent.Output o) pendingLog.add("criu: " + o.line());
            else if (!(e instanceof CriuEvent.Stage || e instanceof CriuEvent.Finished)) return;
            schedule();
        };

        CriuResult r = null;
        String problem = null;
        boolean cancelled = false;
        try {
            if (!cancelRequested) {
                DumpRunner.Running running = services.runner().start(opts, listener);
                current = running;
                if (cancelRequested) running.cancel();
                r = running.await();
            } else {
                cancelled = true;
            }
        } catch (CriuException.Cancelled e) {
            cancelled = true;
        } catch (CriuException.WorkerDied e) {
            problem = "criu ended without an answer (" + e.exit() + ")."
                    + (e.outputTail().isEmpty() ? "" : " It said: " + String.join(" / ", e.outputTail().subList(
                    Math.max(0, e.outputTail().size() - 3), e.outputTail().size())));
        } catch (RuntimeException e) {
            problem = "The dump could not run: " + e.getMessage();
        } finally {
            current = null;
        }

        boolean success = r != null && r.success() && !cancelled;
        // never assumed: read /proc now (a success without leave-running ends the tree on purpose)
        TargetState t = services.probe().check(p.root(), p.dumped(), success ? Duration.ZERO : SETTLE);
        DumpSummary sum = null;
        if (success) {
            long bytes = -1;
            try {
                bytes = ImagesFolder.sizeOnDisk(dir);
            } catch (IOException ignored) {
                // shown as unknown
            }
            var st = r.stats() != null ? r.stats().dump() : null;
            sum = new DumpSummary(dir, st != null ? st.frozenTimeUs() : -1, st != null ? st.pagesWritten() : -1, bytes,
                    !CriuSession.isIncomplete(dir), r.elapsed() != null ? r.elapsed().toMillis() : -1);
        }
        final CriuResult fr = r;
        final String fproblem = problem;
        final boolean fcancelled = cancelled;
        final DumpSummary fsum = sum;
        services.ui().execute(() -> finish(p, s, dir, fr, fproblem, fcancelled, t, fsum));
    }

    private void finish(DumpPlan p, DumpSettings s, Path dir, CriuResult r, String problem, boolean cancelled,
                        TargetState t, DumpSummary sum) {
        flush();
        result.set(r);
        if (r != null && r.logFile() != null) logFile.set(r.logFile());
        if (cancelled) {
            lastAttemptDir = dir;
            target.set(t);
            phase.set(Phase.CANCELLED);
            message.set("Cancelled. " + t.text() + " The folder " + dir + " keeps its incomplete mark.");
        } else if (problem != null) {
            lastAttemptDir = dir;
            target.set(t);
            phase.set(Phase.BROKEN);
            message.set(problem + " " + t.text());
        } else if (r.success()) {
            lastAttemptDir = null;
            TargetState shown = t;
            if (!s.leaveRunning() && !t.running())
                shown = new TargetState(t.root(), false, t.gone(), t.stopped(), t.checked(),
                        "The dump ended the target, as asked (leave running was off): " + t.text());
            target.set(shown);
            summary.set(sum);
            phase.set(Phase.SUCCEEDED);
            message.set("Dumped into " + dir + ". " + sum.text());
        } else {
            lastAttemptDir = dir;
            List<DumpFailure> fs = new ArrayList<>();
            for (var d : r.diagnoses()) fs.add(DumpFailure.of(d));
            failures.setAll(fs);
            target.set(t);
            phase.set(Phase.FAILED);
            message.set("The dump failed" + (fs.isEmpty() ? " (criu gave no reason; see the log)." : ": " + fs.get(0).title() + ".")
                    + " " + t.text());
            DumpFailure first = fs.stream().filter(f -> !f.pinKeys().isEmpty() || !f.pinPids().isEmpty()).findFirst().orElse(null);
            if (first != null) pin(first);
        }
        recheckFolder();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void schedule() {
        if (flushScheduled.compareAndSet(false, true)) services.ui().execute(this::flush);
    }

    private void flush() {
        flushScheduled.set(false);
        List<StageRow> st = pendingStages.getAndSet(null);
        if (st != null) stages.setAll(st);
        List<String> lines = new ArrayList<>();
        for (String l; (l = pendingLog.poll()) != null; ) lines.add(l);
        if (!lines.isEmpty()) {
            if (lines.size() >= LOG_TAIL) {
                logTail.setAll(lines.subList(lines.size() - LOG_TAIL, lines.size()));
            } else {
                int drop = logTail.size() + lines.size() - LOG_TAIL;
                if (drop > 0) logTail.remove(0, drop);
                logTail.addAll(lines);
            }
        }
    }

    private void recheckFolder() {
        Path f = normalized(folder.get());
        if (f == null) {
            folderCheck.set(FolderCheck.NONE);
            return;
        }
        services.background().execute(() -> {
            FolderCheck c = ImagesFolder.check(f);
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
