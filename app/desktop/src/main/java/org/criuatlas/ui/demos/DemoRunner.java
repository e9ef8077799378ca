package org.criuatlas.ui.demos;

import org.criuatlas.bridge.criu.TempDirs;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologyException;
import org.criuatlas.restore.RestoreRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts and stops demos on a background thread. Never leaks processes: {@link #stop} kills and
 * reaps the whole tree (and any process restored from it that was {@link #adopt adopted}),
 * {@link #close} stops every demo, a JVM shutdown hook does the same as a last resort, and if the
 * JVM dies outright the topology director sees EOF on its stdin and tears the tree down itself.
 * One run per demo at a time: starting a demo that runs returns the running one.
 */
public final class DemoRunner implements AutoCloseable {
    /** What changed, for views that show the state of a demo. */
    public enum State { STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    /** A change of one demo's state; {@code started} is set while it runs, {@code error} when it failed. */
    public record Change(Demo demo, State state, StartedDemo started, Throwable error) {}

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ExecutorService background;
    private final boolean ownsBackground;
    /** Runs by demo id, in start order. */
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final List<java.util.function.Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    /** One run: {@code ready} completes once the tree is up; {@code gone} once it is torn down after a stop. */
    private record Run(Demo demo, CompletableFuture<StartedDemo> ready, CompletableFuture<Void> gone) {
        Run(Demo demo) {
            this(demo, new CompletableFuture<>(), new CompletableFuture<>());
        }

        boolean up() {
            return ready.isDone() && !ready.isCompletedExceptionally();
        }
    }

    public DemoRunner() {
        this(newBackground(), true);
    }

    /** With a caller's executor (tests); it is not shut down by {@link #close}. */
    public DemoRunner(ExecutorService background) {
        this(background, false);
    }

    private DemoRunner(ExecutorService background, boolean owns) {
        this.background = background;
        this.ownsBackground = owns;
        this.shutdownHook = new Thread(this::stopAllQuietly, "demo-runner-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Called on a background thread for every state change; marshal to the UI thread yourself. */
    public void addListener(java.util.function.Consumer<Change> l) {
        listeners.add(l);
    }

    public void removeListener(java.util.function.Consumer<Change> l) {
        listeners.remove(l);
    }

    /** Starts {@code demo} in the background (or returns its run when it is already starting or running). */
    public synchronized CompletableFuture<StartedDemo> start(Demo demo) {
        if (closed) return CompletableFuture.failedFuture(new IllegalStateException("the demo runner is closed"));
        Run existing = runs.get(demo.id());
        if (existing != null) return existing.ready();
        Run run = new Run(demo);
        runs.put(demo.id(), run);
        fire(new Change(demo, State.STARTING, null, null));
        background.execute(() -> {
            StartedDemo s;
            try {
                s = launch(demo);
            } catch (Throwable t) {
                synchronized (this) {
                    runs.remove(demo.id(), run);
                }
                run.ready().completeExceptionally(t);
                run.gone().complete(null);
                fire(new Change(demo, State.FAILED, null, t));
                return;
            }
            if (run.ready().complete(s)) {
                fire(new Change(demo, State.RUNNING, s, null));
                return;
            }
            // stopped while it was starting: tear down what just came up
            teardown(run, s);
        });
        return run.ready();
    }

    /** The run of {@code demo} if it is running now. */
    public synchronized Optional<StartedDemo> running(Demo demo) {
        Run r = runs.get(demo.id());
        return r != null && r.up() ? Optional.of(r.ready().join()) : Optional.empty();
    }

    /** Every demo running now, in start order. */
    public synchronized List<StartedDemo> running() {
        List<StartedDemo> out = new ArrayList<>();
        for (Run r : runs.values()) if (r.up()) out.add(r.ready().join());
        return out;
    }

    /**
     * Stops {@code demo} in the background: kills and reaps its processes (restored ones it adopted
     * too) and removes its directories. The future completes when all of that is done.
     */
    public CompletableFuture<Void> stop(Demo demo) {
        Run r;
        synchronized (this) {
            r = runs.remove(demo.id());
        }
        if (r == null) return CompletableFuture.completedFuture(null);
        if (!r.ready().isDone()) {
            // still starting: the starter sees the cancel and tears the tree down as soon as it is up
            fire(new Change(demo, State.STOPPING, null, null));
            r.ready().cancel(false);
            return r.gone();
        }
        if (!r.up()) return r.gone();
        StartedDemo s = r.ready().join();
        fire(new Change(demo, State.STOPPING, s, null));
        background.execute(() -> teardown(r, s));
        return r.gone();
    }

    /** Processes CRIU restored from this demo's dump are no children of its tree: kill them too when it stops. */
    public void adopt(StartedDemo demo, Collection<Integer> pids) {
        if (pids != null && !pids.isEmpty()) demo.topology().adopt(pids);
    }

    /**
     * Hands pids a restore produced to the demo they came from: the one whose tree had the same
     * pids (CRIU restores with the dumped pids), else the demo started last. Returns the demo, if any.
     */
    public synchronized Optional<StartedDemo> adoptRestored(Collection<Integer> pids) {
        if (pids == null || pids.isEmpty()) return Optional.empty();
        List<StartedDemo> all = running();
        if (all.isEmpty()) return Optional.empty();
        StartedDemo target = all.get(all.size() - 1);
        for (StartedDemo s : all) {
            Set<Integer> known = s.knownPids();
            if (pids.stream().anyMatch(known::contains)) target = s;
        }
        adopt(target, pids);
        return Optional.of(target);
    }

    /** Stops every demo and waits until each is torn down (blocking; not on the FX thread). */
    public void stopAll() {
        List<Demo> demos;
        synchronized (this) {
            demos = runs.values().stream().map(Run::demo).toList();
        }
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        for (Demo d : demos) gone.add(stop(d));
        RuntimeException first = null;
        for (CompletableFuture<Void> g : gone) {
            try {
                g.get(START_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) first = e.getCause() instanceof RuntimeException re ? re : new CompletionException(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                if (first == null) first = new TopologyException("a demo did not stop in time");
            }
        }
        if (first != null) throw first;
    }

    /** Stops every demo, removes the shutdown hook and ends the background threads. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        try {
            stopAll();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down: the hook is running or ran
            }
            if (ownsBackground) background.shutdown();
        }
    }

    private void teardown(Run r, StartedDemo s) {
        try {
            stopNow(s);
            r.gone().complete(null);
            fire(new Change(r.demo(), State.STOPPED, null, null));
        } catch (RuntimeException e) {
            r.gone().completeExceptionally(e);
            fire(new Change(r.demo(), State.FAILED, null, e));
        }
    }

    private StartedDemo launch(Demo demo) {
        Path work = null;
        try {
            work = Files.createTempDirectory(tempRoot(), "criu-atlas-demo-" + demo.id() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Topology t = Topology.start(demo.spec().get(), START_TIMEOUT);
            return new StartedDemo(demo, t, work, Instant.now());
        } catch (IOException e) {
            throw new CompletionException(new TopologyException("cannot create the demo's directory: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            TempDirs.deleteQuietly(work);
            throw e;
        }
    }

    /** Kills and reaps the demo's processes, adopted ones included, and removes its directories. */
    static void stopNow(StartedDemo s) {
        Set<Integer> pids = s.knownPids();
        killOwnChildren(pids, s.pids().keySet());
        try {
            s.topology().close();
        } finally {
            // processes restored with --restore-sibling are children of this JVM: reap them
            reap(pids);
            TempDirs.deleteQuietly(s.workDir());
        }
    }

    /**
     * A tree restored with --restore-sibling hangs under this JVM, not under the topology: only we
     * can reap it, so kill those trees (children first) and reap them before the director waits for them.
     */
    private static void killOwnChildren(Collection<Integer> pids, Set<String> names) {
        long self = ProcessHandle.current().pid();
        List<Integer> doomed = new ArrayList<>();
        for (int pid : pids) {
            boolean ours = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(p -> p.pid() == self).orElse(false);
            // restored tasks keep their names; a recycled pid (say, a criu worker of ours) does not
            if (ours && names.contains(comm(pid))) doomed.addAll(RestoreRunner.tree(pid));
        }
        if (!doomed.isEmpty()) RestoreRunner.killAll(doomed);
    }

    /** /proc/PID/comm, or "" when gone; names longer than 15 characters are cut there, as the kernel does. */
    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void reap(Collection<Integer> pids) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Integer> left = RestoreRunner.stillTaken(List.copyOf(pids)); // waitpid(WNOHANG) on each, then /proc
        while (!left.isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            left = RestoreRunner.stillTaken(left);
        }
    }

    private void stopAllQuietly() {
        try {
            stopAll();
        } catch (RuntimeException ignored) {
            // last resort at JVM exit: the director's stdin EOF tears down the rest
        }
    }

    private void fire(Change c) {
        for (var l : listeners) {
            try {
                l.accept(c);
            } catch (RuntimeException ignored) {
                // a broken view must not stop the runner
            }
        }
    }

    private static ExecutorService newBackground() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "demo-runner-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static Path tempRoot() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return Files.isDirectory(tmp) ? tmp : Path.of("/tmp");
    }
}
