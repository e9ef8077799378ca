package org.criuatlas.restore;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuRequest;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.SpareWorkers;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs restores of a {@link RestoreWiringPlan} on a background executor: builds the wiring, runs
 * criu over RPC with the criu ends handed in, and starts the kept ends' destinations once the tree
 * runs. The image dir is never written: criu's log and stats go to the plan's work dir (a fresh temp
 * dir when it names none).
 */
public final class RestoreRunner {
    private static final System.Logger LOG = System.getLogger(RestoreRunner.class.getName());
    /** How long one wait for a taken pid lasts before the job looks whether it was cancelled. */
    static final Duration PID_WAIT_SLICE = Duration.ofMillis(100);

    private final Path criu;
    private final Executor background;
    private final SpareWorkers spares;

    public RestoreRunner(Path criu, Executor background) {
        this(criu, background, SpareWorkers.none());
    }

    /** With criu's worker taken from {@code spares} when one fits (a restore that hands criu no fds). */
    public RestoreRunner(Path criu, Executor background, SpareWorkers spares) {
        this.criu = criu;
        this.background = background;
        this.spares = spares;
    }

    /** A running (or finished) restore. */
    public static final class Job {
        private final CompletableFuture<RestoreOutcome> outcome = new CompletableFuture<>();
        private volatile boolean cancelled;
        private volatile CriuSession session;

        public CompletableFuture<RestoreOutcome> outcome() { return outcome; }

        public boolean cancelRequested() { return cancelled; }

        /**
         * Stops the job at whatever stage it is in: a wait ends, criu is told to give up (it kills
         * what it restored), and a restore that finished meanwhile is killed: the outcome is then
         * {@link RestoreOutcome.Cancelled}, never a half restore reported as success.
         */
        public void cancel() {
            cancelled = true;
            CriuSession s = session;
            if (s != null) s.cancel();
        }
    }

    public Job restore(RestoreWiringPlan plan, Consumer<RestoreEvent> events) {
        return submit(plan, List.of(), Duration.ZERO, events, () -> null);
    }

    /**
     * Restores once {@code gate} lets it: the work dir and the wiring are prepared while the gate
     * decides (e.g. a trust check running on another thread), and {@code gate} is asked, on the
     * job's thread, right before criu would be started; criu starts only when it answers null. Any
     * other answer ends the job as {@link RestoreOutcome.Held} with that answer, criu never started
     * and the wiring closed.
     */
    public Job restore(RestoreWiringPlan plan, Consumer<RestoreEvent> events, Supplier<String> gate) {
        return submit(plan, List.of(), Duration.ZERO, events, gate);
    }

    /** Waits until none of {@code pids} exists (at most {@code timeout}), then restores. */
    public Job waitThenRestore(RestoreWiringPlan plan, List<Integer> pids, Duration timeout, Consumer<RestoreEvent> events) {
        return submit(plan, pids, timeout, events, () -> null);
    }

