package org.criuatlas.restore;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs restores of a {@link RestoreWiringPlan} on a background executor: builds the wiring, runs
 * criu over RPC with the criu ends handed in, and starts the kept ends' destinations once the tree
 * runs. The image dir is never written: criu's log and stats go to the plan's work dir (a fresh temp
 * dir when it names none).
 */
public final class RestoreRunner {
    /** How often a wait for a taken pid looks at /proc. */
    static final Duration PID_POLL = Duration.ofMillis(100);

    private final Path criu;
    private final Executor background;

    public RestoreRunner(Path criu, Executor background) {
        this.criu = criu;
        this.background = background;
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
        return submit(plan, List.of(), Duration.ZERO, events);
    }

    /** Waits until none of {@code pids} exists (at most {@code timeout}), then restores. */
    public Job waitThenRestore(RestoreWiringPlan plan, List<Integer> pids, Duration timeout, Consumer<RestoreEvent> events) {
        return submit(plan, pids, timeout, events);
    }

    private Job submit(RestoreWiringPlan plan, List<Integer> waitFor, Duration timeout, Consumer<RestoreEvent> events) {
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
                    job.outcome.complete(run(job, plan, waitFor, timeout, ev));
                } catch (Throwable t) {
                    job.outcome.complete(new RestoreOutcome.Failed("unexpected error: " + t, null));
                }
            });
        } catch (RuntimeException e) {
            job.outcome.complete(new RestoreOutcome.Failed("could not start the restore: " + e.getMessage(), null));
        }
        return job;
    }

    private RestoreOutcome run(Job job, RestoreWiringPlan plan, List<Integer> waitFor, Duration timeout, Consumer<RestoreEvent> ev) {
        if (!waitFor.isEmpty()) {
            ev.accept(step("waiting", "waiting until pid " + waitFor + " is free (at most " + timeout.toSeconds() + " s)"));
            Instant end = Instant.now().plus(timeout);
            List<Integer> taken;
            while (!(taken = stillTaken(waitFor)).isEmpty()) {
                if (job.cancelled) return new RestoreOutcome.Cancelled("cancelled while waiting for pid " + taken + " to be free");
                if (Instant.now().isAfter(end))
                    return new RestoreOutcome.Failed("pid " + taken + " is still in use after " + timeout.toSeconds() + " s", null);
                sleep(PID_POLL);
            }
            ev.accept(step("pids free", "pid " + waitFor + " is free"));
        }
        if (job.cancelled) return new RestoreOutcome.Cancelled("cancelled before the restore started");
        if (plan.workDir() == null) {
            try {
                plan = plan.withWorkDir(Files.createTempDirectory("criu-atlas-restore-"));
            } catch (IOException e) {
                return new RestoreOutcome.Failed("cannot create a work dir for criu's log: " + e.getMessage(), null);
            }
        }
        if (plan.blocked()) return new RestoreOutcome.Failed("the wiring is not complete: " + String.join("; ", plan.blockingReasons()), null);

        ev.accept(step("wiring", "building " + plan.inheritRows().size() + " replacement(s)"));
        PreparedWiring wiring;
        try {
            wiring = PreparedWiring.prepare(plan);
        } catch (RuntimeException e) {
            return new RestoreOutcome.Failed("the wiring could not be built: " + e.getMessage(), null);
        }
        CriuResult result;
        try {
            if (job.cancelled) return new RestoreOutcome.Cancelled("cancelled before criu started");
            ev.accept(step("criu", "criu restore from " + plan.imagesDir() + " (log: " + plan.workDir().resolve(RestoreWiringPlan.LOG_FILE) + ")"));
            final PreparedWiring w = wiring;
            CriuSession s = CriuSession.restore(criu, plan.options(), wiring.handIn(), e -> {
                // criu holds its copies once it talks to us: ours must go, or an end would never see EOF
                if (e instanceof CriuEvent.Stage) w.criuStarted();
                ev.accept(new RestoreEvent.Criu(e, e.at()));
            });
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
            List<Integer> taken = result.diagnoses().stream().filter(d -> d.kind() == CriuDiagnosis.Kind.PID_TAKEN)
                    .flatMap(d -> d.pids().stream()).distinct().toList();
            String why = result.diagnoses().isEmpty() ? "criu restore failed" + (result.crErrmsg() != null ? ": " + result.crErrmsg() : "")
                    : result.diagnoses().get(0).text();
            if (!taken.isEmpty()) return new RestoreOutcome.PidTaken(taken, why, result);
            return new RestoreOutcome.Failed(why, result);
        }
        int root = result.restoredPid() == null ? -1 : result.restoredPid();
        List<Integer> pids = root > 0 ? tree(root) : List.of();
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

    private static RestoreEvent.Step step(String name, String detail) {
        return new RestoreEvent.Step(name, detail, Instant.now());
    }

    /** The pids of {@code pids} that still exist (a zombie still holds its pid). */
    public static List<Integer> stillTaken(List<Integer> pids) {
        List<Integer> left = new ArrayList<>();
        for (int p : pids) {
            try {
                LibC.waitpid(p, LibC.WNOHANG); // reap it if it is ours (CRIU Atlas may be a subreaper)
            } catch (LibC.SyscallException ignored) {
                // not our child: its parent reaps it
            }
            if (Files.exists(Path.of("/proc", Integer.toString(p)))) left.add(p);
        }
        return left;
    }

    /** {@code root} and its descendants, from /proc. */
    public static List<Integer> tree(int root) {
        Set<Integer> out = new LinkedHashSet<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty() && out.size() < 100_000) {
            int pid = todo.removeFirst();
            if (!Files.isDirectory(Path.of("/proc", Integer.toString(pid))) || !out.add(pid)) continue;
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    String kids = Files.readString(t.resolve("children")).trim();
                    if (!kids.isEmpty()) for (String k : kids.split("\\s+")) todo.add(Integer.parseInt(k));
                }
            } catch (IOException | RuntimeException ignored) {
                // gone meanwhile
            }
        }
        return List.copyOf(out);
    }

    /** SIGKILL every pid (children first) and reap those that are ours. */
    public static void killAll(List<Integer> pids) {
        List<Integer> order = new ArrayList<>(pids);
        java.util.Collections.reverse(order);
        for (int p : order) if (p > 1) LibC.kill(p, LibC.SIGKILL);
        Instant end = Instant.now().plus(Duration.ofSeconds(5));
        while (!stillTaken(pids).isEmpty() && Instant.now().isBefore(end)) sleep(Duration.ofMillis(20));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
