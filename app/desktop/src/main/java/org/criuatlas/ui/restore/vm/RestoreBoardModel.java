package org.criuatlas.ui.restore.vm;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.KeptWiring;
import org.criuatlas.host.RestoreGate;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.plan.restore.WiringProblem;
import org.criuatlas.plan.restore.WiringRow;
import org.criuatlas.ui.fx.Batched;
import org.criuatlas.ui.fx.BugReportSave;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * State and intents of the restore wiring board. Holds the current {@link RestoreWiringPlan}; every
 * edit goes through the plan, and a refused edit leaves the plan as it was and shows the reason on
 * the row. Restores run on the {@link Host} (this machine or a bridge) as a {@link HostOperation};
 * results and events come back through the {@code ui} executor (the FX thread in the app,
 * Runnable::run in tests), the timeline at most once per UI turn.
 */
public final class RestoreBoardModel implements AutoCloseable {
    /** How long "wait until free and retry" waits for a taken pid. */
    public static final Duration PID_WAIT = Duration.ofSeconds(60);

    private final Path criu;
    private final Host host;
    private final Executor ui, background;
    private final Batched<String> timelineLines;
    private final ReadOnlyObjectWrapper<RestoreWiringPlan> plan = new ReadOnlyObjectWrapper<>(this, "plan");
    private final ObservableList<WiringRowModel> rows = FXCollections.observableArrayList();
    // one wrapper: listeners on a fresh unmodifiable wrapper per call are weak and vanish with it at GC
    private final ObservableList<WiringRowModel> rowsView = FXCollections.unmodifiableObservableList(rows);
    private final Map<Integer, String> rejections = new HashMap<>();
    private final ReadOnlyStringWrapper addMessage = new ReadOnlyStringWrapper(this, "addMessage", "");
    private final ReadOnlyStringWrapper commandLine = new ReadOnlyStringWrapper(this, "commandLine", "");
    private final ReadOnlyStringWrapper blockingText = new ReadOnlyStringWrapper(this, "blockingText", "");
    private final ReadOnlyBooleanWrapper canRestore = new ReadOnlyBooleanWrapper(this, "canRestore", false);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "Not restored yet.");
    private final ReadOnlyObjectWrapper<List<Integer>> takenPids = new ReadOnlyObjectWrapper<>(this, "takenPids", List.of());
    private final ReadOnlyObjectWrapper<List<Integer>> restoredPids = new ReadOnlyObjectWrapper<>(this, "restoredPids", List.of());
    private final ObservableList<String> timeline = FXCollections.observableArrayList();
    // one wrapper: listeners on a fresh unmodifiable wrapper per call are weak and vanish with it at GC
    private final ObservableList<String> timelineView = FXCollections.unmodifiableObservableList(timeline);
    private final ObservableList<ConsoleModel> consoles = FXCollections.observableArrayList();
    // one wrapper: listeners on a fresh unmodifiable wrapper per call are weak and vanish with it at GC
    private final ObservableList<ConsoleModel> consolesView = FXCollections.unmodifiableObservableList(consoles);
    private final ReadOnlyObjectWrapper<RestorePreview> preview = new ReadOnlyObjectWrapper<>(this, "preview");
    private final ReadOnlyStringWrapper previewStatus = new ReadOnlyStringWrapper(this, "previewStatus", "Not compared with this machine yet.");
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper(this, "checking", false);
    private final ObservableList<String> conflictLines = FXCollections.observableArrayList();
    /** The last attempt failed (criu refused, or a pid stayed taken): a bug report can be saved. */
    private final ReadOnlyBooleanWrapper failed = new ReadOnlyBooleanWrapper(this, "failed", false);
    private volatile Path lastLog;
    /** The trust gate stopped the last restore: its findings, until the user goes on or cancels (null otherwise). */
    private final ReadOnlyObjectWrapper<RestoreGate.Verdict> confirmation = new ReadOnlyObjectWrapper<>(this, "confirmation");
    /** What the gate says of the folder before any restore (null: not known, or the host cannot tell ahead). */
    private final ReadOnlyObjectWrapper<RestoreGate.Verdict> trust = new ReadOnlyObjectWrapper<>(this, "trust");
    private RestoreRequest lastRequest, awaitingConfirmation;
    private final ObservableList<String> conflictLinesView = FXCollections.unmodifiableObservableList(conflictLines);
    private HostOperation<RestoreResult> job;
    private volatile Instant jobStart;
    private KeptWiring wiring;

    /**
     * @param criu       the host's criu, for the command line the board shows (null: "criu")
     * @param ui         runs state changes
     * @param background sends console text and closes kept ends (both may block)
     */
    public RestoreBoardModel(RestoreWiringPlan initial, Host host, Path criu, Executor ui, Executor background) {
        this.criu = criu;
        this.host = host;
        this.ui = ui;
        this.background = background;
        this.timelineLines = new Batched<>(ui, timeline::addAll);
        setPlan(initial);
    }

    // ---- read-only state ---------------------------------------------------------------------

    public ReadOnlyObjectProperty<RestoreWiringPlan> planProperty() { return plan.getReadOnlyProperty(); }
    public ObservableList<WiringRowModel> rows() { return rowsView; }
    /** Why the last "hand in another object" was refused; empty when it was not. */
    public ReadOnlyStringProperty addMessageProperty() { return addMessage.getReadOnlyProperty(); }
    public ReadOnlyStringProperty commandLineProperty() { return commandLine.getReadOnlyProperty(); }
    /** What blocks the restore, one reason a line; empty when nothing does. */
    public ReadOnlyStringProperty blockingTextProperty() { return blockingText.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canRestoreProperty() { return canRestore.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }
    /** Pids a failed restore found taken (offers "wait until free and retry"); empty otherwise. */
    public ReadOnlyObjectProperty<List<Integer>> takenPidsProperty() { return takenPids.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<List<Integer>> restoredPidsProperty() { return restoredPids.getReadOnlyProperty(); }
    /** Stages with their time since the restore started. */
    public ObservableList<String> timeline() { return timelineView; }

    /** The last comparison of the images with the host (null until one finished). */
    public ReadOnlyObjectProperty<RestorePreview> previewProperty() { return preview.getReadOnlyProperty(); }
    /** The comparison in one sentence: running, nothing in the way, or how many conflicts. */
    public ReadOnlyStringProperty previewStatusProperty() { return previewStatus.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty checkingProperty() { return checking.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty failedProperty() { return failed.getReadOnlyProperty(); }
    /** One line per conflict, blocking ones first. */
    public ObservableList<String> conflictLines() { return conflictLinesView; }
    public ObservableList<ConsoleModel> consoles() { return consolesView; }
    /**
     * Set when the host's trust gate refused the images folder and criu was not started: the board
     * lists why and offers {@link #confirmRestore()} and {@link #declineRestore()}; null otherwise.
     */
    public ReadOnlyObjectProperty<RestoreGate.Verdict> confirmationProperty() { return confirmation.getReadOnlyProperty(); }
    /** The gate's verdict on the folder from the last machine check (null when unknown). */
    public ReadOnlyObjectProperty<RestoreGate.Verdict> trustProperty() { return trust.getReadOnlyProperty(); }
    public Path criu() { return criu; }

    // ---- intents -----------------------------------------------------------------------------

    public void commitKey(int row, String typed) {
        apply(row, plan.get().withKey(row, typed));
    }

    public void commitFd(int row, String typed) {
        apply(row, plan.get().withCriuFd(row, typed));
    }

    public void chooseDestination(int row, Destination.Kind kind, String argument) {
        apply(row, plan.get().withDestination(row, new Destination(kind, argument)));
    }

    /** Hands in one more image object (typed key). */
    public void addKey(String typed) {
        RestoreWiringPlan.Edit e = plan.get().addRow(typed);
        addMessage.set(e.accepted() ? "" : e.rejection());
        if (e.accepted()) setPlan(e.plan());
    }

    public void removeRow(int row) {
        rejections.clear();
        setPlan(plan.get().removeRow(row));
    }

    public void setRestoreSibling(boolean v) {
        setPlan(plan.get().withRestoreSibling(v));
    }

    private void apply(int row, RestoreWiringPlan.Edit e) {
        if (e.accepted()) {
            rejections.remove(row);
            setPlan(e.plan());
        } else {
            rejections.put(row, e.rejection());
            refresh();
        }
    }

    private void setPlan(RestoreWiringPlan p) {
        // the confirmation was for the plan as it was: an edit asks again at the next Restore
        if (awaitingConfirmation != null && p != plan.get()) clearConfirmation();
        plan.set(p);
        refresh();
    }

    private void refresh() {
        RestoreWiringPlan p = plan.get();
        while (rows.size() > p.rows().size()) rows.remove(rows.size() - 1);
        while (rows.size() < p.rows().size()) rows.add(new WiringRowModel());
        List<WiringProblem> problems = p.problems();
        for (int i = 0; i < p.rows().size(); i++) {
            WiringRow r = p.rows().get(i);
            final int idx = i;
            String rejected = rejections.get(i);
            List<WiringProblem> mine = problems.stream().filter(x -> x.row() == idx).toList();
            String msg = rejected != null ? rejected : mine.stream().map(WiringProblem::message).collect(Collectors.joining("\n"));
            boolean err = rejected != null || mine.stream().anyMatch(WiringProblem::blocks);
            String inherit = r.destination().kind().inherits() ? "--inherit-fd " + r.inheritArgument()
                    : r.destination().kind() == Destination.Kind.RECONNECT ? "--ext-unix-sk (no fd)" : "not handed in";
            rows.get(i).set(r.key(), r.object(), r.replacement().describe(), r.criuFd(), inherit, r.destination(),
                    !r.replacement().isPipe() && r.peerNamed(), msg, err);
        }
        commandLine.set(p.commandLine(criu));
        blockingText.set(String.join("\n", p.blockingReasons()));
        canRestore.set(!p.blocked() && !running.get() && confirmation.get() == null);
    }

    /** Starts the restore in the background. */
    public void restore() {
        if (running.get() || plan.get().blocked()) return;
        closeWiring(); // queued before the job: the last restore's ends close first
        // the board shows steps and stages; its log lens reads the log afterwards
        start(RestoreRequest.now(plan.get()).withStagesOnly(), "Restoring…");
    }

    /** After "PID taken": waits until the pids are free (at most {@link #PID_WAIT}), then restores. */
    public void waitAndRetry() {
        List<Integer> pids = takenPids.get();
        if (running.get() || pids.isEmpty()) return;
        closeWiring();
        start(new RestoreRequest(plan.get(), pids, PID_WAIT).withStagesOnly(), "Waiting until pid " + pids + " is free…");
    }

    /** After the trust gate's refusal: the user read the reasons and restores anyway (the same request, trusted). */
    public void confirmRestore() {
        RestoreRequest r = awaitingConfirmation;
        if (r == null || running.get()) return;
        clearConfirmation();
        start(r.trusted(), "Restoring (you confirmed the images folder)\u2026");
    }

    /** After the trust gate's refusal: the user does not restore from this folder. */
    public void declineRestore() {
        if (awaitingConfirmation == null) return;
        clearConfirmation();
        status.set("Not restored: you cancelled after reading why the images folder is not trusted.");
        refresh();
    }

    private void clearConfirmation() {
        awaitingConfirmation = null;
        confirmation.set(null);
    }

    public void cancel() {
        HostOperation<RestoreResult> j = job;
        if (j != null && running.get()) {
            status.set("Cancelling…");
            j.cancel();
        }
    }

    private void start(RestoreRequest request, String text) {
        closeWiring();
        clearConfirmation();
        lastRequest = request;
        timeline.clear();
        timelineLines.clear();
        takenPids.set(List.of());
        restoredPids.set(List.of());
        jobStart = Instant.now();
        running.set(true);
        canRestore.set(false);
        status.set(text);
        HostOperation<RestoreResult> j = host.restore(request, this::onEvent);
        job = j;
        j.result().whenComplete((o, err) -> ui.execute(() -> finished(o != null ? o
                : new RestoreResult.Failed("the host could not run the restore: " + (err == null ? "no answer" : err.getMessage()), null))));
    }

    private void onEvent(HostEvent e) {
        String line;
        if (e instanceof HostEvent.Step s) line = s.name() + ": " + s.detail();
        else if (e instanceof HostEvent.Criu c && c.event() instanceof CriuEvent.Stage st)
            line = "criu " + st.name() + (st.pid() != null ? " (pid " + st.pid() + ")" : "");
        else return; // log lines belong to the log lens
        Instant start = jobStart == null ? e.at() : jobStart;
        timelineLines.add(String.format("+%.3f s  %s", Duration.between(start, e.at()).toMillis() / 1000.0, line));
    }

    private void finished(RestoreResult o) {
        timelineLines.flush();
        running.set(false);
        job = null;
        failed.set(o instanceof RestoreResult.Failed || o instanceof RestoreResult.PidTaken);
        var criuResult = o instanceof RestoreResult.Failed f0 ? f0.result() : o instanceof RestoreResult.PidTaken t0 ? t0.result() : null;
        lastLog = criuResult == null ? null : criuResult.logFile();
        if (o instanceof RestoreResult.Restored r) {
            wiring = r.wiring();
            restoredPids.set(r.pids());
            consoles.setAll(r.wiring().consoles().stream().map(c -> new ConsoleModel(c, ui, background)).toList());
            status.set("Restored: root pid " + r.rootPid() + " (" + r.pids().size() + " process(es)); "
                    + r.wiring().ends().size() + " kept end(s) wired.");
        } else if (o instanceof RestoreResult.PidTaken t) {
            takenPids.set(t.pids());
            status.set("PID " + t.pids() + " is still taken. " + t.why());
        } else if (o instanceof RestoreResult.Failed f) {
            status.set("Restore failed: " + f.why());
        } else if (o instanceof RestoreResult.NeedsConfirmation n) {
            // the trust gate stopped it before criu started: the board asks (confirmRestore / declineRestore)
            awaitingConfirmation = lastRequest;
            confirmation.set(n.verdict());
            trust.set(n.verdict());
            status.set("Not restored yet: the images folder is not trusted, and criu was not started."
                    + " Read why below, then restore anyway or cancel.");
        } else if (o instanceof RestoreResult.Cancelled c) {
            status.set("Cancelled: " + c.how());
        }
        refresh();
    }

    private void closeWiring() {
        if (wiring != null) {
            KeptWiring w = wiring;
            wiring = null;
            consoles.clear();
            background.execute(w::close);
        }
    }

    /**
     * Saves a bug report of the failed restore to {@code out}: versions, criu check, CRIU's log, its
     * diagnosis, the exact command and the preview of this machine; off the FX thread, the status says where.
     */
    public java.util.concurrent.CompletableFuture<Path> saveBugReport(Path out, boolean environment) {
        Path log = lastLog;
        String cmd = commandLine.get();
        RestorePreview pv = preview.get();
        return BugReportSave.save(() -> RestoreBugReport.collect(environment, plan.get().imagesDir(), log, cmd, pv),
                out, background, ui, status::set);
    }

    // ---- the machine now -----------------------------------------------------------------------

    /**
     * Compares the images with the host as it is now (pids in use, socket paths, files), off the FX
     * thread; the board lists what it finds above the wiring. Again after the user freed something.
     */
    public void checkMachine() {
        if (checking.get()) return;
        checking.set(true);
        previewStatus.set("Comparing the images with this machine\u2026");
        Path dir = plan.get().imagesDir();
        background.execute(() -> {
            RestorePreview p = null;
            String error = null;
            RestoreGate.Verdict v = null;
            try {
                v = host.restoreTrust(dir).orElse(null);
            } catch (RuntimeException e) {
                // not known ahead: the restore itself still goes through the gate
            }
            try {
                p = host.previewRestore(dir);
            } catch (Exception e) {
                error = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            RestorePreview done = p;
            String why = error;
            RestoreGate.Verdict verdict = v;
            ui.execute(() -> showPreview(done, why, verdict));
        });
    }

    private void showPreview(RestorePreview p, String error, RestoreGate.Verdict verdict) {
        checking.set(false);
        trust.set(verdict);
        // a folder that cannot be read at all is said by the failed comparison already; Restore still asks
        boolean untrusted = verdict != null && !verdict.trusted() && !(p == null
                && verdict.findings().stream().allMatch(f -> f.concern() == RestoreGate.Concern.UNREADABLE));
        List<String> lines = new java.util.ArrayList<>();
        if (untrusted) lines.add(RestoreBoardWords.trustLine(verdict));
        String asks = untrusted ? " The images folder is not trusted: Restore asks first." : "";
        if (p == null) {
            previewStatus.set("Could not compare the images with this machine: " + error + asks);
            conflictLines.setAll(lines);
            return;
        }
        preview.set(p);
        p.conflicts().stream().map(RestoreBoardWords::conflictLine).forEach(lines::add);
        conflictLines.setAll(lines);
        long blocks = p.conflicts().stream().filter(c -> c.severity() == RestorePreview.Severity.BLOCKS).count();
        previewStatus.set((p.conflicts().isEmpty() ? "Nothing on this machine stands in the way of the restore."
                : p.conflicts().size() + (p.conflicts().size() == 1 ? " conflict" : " conflicts") + " on this machine"
                + (blocks > 0 ? ": " + blocks + " would make the restore fail as things stand." : ", none blocking.")) + asks);
    }

    /** Cancels a running restore and closes the kept ends (the restored processes see them close). */
    @Override
    public void close() {
        cancel();
        closeWiring();
    }
}
