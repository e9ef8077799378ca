package org.criuatlas.host.migrate;

import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.host.migrate.MigrationEvent.Stage;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Moves a tree between two hosts through their {@link org.criuatlas.host.Host}s (bridges, or this
 * process): preflight on the target, dump on the source, stream the images to a new folder on the
 * target (SHA-256 checked there), restore there with the wiring, then check the tree runs there.
 * Cancel at any stage: before the dump the tree runs on as it was; after it, its images stay on the
 * source (and the outcome says where) so it can be restored there.
 */
public final class Migration {
    private static final System.Logger LOG = System.getLogger(Migration.class.getName());

    private final MigrationRequest req;
    private final Consumer<MigrationEvent> events;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicReference<HostOperation<?>> current = new AtomicReference<>();
    private final CompletableFuture<MigrationOutcome> result = new CompletableFuture<>();
    private final Map<Stage, Duration> took = new EnumMap<>(Stage.class);
    private volatile Stage stage = Stage.PREFLIGHT;

    private Migration(MigrationRequest req, Consumer<MigrationEvent> events) {
        this.req = Objects.requireNonNull(req);
        this.events = events == null ? e -> {} : events;
    }

    /** Starts the move on a thread of its own. */
    public static Migration start(MigrationRequest req, Consumer<MigrationEvent> events) {
        Migration m = new Migration(req, events);
        Thread t = new Thread(m::run, "migration-" + req.plan().root());
        t.setDaemon(true);
        t.start();
        return m;
    }

    /** Completes with the outcome; exceptionally only when a host itself broke in a way no stage expected. */
    public CompletableFuture<MigrationOutcome> result() { return result; }

    /** The stage running now. */
    public Stage stage() { return stage; }

    /** Asks the move to stop: a running dump or restore is cancelled on its host, a transfer stops between chunks. */
    public void cancel() {
        if (!cancelled.compareAndSet(false, true)) return;
        HostOperation<?> op = current.get();
        if (op != null) op.cancel();
    }

    public boolean cancelRequested() { return cancelled.get(); }

