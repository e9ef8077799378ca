package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.proto.CriuRpc;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.proc.ProcStat;
import org.criuatlas.bridge.trust.SafeFolders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request to one {@code criu swrk N} worker, run on its own thread from {@link #start}; use
 * {@link #await()} for the result and {@link #cancel()} to stop it. The parts: {@link CriuWorker}
 * (spawn with the fds criu must see, its output, its exit through a pidfd), {@link RpcConversation}
 * (request, notifications answered and reported as stages, the reply whose {@code success} decides),
 * {@link CriuLogFollower} (the log read once while criu writes it, for events, diagnoses and a tail)
 * and {@link FrozenTreeRecovery} (SIGCONT for tasks a killed dump left stopped).
 *
 * <p>Nothing between criu's reply and the result waits on a timer or reads the log again: the
 * worker is reaped as soon as its pidfd says it exited, the follower only reads the last lines,
 * the statistics file is read once and the diagnoses look only at the lines kept for them.
 */
public final class CriuSession implements AutoCloseable {
    /** Written into an images dir while a dump runs; removed only when the dump succeeded. */
    public static final String INCOMPLETE_MARKER = ".criu-atlas-incomplete";

    private final Path criu;
    private final CriuRequest request;
    private final CriuOptions options;
    private final Map<Integer, Integer> handIn;
    private final CriuListener listener;
    private final SpareWorkers spares;
    private final CompletableFuture<CriuResult> result = new CompletableFuture<>();
    private final CompletableFuture<Integer> spawned = new CompletableFuture<>();
    private final Object emitLock = new Object();
    private final Object control = new Object();
    private final List<CriuEvent.Stage> stages = new ArrayList<>();

    private volatile boolean cancelRequested;
    private volatile boolean killRequested;
    private volatile int workerPid = -1;
    private volatile List<Integer> released = List.of();
    private RpcConversation conversation; // guarded by control
    private Path tempDir;

    private CriuSession(Path criu, CriuRequest request, CriuOptions options, Map<Integer, Integer> handIn, CriuListener listener,
                        SpareWorkers spares) {
        this.criu = criu;
        this.spares = spares == null ? SpareWorkers.none() : spares;
        this.request = request;
        this.options = options == null ? CriuOptions.defaults() : options;
        this.handIn = handIn == null ? Map.of() : Map.copyOf(handIn);
        this.listener = listener == null ? CriuListener.NONE : listener;
    }

    // ---- entry points ------------------------------------------------------------------------

    /**
     * Starts a request in the background.
     *
     * @param handIn criu fd number → fd in this process to place there (for inherit-fd); the fds
     *               stay ours (criu gets copies) and must stay open until criu has started
     */
    public static CriuSession start(Path criu, CriuRequest request, CriuOptions options, Map<Integer, Integer> handIn,
                                    CriuListener listener) {
        return start(criu, request, options, handIn, listener, SpareWorkers.none());
    }

    /** As {@link #start(Path, CriuRequest, CriuOptions, Map, CriuListener)}, with a worker from {@code spares} when one fits. */
    public static CriuSession start(Path criu, CriuRequest request, CriuOptions options, Map<Integer, Integer> handIn,
                                    CriuListener listener, SpareWorkers spares) {
        CriuSession s = new CriuSession(criu, request, options, handIn, listener, spares);
        s.validate();
        Thread t = new Thread(s::run, "criu-" + request.word);
        t.setDaemon(true);
        t.start();
        return s;
    }

    public static CriuSession dump(Path criu, CriuOptions options, CriuListener listener) {
        return start(criu, CriuRequest.DUMP, options, Map.of(), listener);
    }

    public static CriuSession restore(Path criu, CriuOptions options, Map<Integer, Integer> handIn, CriuListener listener) {
        return start(criu, CriuRequest.RESTORE, options, handIn, listener);
    }

    /** VERSION, blocking. */
    public static CriuResult version(Path criu) {
        try (CriuSession s = start(criu, CriuRequest.VERSION, null, Map.of(), null)) {
            return s.await(Duration.ofSeconds(30));
        }
    }

    /** CHECK with opts (CRIU ≤ 4.1.1 fails CHECK without them), blocking. */
    public static CriuResult check(Path criu, CriuListener listener) {
        try (CriuSession s = start(criu, CriuRequest.CHECK, CriuOptions.defaults().withLogLevel(4), Map.of(), listener)) {
            return s.await(Duration.ofSeconds(60));
        }
    }

    /** FEATURE_CHECK asking for all three features, blocking. */
    public static CriuResult featureCheck(Path criu) {
        try (CriuSession s = start(criu, CriuRequest.FEATURE_CHECK, null, Map.of(), null)) {
            return s.await(Duration.ofSeconds(30));
        }
    }

    /** Loads what the first request needs on the caller's thread, e.g. one beside picocli's parsing: {@link CriuWarmUp#beforeSession()}. */
    public static void prepare() {
        CriuWarmUp.beforeSession();
    }

    /** True when {@code imagesDir} holds the mark of a dump that did not finish successfully. */
    public static boolean isIncomplete(Path imagesDir) {
        return Files.exists(imagesDir.resolve(INCOMPLETE_MARKER));
    }

    // ---- control -----------------------------------------------------------------------------

    public CriuResult await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            throw interrupted();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** Waits at most {@code timeout}; then cancels and reports the timeout as cancellation. */
    public CriuResult await(Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cancel();
            try {
                result.get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported below
            }
            throw new CriuException.Cancelled(request.word, "no reply within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            throw interrupted();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** A wait for the result was interrupted: the thread stays interrupted and the request is cancelled. */
    private CriuException interrupted() {
        Thread.currentThread().interrupt();
        cancel();
        return new CriuException.Cancelled(request.word, "interrupted");
    }

    public CompletableFuture<CriuResult> future() {
        return result;
    }

    /** Completes with the worker's pid once criu is spawned, or with -1 when the session ends without one; never fails. */
    public CompletableFuture<Integer> spawned() {
        return spawned;
    }

    /**
     * Stops the request. If criu asks for a notification answer within a short grace time, it is
     * answered with failure so criu unwinds cleanly (a dumped tree is released and keeps running);
     * otherwise the worker is killed (SIGKILL to its process group) and reaped. A dump's images dir
     * keeps its incomplete mark either way.
     */
    public void cancel() {
        synchronized (control) {
            if (cancelRequested) return;
            cancelRequested = true;
            if (conversation != null) conversation.cancel();
        }
    }

    /** Kills the worker at once, without waiting for a notification to answer. */
    public void kill() {
        synchronized (control) {
            killRequested = true;
            cancelRequested = true;
            if (conversation != null) conversation.kill();
        }
    }

    public int workerPid() {
        return workerPid;
    }

    public CriuRequest request() {
        return request;
    }

    /** Cancels a still-running request and waits for the worker to be gone. */
    @Override
    public void close() {
        if (!result.isDone()) {
            cancel();
            try {
                result.get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // already reported through await()
            }
        }
    }

    // ---- the session thread ------------------------------------------------------------------

    private void validate() {
        if ((request == CriuRequest.DUMP || request == CriuRequest.RESTORE) && options.imagesDir() == null)
            throw new IllegalArgumentException(request.word + " needs an images directory");
        if (request == CriuRequest.DUMP && options.pid() <= 0)
            throw new IllegalArgumentException("dump needs the pid of the tree's root");
        if (request == CriuRequest.RESTORE && !Files.isDirectory(options.imagesDir()))
            throw new IllegalArgumentException("no images directory at " + options.imagesDir());
        for (var e : handIn.entrySet()) {
            if (e.getKey() < 3) throw new IllegalArgumentException("criu fd " + e.getKey() + " is taken by criu's stdio; use 3 or more");
            if (!LibC.isOpen(e.getValue()))
                throw new IllegalArgumentException("fd " + e.getValue() + " to hand in as criu fd " + e.getKey() + " is not open");
        }
        for (var f : options.inheritFds())
            if (f.criuFd() < 3) throw new IllegalArgumentException("inherit fd " + f.criuFd() + " clashes with criu's stdio; use 3 or more");
    }

    private void run() {
        Instant started = Instant.now();
        int ours = -1, imagesFd = -1, workFd = -1;
        CriuWorker worker = null;
        CriuLogFollower follower = null;
        RpcConversation conv = null;
        FrozenTreeRecovery recovery = FrozenTreeRecovery.none();
        // a dump's tree states, taken while the folder, the log follower and the worker are set up (it walks /proc: ~100 ms
        // for 1,000 processes under load), joined before criu gets the request
        CompletableFuture<FrozenTreeRecovery> snapshot = request == CriuRequest.DUMP ? snapshotAside(options.pid()) : null;
        try {
            Path imagesDir = options.imagesDir();
            Path workDir = options.workDir();
            if (request == CriuRequest.CHECK) {
                tempDir = Files.createTempDirectory("criu-atlas-check");
                imagesDir = tempDir;
            }
            if (request == CriuRequest.DUMP) {
                // new and 0700, or an existing folder of ours nobody else can write into; the marker never through a link
                imagesDir = SafeFolders.prepareDumpFolder(imagesDir);
                SafeFolders.writeMarker(imagesDir, INCOMPLETE_MARKER,
                        "A CRIU Atlas dump into this directory started at " + started + " and has not finished successfully.\n");
            }
            // criu starts (or a spare spawned ahead is taken) while the rest is made here: it acts only on the request
            SpareWorkers.Started w = spares.start(criu, handIn, options.inheritFds().stream().map(CriuOptions.InheritFd::criuFd).toList(),
                    line -> emit(new CriuEvent.Output(line, Instant.now())));
            worker = w.worker();
            ours = w.socket();
            workerPid = worker.pid();
            spawned.complete(workerPid);

            if (workDir != null) Files.createDirectories(workDir);
            boolean needsOpts = request == CriuRequest.CHECK || request == CriuRequest.DUMP || request == CriuRequest.RESTORE;
            String logName = options.logFile() != null ? options.logFile() : request.defaultLogFile();
            if (needsOpts) {
                imagesFd = LibC.openDirectory(imagesDir.toString());
                if (workDir != null) workFd = LibC.openDirectory(workDir.toString());
                Path logFile = (workDir != null ? workDir : imagesDir).resolve(logName);
                follower = CriuLogFollower.start(logFile, l -> emit(new CriuEvent.LogLine(l, Instant.now())));
            }
            CriuRpc.criu_req req = RpcConversation.request(request, options, imagesFd, workFd, logName);
            // criu freezes nothing before it has the request: the walk overlaps its start-up
            if (snapshot != null) recovery = snapshot.join();

            conv = new RpcConversation(ours, worker, this::stage);
            synchronized (control) {
                conversation = conv;
                if (killRequested) conv.kill();
                else if (cancelRequested) conv.cancel();
            }
            if (!cancelRequested) conv.send(req);
            CriuRpc.criu_resp reply = conv.converse();
            Instant replied = Instant.now();
            // the log's lines so far are read while criu exits, not after it (then only its last lines are left)
            if (follower != null) follower.readNow();

            worker.awaitExit(Duration.ofSeconds(10));
            // every line before the result: the follower reads to the end of a finished file, which
            // is quick, but on a loaded machine its (batch-scheduled) thread may wait its turn for
            // seconds (a CI run under load 16 passed 5 s and lost the last lines)
            if (follower != null) follower.finish(60_000);
            worker.awaitOutput(Duration.ofSeconds(2));

            if (reply == null) {
                if (request == CriuRequest.DUMP) {
                    released = recovery.release();
                    if (!released.isEmpty()) worker.note("criu-atlas: sent SIGCONT to tasks the killed dump left stopped: " + released);
                }
                if (cancelRequested) throw new CriuException.Cancelled(request.word, "worker killed, " + worker.describeExit());
                throw new CriuException.WorkerDied(request.word, worker.describeExit(), worker.outputTail(),
                        follower != null ? follower.tail() : List.of());
            }
            List<CriuEvent.Stage> st;
            synchronized (stages) {
                st = List.copyOf(stages);
            }
            CriuResult res = CriuReplies.result(request, options, tempDir == null, reply, follower, worker, st,
                    Duration.between(started, replied));
            if (request == CriuRequest.DUMP && res.success())
                Files.deleteIfExists(options.imagesDir().resolve(INCOMPLETE_MARKER));
            if (cancelRequested && !res.success()) {
                emit(new CriuEvent.Finished(res, Instant.now()));
                throw new CriuException.Cancelled(request.word, "criu was told to stop and gave up cleanly");
            }
            emit(new CriuEvent.Finished(res, Instant.now()));
            result.complete(res);
        } catch (Throwable t) {
            if (worker != null && !worker.reaped()) {
                worker.killAndReap();
                if (request == CriuRequest.DUMP) released = recovery.release();
            }
            // Stopping a worker makes its leftovers (a half-written stats file, a reset socket) fail to read:
            // that is still the cancel the caller asked for.
            if (cancelRequested && !(t instanceof CriuException.Cancelled))
                t = new CriuException.Cancelled(request.word, (killRequested ? "worker killed" : "cancelled")
                        + "; reading what it left failed: " + t, t);
            result.completeExceptionally(t);
        } finally {
            spawned.complete(-1);
            if (follower != null) follower.close();
            if (worker != null) worker.close();
            if (conv != null) conv.close();
            LibC.close(ours);
            LibC.close(imagesFd);
            LibC.close(workFd);
            if (tempDir != null) TempDirs.deleteQuietly(tempDir);
        }
    }

    private static CompletableFuture<FrozenTreeRecovery> snapshotAside(int root) {
        return CompletableFuture.supplyAsync(() -> FrozenTreeRecovery.snapshot(root), r -> {
            Thread t = new Thread(r, "criu-dump-states");
            t.setDaemon(true);
            t.start();
        });
    }

    private void stage(CriuEvent.Stage st) {
        synchronized (stages) {
            stages.add(st);
        }
        emit(st);
    }

    private void emit(CriuEvent e) {
        synchronized (emitLock) {
            try {
                listener.onEvent(e);
            } catch (RuntimeException ignored) {
                // a broken listener must not break the session
            }
        }
    }

    // ---- keeping a dumped tree alive after a killed worker -----------------------------------

    /** pid → state letter for the tree rooted at {@code root} (from /proc). */
    public static Map<Integer, Character> treeStates(int root) {
        return FrozenTreeRecovery.treeStates(root);
    }

    /** The state letter of {@code pid} from /proc/PID/stat ('Z' = zombie), null when it is gone. */
    public static Character state(int pid) {
        return FrozenTreeRecovery.state(pid);
    }

    /** Tasks this session had to continue after killing a dump worker (normally none: the kernel resumes them). */
    public List<Integer> continuedAfterKill() {
        return released;
    }

    private static CriuException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof CriuException ce) return ce;
        if (c instanceof RuntimeException re) return new CriuException(re.getMessage(), re);
        return new CriuException(String.valueOf(c.getMessage()), c);
    }
}
