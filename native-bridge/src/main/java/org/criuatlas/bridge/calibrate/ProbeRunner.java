package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.calibrate.ProbeCatalogue.Kind;
import org.criuatlas.bridge.calibrate.ProbeCatalogue.Variant;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuRequest;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.TempDirs;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologyException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs the probes of one kind: builds its process tree with atlas-topo, dumps it with each variant
 * through a {@link CriuSession} and records what happened, with evidence read independently of
 * CRIU's reply (the tree's states before and after, the image files, CRIU's own log).
 */
final class ProbeRunner {
    private static final System.Logger LOG = System.getLogger(ProbeRunner.class.getName());

    private static final Duration TOPOLOGY_TIMEOUT = Duration.ofSeconds(20);
    /** Errors and warnings only: the first error line is all a cell needs, and -v4 logs cost time to follow. */
    static final int LOG_LEVEL = 2;

    private final Path criu;
    private final Path workRoot;
    private final Duration criuTimeout;
    private final CalibrationRun run;
    private final ProbeObserver observer;

    ProbeRunner(Path criu, Path workRoot, Duration criuTimeout, CalibrationRun run, ProbeObserver observer) {
        this.criu = criu;
        this.workRoot = workRoot;
        this.criuTimeout = criuTimeout;
        this.run = run;
        this.observer = observer == null ? ProbeObserver.NONE : observer;
    }

    /** The variants without restore, one after the other on one tree (every dump leaves it running). */
    void runShared(Kind kind, List<Variant> variants, Consumer<CalibrationEntry> done) {
        if (run.isCancelled()) {
            variants.forEach(v -> done.accept(cancelled(kind, v)));
            return;
        }
        Topology t;
        long t0 = System.nanoTime();
        try {
            t = Topology.start(kind.topologySpec(), TOPOLOGY_TIMEOUT);
        } catch (TopologyException e) {
            variants.forEach(v -> done.accept(unavailable(kind, v, e)));
            return;
        }
        debug(kind.id() + " topology up", t0);
        try (t) {
            for (Variant v : variants) done.accept(run.isCancelled() ? cancelled(kind, v) : dump(kind, v, t, true).entry());
            t0 = System.nanoTime();
        }
        debug(kind.id() + " topology closed", t0);
    }

    /** A restore variant: its own tree, dumped without --leave-running, restored, compared. */
    CalibrationEntry runRestore(Kind kind, Variant v) {
        if (run.isCancelled()) return cancelled(kind, v);
        Topology t;
        try {
            t = Topology.start(kind.topologySpec(), TOPOLOGY_TIMEOUT);
        } catch (TopologyException e) {
            return unavailable(kind, v, e);
        }
        int restoredRoot = -1;
        try (t) {
            int root = t.pid(rootOf(kind, v));
            TreeSnapshot before = TreeSnapshot.of(root);
            Set<Integer> pids = before.processes().keySet();
            long t0 = System.nanoTime();
            Dumped d = dump(kind, v, t, false);
            debug(kind.id() + "/" + v.id() + " dumped", t0);
            t0 = System.nanoTime();
            CalibrationEntry e = d.entry();
            if (e.outcome() != Outcome.dumped) return with(e, null, null, "not restored: the dump did not succeed");
            if (!awaitGone(pids, Duration.ofSeconds(10)))
                return with(e, Outcome.unknown, null, "not restored: the dumped processes did not go away");
            debug(kind.id() + "/" + v.id() + " gone", t0);
            t0 = System.nanoTime();
            if (run.isCancelled()) return with(e, Outcome.cancelled, null, null);
            CriuOptions ro = v.options().applyTo(CriuOptions.defaults().withImagesDir(d.images()).withRestoreSibling(true)
                    .withNotifyScripts(false).withLogLevel(LOG_LEVEL).withLogFile("restore.log"), t);
            Outcome outcome;
            String note = null;
            CriuSession s = CriuSession.restore(criu, ro, Map.of(), null);
            run.register(s);
            try {
                CriuResult r = s.await(criuTimeout);
                t.adopt(pids);
                if (r.restoredPid() != null) restoredRoot = r.restoredPid();
                if (r.success()) {
                    List<String> diff = before.differences(TreeSnapshot.of(root));
                    outcome = diff.isEmpty() ? Outcome.restored : Outcome.restored_different;
                    if (!diff.isEmpty()) note = String.join("; ", diff.subList(0, Math.min(3, diff.size())));
                } else {
                    outcome = Outcome.failed;
                }
            } catch (CriuException.WorkerDied x) {
                outcome = Outcome.crashed;
                note = "restore: criu ended without a reply (" + x.exit() + ")";
            } catch (CriuException x) {
                outcome = run.isCancelled() ? Outcome.cancelled : Outcome.unknown;
                note = "restore: " + x.getMessage();
            } finally {
                run.unregister(s);
                t.adopt(pids);
                // Tear the restored tree down before the topology does: children first, so the
                // restored root (alive) reaps them, then the root, our child (restore-sibling),
                // which only we can reap. Orphans would go to init, which reaps slowly here.
                killRestored(root, pids, restoredRoot);
                restoredRoot = -1;
            }
            debug(kind.id() + "/" + v.id() + " restored and compared", t0);
            return with(e, outcome, FirstError.of(d.images().resolve("restore.log")), note);
        } finally {
            long t1 = System.nanoTime();
            // the restored root is our child (restore-sibling): reap it once the topology killed the tree
            if (restoredRoot > 0) reap(restoredRoot);
            TempDirs.deleteQuietly(workRoot.resolve(dirName(kind, v)));
            debug(kind.id() + "/" + v.id() + " cleaned up", t1);
        }
    }