    private Job submit(RestoreWiringPlan plan, List<Integer> waitFor, Duration timeout, Consumer<RestoreEvent> events,
                       Supplier<String> gate) {
        Job job = new Job();
        Consumer<RestoreEvent> ev = events == null ? e -> {} : e -> {
            try {
                events.accept(e);
            } catch (RuntimeException ignored) {
                // a broken listener must not break the restore
            }
        };
        try {
            background.execute(() -> {
                try {
                    RestoreOutcome o = run(job, plan, waitFor, timeout, ev, gate);
                    LOG.log(System.Logger.Level.INFO, () -> "restore of " + plan.imagesDir() + " ended: " + o);
                    job.outcome.complete(o);
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, "restore of " + plan.imagesDir() + " failed unexpectedly", t);
                    job.outcome.complete(new RestoreOutcome.Failed("unexpected error: " + t, null));
                }
            });
        } catch (RuntimeException e) {
            job.outcome.complete(new RestoreOutcome.Failed("could not start the restore: " + e.getMessage(), null));
        }
        return job;
    }

    private RestoreOutcome run(Job job, RestoreWiringPlan plan, List<Integer> waitFor, Duration timeout, Consumer<RestoreEvent> ev,
                               Supplier<String> gate) {
        if (!waitFor.isEmpty()) {
            ev.accept(step("waiting", "waiting until pid " + waitFor + " is free (at most " + timeout.toSeconds() + " s)"));
            Instant end = Instant.now().plus(timeout);
            List<Integer> taken;
            while (!(taken = stillTaken(waitFor)).isEmpty()) {
                if (job.cancelled) return new RestoreOutcome.Cancelled("cancelled while waiting for pid " + taken + " to be free");
                if (Instant.now().isAfter(end))
                    return new RestoreOutcome.Failed("pid " + taken + " is still in use after " + timeout.toSeconds() + " s", null);
                Processes.awaitEnd(taken.get(0), PID_WAIT_SLICE); // woken when it ends; bounded to notice Cancel
            }
            ev.accept(step("pids free", "pid " + waitFor + " is free"));
        }
        if (job.cancelled) return new RestoreOutcome.Cancelled("cancelled before the restore started");
        Path madeWorkDir = null;
        if (plan.workDir() == null) {
            try {
                plan = plan.withWorkDir(madeWorkDir = Files.createTempDirectory("criu-atlas-restore-"));
            } catch (IOException e) {
                return new RestoreOutcome.Failed("cannot create a work dir for criu's log: " + e.getMessage(), null);
            }
        }
        GateAnswer answer = new GateAnswer(gate, madeWorkDir);
        // a blocked plan still hears the gate first; a wiring that connects out (a relay to a socket path) is built only
        // once the gate let it
        boolean connectsOut = plan.inheritRows().stream().anyMatch(r -> r.destination().kind() == Destination.Kind.UNIX_PATH);
        if (plan.blocked() || connectsOut) {
            RestoreOutcome h = answer.hold(null);
            if (h != null) return h;
        }
        if (plan.blocked()) return new RestoreOutcome.Failed("the wiring is not complete: " + String.join("; ", plan.blockingReasons()), null);

        ev.accept(step("wiring", "building " + plan.inheritRows().size() + " replacement(s)"));
        PreparedWiring wiring;
        try {
            wiring = PreparedWiring.prepare(plan);
        } catch (RuntimeException e) {
            return new RestoreOutcome.Failed("the wiring could not be built: " + e.getMessage(), null);
        }
        RestoreOutcome h = answer.hold(wiring);
        if (h != null) return h;
        CriuResult result;
        EarlyTree early = new EarlyTree();
        try {
            if (job.cancelled) {
                wiring.close();
                return new RestoreOutcome.Cancelled("cancelled before criu started");
            }
            ev.accept(step("criu", "criu restore from " + plan.imagesDir() + " (log: " + plan.workDir().resolve(RestoreWiringPlan.LOG_FILE) + ")"));
            final PreparedWiring w = wiring;
            CriuSession s = CriuSession.start(criu, CriuRequest.RESTORE, plan.options(), wiring.handIn(), e -> {
                // criu holds its copies once it talks to us: ours must go, or an end would never see EOF
                if (e instanceof CriuEvent.Stage st) {
                    w.criuStarted();
                    early.stage(st);
                }
                ev.accept(new RestoreEvent.Criu(e, e.at()));
            }, spares);
            job.session = s;
            if (job.cancelled) s.cancel();
            try (s) {
                result = s.await();
            }
        } catch (CriuException.Cancelled e) {
            wiring.close();
            return new RestoreOutcome.Cancelled(e.getMessage());
        } catch (RuntimeException e) {
            wiring.close();
            return new RestoreOutcome.Failed(e.getMessage(), null);
        }
        wiring.criuStarted();
        if (!result.success()) {
            wiring.close();
            if (job.cancelled) return new RestoreOutcome.Cancelled("criu was told to stop and gave up");
            List<Integer> taken = result.diagnoses().stream().filter(d -> d.kind() == CriuErrorKind.PID_TAKEN)
                    .flatMap(d -> d.pids().stream()).distinct().toList();
            String why = result.diagnoses().isEmpty() ? "criu restore failed" + (result.crErrmsg() != null ? ": " + result.crErrmsg() : "")
                    : result.diagnoses().get(0).text();
            if (!taken.isEmpty()) return new RestoreOutcome.PidTaken(taken, why, result);
            return new RestoreOutcome.Failed(why, result);
        }
        int root = result.restoredPid() == null ? -1 : result.restoredPid();
        List<Integer> pids = root > 0 ? early.pids(root) : List.of();
        if (job.cancelled) {
            wiring.close();
            killAll(pids);
            return new RestoreOutcome.Cancelled("the restore had finished when Cancel arrived; the restored processes " + pids + " were killed");
        }
        ev.accept(step("destinations", "starting the kept ends"));
        Wiring live;
        try {
            live = wiring.start();
        } catch (RuntimeException e) {
            wiring.close();
            killAll(pids);
            return new RestoreOutcome.Failed("restored, but " + e.getMessage() + "; the restored processes " + pids
                    + " were killed so nothing half-wired keeps running", result);
        }
        ev.accept(step("restored", "root pid " + root + ", " + pids.size() + " process(es)"));
        return new RestoreOutcome.Restored(root, pids, live, result);
    }

    /** The caller's gate, asked once: null when criu may start, else how the job ends (wiring closed, work dir removed). */
    private static final class GateAnswer {
        private final Supplier<String> gate;
        private final Path madeWorkDir;
        private boolean asked;
        private RestoreOutcome outcome;

        GateAnswer(Supplier<String> gate, Path madeWorkDir) {
            this.gate = gate;
            this.madeWorkDir = madeWorkDir;
        }

        RestoreOutcome hold(PreparedWiring wiring) {
            if (!asked) {
                asked = true;
                try {
                    String held = gate.get();
                    if (held != null) outcome = new RestoreOutcome.Held(held);
                } catch (RuntimeException e) {
                    outcome = new RestoreOutcome.Failed("the check before criu failed: " + e.getMessage(), null);
                }
            }
            if (outcome == null) return null;
            if (wiring != null) wiring.close();
            if (madeWorkDir != null) {
                try {
                    Files.deleteIfExists(madeWorkDir); // still empty: criu never ran
                } catch (IOException ignored) {
                    // an empty temp dir left behind
                }
            }
            return outcome;
        }
    }

    /**
     * The restored tree read from /proc as soon as criu says its tasks run (the {@code post-resume}
     * notification; the root's pid came with {@code post-restore}), while criu still writes its
     * statistics, closes its log and exits: the walk no longer waits for all that. Used only when
     * the root criu finally names is the one walked; otherwise (no such notification) the tree is
     * read after the result as before.
     */
    private static final class EarlyTree {
        private volatile int root = -1;
        private volatile CompletableFuture<List<Integer>> walk;

        void stage(CriuEvent.Stage st) {
            if ("post-restore".equals(st.name()) && st.pid() != null) root = st.pid();
            int r = root;
            if ("post-resume".equals(st.name()) && r > 0 && walk == null) {
                // a thread of its own: the job's executor may have no other thread (the job waits on it)
                walk = CompletableFuture.supplyAsync(() -> tree(r), task -> {
                    Thread t = new Thread(task, "restore-tree-walk");
                    t.setDaemon(true);
                    t.start();
                });
            }
        }

        List<Integer> pids(int finalRoot) {
            CompletableFuture<List<Integer>> w = walk;
            if (w == null || root != finalRoot) return tree(finalRoot);
            try {
                return w.join();
            } catch (RuntimeException e) {
                return tree(finalRoot);
            }
        }
    }

    private static RestoreEvent.Step step(String name, String detail) {
        LOG.log(System.Logger.Level.INFO, () -> "restore " + name + ": " + detail);
        return new RestoreEvent.Step(name, detail, Instant.now());
    }

    /** The pids of {@code pids} that still exist (a zombie still holds its pid); ended children of ours are reaped. */
    public static List<Integer> stillTaken(List<Integer> pids) {
        return Processes.stillPresent(pids);
    }

    /** {@code root} and its descendants, from /proc. */
    public static List<Integer> tree(int root) {
        return LiveProcesses.subtree(root);
    }

    /** SIGKILL every pid (children first) and reap those that are ours; waits at most 5 s for them to go. */
    public static void killAll(List<Integer> pids) {
        Processes.killAll(pids, Duration.ofSeconds(5));
    }
}
