package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuRequest;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.SpareWorkers;
import org.criuatlas.restore.RestoreEvent;
import org.criuatlas.restore.RestoreOutcome;
import org.criuatlas.restore.RestoreRunner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The dumps and restores of {@link LocalHost}: criu runs on the host's work executor, their events
 * forwarded as {@link HostEvent}s, their handles cancelling through the CRIU session (or the restore
 * runner's job) once it exists.
 */
final class LocalCriuRuns {
    /** How long a stopped task may take to be woken after a dump gave up (the kernel wakes a dead tracer's tracees asynchronously). */
    static final Duration SETTLE = Duration.ofMillis(1500);

    private final Executor work;
    private final Function<Path, DumpRunner> dumps;
    private final TargetProbe probe;
    private final Supplier<Path> criu;
    private final Consumer<HostOperation<?>> track;
    private final SpareWorkers spares;

    /**
     * {@code work}, {@code dumps} and {@code probe} as in {@link LocalHost.Parts}; {@code criu}: the
     * criu to run, null when there is none; {@code track}: told of every operation started.
     */
    LocalCriuRuns(Executor work, Function<Path, DumpRunner> dumps, TargetProbe probe, Supplier<Path> criu,
                  Consumer<HostOperation<?>> track, SpareWorkers spares) {
        this.work = work;
        this.dumps = dumps;
        this.probe = probe;
        this.criu = criu;
        this.track = track;
        this.spares = spares;
    }

    // ---- dump --------------------------------------------------------------------------------

    /** {@link LocalHost#dump}, with {@code ev} the listener already made safe. */
    HostOperation<DumpOutcome> dump(DumpRequest request, Consumer<HostEvent> ev) {
        CompletableFuture<DumpOutcome> result = new CompletableFuture<>();
        // cancel reaches the session once it exists
        LateCancel<DumpRunner.Running> job = new LateCancel<>(DumpRunner.Running::cancel);
        HostOperation<DumpOutcome> op = job.operation(result);
        track.accept(op);
        try {
            work.execute(() -> {
                try {
                    result.complete(runDump(job, request, ev));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return op;
    }

    private DumpOutcome runDump(LateCancel<DumpRunner.Running> job, DumpRequest req, Consumer<HostEvent> ev) {
        Instant started = Instant.now();
        Path dir;
        try {
            Path want = req.nextToFailed() ? ImagesFolder.nextAttempt(req.folder()) : req.folder();
            dir = ImagesFolder.prepare(want);
        } catch (ImagesFolder.NotUsable e) {
            return new DumpOutcome.FolderRefused(e.check(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new DumpOutcome.FolderRefused(null, "Could not create the images folder: " + e.getMessage());
        }
        CriuOptions opts = req.options().withImagesDir(dir);
        Path log = dir.resolve(opts.logFile() != null ? opts.logFile() : CriuRequest.DUMP.defaultLogFile());
        ev.accept(new HostEvent.ImagesFolderReady(dir, log, Instant.now()));

        Path criu = this.criu.get();
        CriuListener listener = e -> ev.accept(new HostEvent.Criu(e));
        CriuResult r = null;
        String problem = null;
        boolean cancelled = false;
        try {
            if (criu == null) {
                problem = "CRIU was not found on this machine (scripts/provision-criu.sh).";
            } else if (!job.cancelled()) {
                DumpRunner.Running running = dumps.apply(criu).start(opts, listener);
                job.attach(running);
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
            job.detach();
        }

        boolean success = r != null && r.success() && !cancelled;
        // never assumed: read /proc now (a success without leave-running ends the tree on purpose)
        TargetState t = probe.check(req.root(), req.processes(), success ? Duration.ZERO : SETTLE);
        Path logFile = r != null && r.logFile() != null ? r.logFile() : log;
        if (cancelled) return new DumpOutcome.Cancelled(dir, logFile, t);
        if (problem != null) return new DumpOutcome.Broken(dir, logFile, problem, t);
        if (!r.success()) return new DumpOutcome.Failed(dir, logFile, r, t);
        long bytes = -1;
        try {
            bytes = ImagesFolder.sizeOnDisk(dir);
        } catch (IOException ignored) {
            // shown as unknown
        }
        var st = r.stats() != null ? r.stats().dump() : null;
        DumpSummary sum = new DumpSummary(dir, st != null ? st.frozenTimeUs() : -1, st != null ? st.pagesWritten() : -1, bytes,
                !CriuSession.isIncomplete(dir), r.elapsed() != null ? r.elapsed().toMillis()
                : Duration.between(started, Instant.now()).toMillis());
        return new DumpOutcome.Dumped(dir, logFile, r, t, sum);
    }

    // ---- restore -----------------------------------------------------------------------------

    /** {@link LocalHost#restore}, with {@code ev} the listener already made safe. */
    HostOperation<RestoreResult> restore(RestoreRequest request, Consumer<HostEvent> ev) {
        Path criu = this.criu.get();
        if (criu == null) {
            return new HostOperation<>(CompletableFuture.completedFuture(
                    new RestoreResult.Failed("CRIU was not found on this machine (scripts/provision-criu.sh).", null)), () -> {});
        }
        RestoreRunner runner = new RestoreRunner(criu, work, spares);
        boolean lines = !request.stagesOnly();
        Consumer<RestoreEvent> forward = e -> {
            if (e instanceof RestoreEvent.Step s) ev.accept(new HostEvent.Step(s.name(), s.detail(), s.at()));
            else if (e instanceof RestoreEvent.Criu c && (lines || !(c.event() instanceof CriuEvent.LogLine))) {
                ev.accept(new HostEvent.Criu(c.event(), c.at()));
            }
        };
        LateCancel<RestoreRunner.Job> cancel = new LateCancel<>(RestoreRunner.Job::cancel);
        CompletableFuture<RestoreResult> result;
        if (!request.trustConfirmed() && request.waitForPids().isEmpty()) {
            // the trust gate reads the file system on a thread of its own (the job, which waits for it, may hold the work
            // executor's only thread) while the job makes its work dir and the wiring; the job asks for the verdict
            // right before it would spawn criu, which starts only when trusted
            CompletableFuture<RestoreGate.Verdict> gate = CompletableFuture.supplyAsync(() -> RestoreGate.check(request.plan().imagesDir()),
                    r -> {
                        Thread t = new Thread(r, "restore-trust-gate");
                        t.setDaemon(true);
                        t.start();
                    });
            RestoreRunner.Job job = runner.restore(request.plan(), forward, () -> {
                RestoreGate.Verdict v = gate.join();
                return v.trusted() ? null : v.explain();
            });
            cancel.attach(job);
            result = job.outcome().thenApply(o -> {
                if (o instanceof RestoreOutcome.Held) return needsConfirmation(gate.join(), ev);
                return result(o);
            });
        } else {
            // waiting for pids first (the gate answers before any wait) or the user already went past the gate
            CompletableFuture<RestoreGate.Verdict> gate = request.trustConfirmed()
                    ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.supplyAsync(() -> RestoreGate.check(request.plan().imagesDir()), work);
            result = gate.thenCompose(verdict -> {
                if (verdict != null && !verdict.trusted()) return CompletableFuture.completedFuture(needsConfirmation(verdict, ev));
                if (cancel.cancelled()) return CompletableFuture.completedFuture(new RestoreResult.Cancelled("before criu started"));
                RestoreRunner.Job job = request.waitForPids().isEmpty()
                        ? runner.restore(request.plan(), forward)
                        : runner.waitThenRestore(request.plan(), request.waitForPids(), request.waitAtMost(), forward);
                cancel.attach(job);
                return job.outcome().thenApply(LocalCriuRuns::result);
            });
        }
        HostOperation<RestoreResult> op = cancel.operation(result);
        track.accept(op);
        return op;
    }

    /** The gate refused the folder: the person is told why and asked to confirm. */
    private static RestoreResult needsConfirmation(RestoreGate.Verdict v, Consumer<HostEvent> ev) {
        ev.accept(new HostEvent.Step("trust", v.explain(), Instant.now()));
        return new RestoreResult.NeedsConfirmation(v);
    }

    private static RestoreResult result(RestoreOutcome o) {
        if (o instanceof RestoreOutcome.Restored r) {
            return new RestoreResult.Restored(r.rootPid(), r.pids(), new LocalKeptWiring(r.wiring()), r.result());
        }
        if (o instanceof RestoreOutcome.PidTaken t) return new RestoreResult.PidTaken(t.pids(), t.why(), t.result());
        if (o instanceof RestoreOutcome.Failed f) return new RestoreResult.Failed(f.why(), f.result());
        if (o instanceof RestoreOutcome.Held h) return new RestoreResult.Failed(h.why(), null);
        return new RestoreResult.Cancelled(((RestoreOutcome.Cancelled) o).how());
    }
}