    private record Dumped(CalibrationEntry entry, Path images) {}

    private Dumped dump(Kind kind, Variant v, Topology t, boolean leaveRunning) {
        Path images = workRoot.resolve(dirName(kind, v));
        int root = t.pid(rootOf(kind, v));
        Map<Integer, Character> before = CriuSession.treeStates(root);
        CriuOptions o = v.options().applyTo(CriuOptions.defaults().withPid(root).withImagesDir(images)
                .withLeaveRunning(leaveRunning).withNotifyScripts(false).withLogLevel(LOG_LEVEL), t);
        Outcome outcome;
        String note = null;
        long start = System.nanoTime();
        CriuSession s = CriuSession.dump(criu, o, null);
        run.register(s);
        try {
            outcome = s.await(criuTimeout).success() ? Outcome.dumped : Outcome.failed;
        } catch (CriuException.WorkerDied x) {
            outcome = Outcome.crashed;
            note = "criu ended without a reply (" + x.exit() + ")";
        } catch (CriuException x) {
            outcome = run.isCancelled() ? Outcome.cancelled : Outcome.unknown;
            note = x.getMessage();
        } finally {
            run.unregister(s);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        boolean intact = sameStates(before);
        CalibrationEntry e = new CalibrationEntry(kind.id(), v.id(), v.role(), v.options().flags(), outcome,
                FirstError.of(images.resolve(CriuRequest.DUMP.defaultLogFile())), intact,
                imageFiles(images), millis, null, null, note);
        try {
            observer.afterDump(e, t, images, root);
        } catch (Exception | AssertionError x) {
            run.observerFailed(x);
        }
        if (leaveRunning) TempDirs.deleteQuietly(images);
        return new Dumped(e, images);
    }

    static void debug(String what, long since) {
        if (LOG.isLoggable(System.Logger.Level.DEBUG))
            LOG.log(System.Logger.Level.DEBUG, "calibrate: {0} in {1} ms", what, (System.nanoTime() - since) / 1_000_000);
    }

    private static String rootOf(Kind kind, Variant v) {
        return v.root() != null ? v.root() : kind.root();
    }

    private static String dirName(Kind kind, Variant v) {
        return kind.id() + "." + v.id();
    }

    /** Every process runs in the state it had (running counts as one state: S, R and D). */
    private static boolean sameStates(Map<Integer, Character> before) {
        for (var e : before.entrySet()) {
            Character now = CriuSession.state(e.getKey());
            if (now == null || norm(now) != norm(e.getValue())) return false;
        }
        return true;
    }

    private static char norm(char st) {
        return st == 'R' || st == 'D' ? 'S' : st;
    }

    private static int imageFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(".img")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean awaitGone(Set<Integer> pids, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            boolean any = false;
            for (int pid : pids) {
                Character st = CriuSession.state(pid);
                if (st != null && st != 'Z') any = true;
            }
            // zombies hold their pid too: a restore with the same pids waits for the reaper
            if (!any && pids.stream().allMatch(p -> CriuSession.state(p) == null)) return true;
            pause();
        }
        return false;
    }

    private static void killRestored(int root, Set<Integer> pids, int restoredRoot) {
        for (int pid : pids) if (pid != root) LibC.kill(pid, LibC.SIGKILL);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline && pids.stream().anyMatch(p -> p != root && alive(p))) pause();
        LibC.kill(root, LibC.SIGKILL);
        if (restoredRoot > 0) reap(restoredRoot);
    }

    /** Running or stopped, not a zombie; the state read once (read twice, a task that ends in between made it null). */
    private static boolean alive(int pid) {
        Character st = CriuSession.state(pid);
        return st != null && st != 'Z';
    }

    private static void reap(int pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (LibC.waitpid(pid, LibC.WNOHANG) != null) return;
                pause();
            }
        } catch (LibC.SyscallException ignored) {
            // not our child (any more)
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CalibrationEntry with(CalibrationEntry e, Outcome restore, FirstError restoreError, String note) {
        return new CalibrationEntry(e.kind(), e.variant(), e.role(), e.flags(), e.outcome(), e.error(), e.treeIntact(),
                e.imageFiles(), e.millis(), restore, restoreError, note != null ? note : e.note());
    }

    private static CalibrationEntry cancelled(Kind kind, Variant v) {
        return new CalibrationEntry(kind.id(), v.id(), v.role(), v.options().flags(), Outcome.cancelled, null, true, 0, 0,
                null, null, null);
    }

    private static CalibrationEntry unavailable(Kind kind, Variant v, TopologyException e) {
        String why = e.getMessage() == null ? "atlas-topo failed" : e.getMessage().replaceAll("\\s+", " ").strip();
        return new CalibrationEntry(kind.id(), v.id(), v.role(), v.options().flags(), Outcome.unavailable, null, true, 0, 0,
                null, null, "the probe could not be built: " + why);
    }

    static List<Variant> shared(Kind k) {
        List<Variant> out = new ArrayList<>();
        for (Variant v : k.variants()) if (!v.restore()) out.add(v);
        return out;
    }
}