    private void emit(MigrationEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "a migration listener failed", ex);
        }
    }

    private Instant begin(Stage s, String text) {
        stage = s;
        emit(new MigrationEvent.StageChange(s, false, text, Instant.now()));
        return Instant.now();
    }

    private void end(Stage s, Instant started, String text) {
        took.put(s, Duration.between(started, Instant.now()));
        emit(new MigrationEvent.StageChange(s, true, text, Instant.now()));
    }

    private void run() {
        try {
            result.complete(move());
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "migration failed", t);
            result.completeExceptionally(t);
        }
    }

    private MigrationOutcome move() throws Exception {
        int root = req.plan().root();
        Instant t0 = begin(Stage.PREFLIGHT, "checking " + req.targetName());
        Preflight pf = MigrationPreflight.check(req.source(), req.sourceName(), req.target(), req.targetName(), req.graph(), req.plan(),
                req.options().leaveRunning());
        emit(new MigrationEvent.Checked(pf, Instant.now()));
        end(Stage.PREFLIGHT, t0, pf.blocked() ? pf.blocking().size() + " finding(s) block the move" : "nothing blocks the move");
        if (pf.blocked()) return new MigrationOutcome.Refused(pf);
        if (cancelled.get()) return new MigrationOutcome.Cancelled(Stage.PREFLIGHT, null, null, true);

        // dump on the source
        t0 = begin(Stage.DUMP, "dumping " + root + " on " + req.sourceName());
        Path folder = req.source().newImagesFolder(req.sourceParent(), root, LocalDateTime.now());
        HostOperation<DumpOutcome> dump = req.source().dump(new DumpRequest(req.options(), folder, false, req.plan().dumped()),
                e -> emit(new MigrationEvent.OnHost(Stage.DUMP, e)));
        current.set(dump);
        if (cancelled.get()) dump.cancel();
        DumpOutcome d = dump.result().get();
        current.set(null);
        if (d instanceof DumpOutcome.Cancelled c) return new MigrationOutcome.Cancelled(Stage.DUMP, null, null, c.target().running());
        if (d instanceof DumpOutcome.Failed f) {
            return new MigrationOutcome.Failed(Stage.DUMP, "the dump failed: " + why(f.result()), null, null, f.target().running());
        }
        if (d instanceof DumpOutcome.Broken b) return new MigrationOutcome.Failed(Stage.DUMP, b.problem(), null, null, b.target().running());
        if (d instanceof DumpOutcome.FolderRefused fr) return new MigrationOutcome.Failed(Stage.DUMP, fr.message(), null, null, true);
        DumpOutcome.Dumped dumped = (DumpOutcome.Dumped) d;
        Path src = dumped.dir();
        boolean running = dumped.target().running();
        end(Stage.DUMP, t0, "dumped into " + src + " on " + req.sourceName() + (running ? "; the tree was left running there"
                : "; the tree stopped there (checked in its /proc)"));
        if (cancelled.get()) return new MigrationOutcome.Cancelled(Stage.DUMP, src, null, running);

        // the images to the target
        t0 = begin(Stage.TRANSFER, "streaming the images to " + req.targetName());
        ImageStream.Moved moved;
        try {
            moved = ImageStream.copy(req.source(), src, req.target(), req.targetParent(), root, cancelled, this::emit);
        } catch (ImageStream.Cancelled c) {
            return new MigrationOutcome.Cancelled(Stage.TRANSFER, src, c.folder(), running);
        } catch (ImageStream.Failed f) {
            return new MigrationOutcome.Failed(Stage.TRANSFER, f.getMessage(), src, f.folder(), running);
        }
        Path dst = moved.folder();
        end(Stage.TRANSFER, t0, moved.files() + " files, " + moved.bytes() + " bytes into " + dst + " on " + req.targetName()
                + ", every SHA-256 checked there");
        if (cancelled.get()) return new MigrationOutcome.Cancelled(Stage.TRANSFER, src, dst, running);

        // restore on the target
        t0 = begin(Stage.RESTORE, "restoring on " + req.targetName());
        OpenedImages opened = req.target().openImages(dst);
        RestorePreview preview = req.target().previewRestore(dst);
        List<Integer> wait = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        for (RestorePreview.Conflict c : preview.conflicts()) {
            if (c.severity() != RestorePreview.Severity.BLOCKS) continue;
            // on one machine the dumped tree's pids are freed by the dump, as soon as its parent reaps it
            if (c.kind() == RestorePreview.Kind.PID_TAKEN && pf.sameMachine() && !running) wait.addAll(c.pids());
            else blocks.add(c.subject() + ": " + c.live() + " (" + c.advice() + ")");
        }
        if (!blocks.isEmpty()) {
            return new MigrationOutcome.Failed(Stage.RESTORE, "the restore would fail on " + req.targetName() + ": "
                    + String.join("; ", blocks), src, dst, running);
        }
        RestoreWiringPlan plan = req.wiring().apply(RestoreWiringPlan.of(opened.dump()));
        if (plan.blocked()) {
            return new MigrationOutcome.Failed(Stage.RESTORE, "the wiring cannot restore: " + String.join("; ", plan.blockingReasons()),
                    src, dst, running);
        }
        HostOperation<RestoreResult> restore = req.target().restore(new RestoreRequest(plan, wait, wait.isEmpty() ? Duration.ZERO
                : req.pidWait()), e -> emit(new MigrationEvent.OnHost(Stage.RESTORE, e)));
        current.set(restore);
        if (cancelled.get()) restore.cancel();
        RestoreResult r = restore.result().get();
        current.set(null);
        if (r instanceof RestoreResult.Cancelled) return new MigrationOutcome.Cancelled(Stage.RESTORE, src, dst, running);
        if (r instanceof RestoreResult.PidTaken p) {
            return new MigrationOutcome.Failed(Stage.RESTORE, "pids " + p.pids() + " are in use on " + req.targetName() + ": " + p.why(),
                    src, dst, running);
        }
        if (r instanceof RestoreResult.Failed f) {
            return new MigrationOutcome.Failed(Stage.RESTORE, "the restore failed: " + f.why(), src, dst, running);
        }
        if (r instanceof RestoreResult.NeedsConfirmation n) {
            return new MigrationOutcome.Failed(Stage.RESTORE, "the target's trust gate refused its own folder: " + n.verdict().explain(),
                    src, dst, running);
        }
        RestoreResult.Restored ok = (RestoreResult.Restored) r;
        end(Stage.RESTORE, t0, "restored " + ok.pids().size() + " process(es), root " + ok.rootPid() + ", on " + req.targetName());

        // the tree runs there?
        t0 = begin(Stage.CHECK, "checking the tree on " + req.targetName());
        Map<Integer, Character> states = req.target().processStates(ok.pids());
        List<String> wrong = new ArrayList<>();
        for (int p : ok.pids()) {
            Character c = states.get(p);
            if (c == null || c == 'Z' || c == 'X') wrong.add("pid " + p + (c == null ? " is gone" : " is a zombie"));
        }
        if (!wrong.isEmpty()) {
            if (ok.wiring() != null) ok.wiring().close();
            return new MigrationOutcome.Failed(Stage.CHECK, "the restored tree does not run on " + req.targetName() + ": "
                    + String.join(", ", wrong), src, dst, running);
        }
        end(Stage.CHECK, t0, "all " + ok.pids().size() + " process(es) run on " + req.targetName() + " (states " + states.values() + ")");
        return new MigrationOutcome.Moved(pf, src, dst, ok.rootPid(), ok.pids(), moved.bytes(), moved.files(), ok.wiring(), Map.copyOf(took));
    }

    private static String why(org.criuatlas.bridge.criu.CriuResult r) {
        if (r == null) return "no answer from criu";
        if (!r.diagnoses().isEmpty()) return r.diagnoses().get(0).what();
        return r.crErrmsg() != null ? r.crErrmsg() : "criu said no";
    }
}
