package org.criuatlas.bridge.criu;

import com.google.protobuf.InvalidProtocolBufferException;
import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.bridge.criu.proto.CriuRpc;
import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.proc.ProcStat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One request to one {@code criu swrk N} worker. The worker gets one end of a SOCK_SEQPACKET
 * socketpair at fd N (and every handed-in fd at its chosen number) through posix_spawn; criu's
 * stdout/stderr are captured; NOTIFY messages are acknowledged and reported as stages; the final
 * reply's {@code success} decides the outcome. Runs on its own thread from {@link #start}; use
 * {@link #await()} for the result and {@link #cancel()} to stop it.
 *
 * <p>Measured on CRIU 4.1.1 / Linux 6.18: SIGKILL of the worker while the dumped tree is frozen
 * (at {@code query-ext-files}) leaves no task stopped: the kernel detaches and wakes a dead tracer's
 * tracees. The session still checks and sends SIGCONT to any task that ran before and is stopped
 * after a killed dump (see {@link #continuedAfterKill()}).
 */
public final class CriuSession implements AutoCloseable {
    /** Written into an images dir while a dump runs; removed only when the dump succeeded. */
    public static final String INCOMPLETE_MARKER = ".criu-atlas-incomplete";

    private static final int OUTPUT_TAIL = 40;
    private static final int LOG_TAIL = 25;
    private static final Duration CANCEL_GRACE = Duration.ofMillis(1500);
    /** After a notification was answered with failure criu unwinds (and thaws the tree) itself: give it time. */
    private static final Duration UNWIND_GRACE = Duration.ofSeconds(20);

    public enum Request {
        VERSION("version"), CHECK("check"), FEATURE_CHECK("feature-check"), DUMP("dump"), RESTORE("restore");
        final String word;
        Request(String word) { this.word = word; }
        public String word() { return word; }
    }

    private final Path criu;
    private final Request request;
    private final CriuOptions options;
    private final Map<Integer, Integer> handIn;
    private final CriuListener listener;
    private final CompletableFuture<CriuResult> result = new CompletableFuture<>();
    private final Object emitLock = new Object();
    private final Deque<String> outputTail = new ArrayDeque<>();
    private final List<CriuEvent.Stage> stages = new ArrayList<>();

    private volatile boolean cancelRequested;
    private volatile boolean killRequested;
    private volatile Instant cancelDeadline;
    private volatile int workerPid = -1;
    private volatile boolean workerReaped;
    private volatile boolean stopTail;
    private Path tempDir;

    private CriuSession(Path criu, Request request, CriuOptions options, Map<Integer, Integer> handIn, CriuListener listener) {
        this.criu = criu;
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
    public static CriuSession start(Path criu, Request request, CriuOptions options, Map<Integer, Integer> handIn,
                                    CriuListener listener) {
        CriuSession s = new CriuSession(criu, request, options, handIn, listener);
        s.validate();
        Thread t = new Thread(s::run, "criu-" + request.word);
        t.setDaemon(true);
        t.start();
        return s;
    }

    public static CriuSession dump(Path criu, CriuOptions options, CriuListener listener) {
        return start(criu, Request.DUMP, options, Map.of(), listener);
    }

    public static CriuSession restore(Path criu, CriuOptions options, Map<Integer, Integer> handIn, CriuListener listener) {
        return start(criu, Request.RESTORE, options, handIn, listener);
    }

    /** VERSION, blocking. */
    public static CriuResult version(Path criu) {
        try (CriuSession s = start(criu, Request.VERSION, null, Map.of(), null)) {
            return s.await(Duration.ofSeconds(30));
        }
    }

    /** CHECK with opts (CRIU ≤ 4.1.1 fails CHECK without them), blocking. */
    public static CriuResult check(Path criu, CriuListener listener) {
        try (CriuSession s = start(criu, Request.CHECK, CriuOptions.defaults().withLogLevel(4), Map.of(), listener)) {
            return s.await(Duration.ofSeconds(60));
        }
    }

    /** FEATURE_CHECK asking for all three features, blocking. */
    public static CriuResult featureCheck(Path criu) {
        try (CriuSession s = start(criu, Request.FEATURE_CHECK, null, Map.of(), null)) {
            return s.await(Duration.ofSeconds(30));
        }
    }

    /** True when {@code imagesDir} holds the mark of a dump that did not finish successfully. */
    public static boolean isIncomplete(Path imagesDir) {
        return Files.exists(imagesDir.resolve(INCOMPLETE_MARKER));
    }

    /** The log file name used when the options name none. */
    public static String defaultLogFile(Request r) {
        return r.word + ".log";
    }

    // ---- control -----------------------------------------------------------------------------

    public CriuResult await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new CriuException.Cancelled(request.word, "interrupted");
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
            Thread.currentThread().interrupt();
            cancel();
            throw new CriuException.Cancelled(request.word, "interrupted");
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    public CompletableFuture<CriuResult> future() {
        return result;
    }

    /**
     * Stops the request. If criu asks for a notification answer within a short grace time, it is
     * answered with failure so criu unwinds cleanly (a dumped tree is released and keeps running);
     * otherwise the worker is killed (SIGKILL to its process group) and reaped. A dump's images dir
     * keeps its incomplete mark either way.
     */
    public void cancel() {
        if (cancelRequested) return;
        cancelDeadline = Instant.now().plus(CANCEL_GRACE);
        cancelRequested = true;
    }

    /** Kills the worker at once, without waiting for a notification to answer. */
    public void kill() {
        cancelDeadline = Instant.now();
        killRequested = true;
        cancelRequested = true;
    }

    public int workerPid() {
        return workerPid;
    }

    public Request request() {
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
        if ((request == Request.DUMP || request == Request.RESTORE) && options.imagesDir() == null)
            throw new IllegalArgumentException(request.word + " needs an images directory");
        if (request == Request.DUMP && options.pid() <= 0)
            throw new IllegalArgumentException("dump needs the pid of the tree's root");
        if (request == Request.RESTORE && !Files.isDirectory(options.imagesDir()))
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
        int ours = -1, theirs = -1, outRead = -1, outWrite = -1, imagesFd = -1, workFd = -1;
        Thread outputThread = null, tailThread = null;
        Path logFile = null;
        Map<Integer, Character> treeBefore = Map.of();
        try {
            Path imagesDir = options.imagesDir();
            Path workDir = options.workDir();
            if (request == Request.CHECK) {
                tempDir = Files.createTempDirectory("criu-atlas-check");
                imagesDir = tempDir;
            }
            if (request == Request.DUMP) {
                Files.createDirectories(imagesDir);
                Files.writeString(imagesDir.resolve(INCOMPLETE_MARKER),
                        "A CRIU Atlas dump into this directory started at " + started + " and has not finished successfully.\n");
            }
            if (workDir != null) Files.createDirectories(workDir);
            boolean needsOpts = request == Request.CHECK || request == Request.DUMP || request == Request.RESTORE;
            String logName = options.logFile() != null ? options.logFile() : defaultLogFile(request);
            if (needsOpts) {
                imagesFd = LibC.openDirectory(imagesDir.toString());
                if (workDir != null) workFd = LibC.openDirectory(workDir.toString());
                logFile = (workDir != null ? workDir : imagesDir).resolve(logName);
                // criu truncates it itself; removing it first keeps the tailer from reading the last run's lines.
                Files.deleteIfExists(logFile);
            }

            CriuRpc.criu_req req = buildRequest(imagesFd, workFd, logName);

            int[] sp = LibC.socketpair(LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC);
            ours = sp[0];
            theirs = sp[1];
            int[] pipe = LibC.pipe(LibC.O_CLOEXEC);
            outRead = pipe[0];
            outWrite = pipe[1];

            TreeSet<Integer> taken = new TreeSet<>(handIn.keySet());
            options.inheritFds().forEach(f -> taken.add(f.criuFd()));
            int rpcFd = 3;
            while (taken.contains(rpcFd)) rpcFd++;
            List<int[]> placements = new ArrayList<>();
            placements.add(new int[] {theirs, rpcFd});
            handIn.forEach((criuFd, ourFd) -> placements.add(new int[] {ourFd, criuFd}));

            String[] argv = {criu.toString(), "swrk", Integer.toString(rpcFd)};
            String[] envp = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            if (request == Request.DUMP) treeBefore = treeStates(options.pid());
            workerPid = LibC.spawn(argv, envp, placements.toArray(new int[0][]), outWrite);
            LibC.close(theirs);
            theirs = -1;
            LibC.close(outWrite);
            outWrite = -1;

            final int outFd = outRead;
            outputThread = new Thread(() -> pumpOutput(outFd), "criu-output-" + workerPid);
            outputThread.setDaemon(true);
            outputThread.start();
            if (logFile != null) {
                final Path lf = logFile;
                tailThread = new Thread(() -> tailLog(lf), "criu-log-" + workerPid);
                tailThread.setDaemon(true);
                tailThread.start();
            }

            if (!cancelRequested) {
                try {
                    LibC.send(ours, req.toByteArray(), 0);
                } catch (LibC.SyscallException e) {
                    // EPIPE/ECONNRESET: the worker is already gone; converse() reports it with its output.
                    if (e.errno() != LibC.EPIPE && e.errno() != LibC.ECONNRESET) throw e;
                }
            }
            CriuRpc.criu_resp reply = converse(ours);
            Instant replied = Instant.now();

            Integer exit = reapWorker(Duration.ofSeconds(10));
            stopTail = true;
            if (tailThread != null) tailThread.join(2000);
            if (outputThread != null) outputThread.join(2000);

            if (reply == null) {
                if (request == Request.DUMP) {
                    List<Integer> continued = releaseTree(treeBefore);
                    released = continued;
                    if (!continued.isEmpty()) outputLine("criu-atlas: sent SIGCONT to tasks the killed dump left stopped: " + continued);
                }
                if (cancelRequested) throw new CriuException.Cancelled(request.word, "worker killed, " + describe(exit));
                throw new CriuException.WorkerDied(request.word, describe(exit), outputTailCopy(), logTail(logFile));
            }
            CriuResult res = toResult(reply, logFile, describe(exit), Duration.between(started, replied));
            if (request == Request.DUMP && res.success())
                Files.deleteIfExists(options.imagesDir().resolve(INCOMPLETE_MARKER));
            if (cancelRequested && !res.success()) {
                emit(new CriuEvent.Finished(res, Instant.now()));
                throw new CriuException.Cancelled(request.word, "criu was told to stop and gave up cleanly");
            }
            emit(new CriuEvent.Finished(res, Instant.now()));
            result.complete(res);
        } catch (Throwable t) {
            if (workerPid > 0 && !workerReaped) {
                LibC.kill(-workerPid, LibC.SIGKILL);
                reapWorker(Duration.ofSeconds(5));
                if (request == Request.DUMP) released = releaseTree(treeBefore);
            }
            // Stopping a worker makes its leftovers (a half-written stats file, a reset socket) fail to read:
            // that is still the cancel the caller asked for.
            if (cancelRequested && !(t instanceof CriuException.Cancelled))
                t = new CriuException.Cancelled(request.word, (killRequested ? "worker killed" : "cancelled")
                        + "; reading what it left failed: " + t, t);
            result.completeExceptionally(t);
        } finally {
            stopTail = true;
            LibC.close(ours);
            LibC.close(theirs);
            LibC.close(outRead);
            LibC.close(outWrite);
            LibC.close(imagesFd);
            LibC.close(workFd);
            if (tempDir != null) TempDirs.deleteQuietly(tempDir);
        }
    }

    CriuRpc.criu_req buildRequest(int imagesFd, int workFd, String logName) {
        CriuRpc.criu_req.Builder b = CriuRpc.criu_req.newBuilder();
        switch (request) {
            case VERSION -> b.setType(CriuRpc.criu_req_type.VERSION);
            case FEATURE_CHECK -> b.setType(CriuRpc.criu_req_type.FEATURE_CHECK)
                    .setFeatures(CriuRpc.criu_features.newBuilder().setMemTrack(true).setLazyPages(true).setPidfdStore(true));
            case CHECK -> b.setType(CriuRpc.criu_req_type.CHECK).setOpts(CriuRpc.criu_opts.newBuilder()
                    .setImagesDirFd(imagesFd).setLogFile(logName).setLogLevel(options.logLevel()));
            case DUMP, RESTORE -> {
                CriuRpc.criu_opts.Builder o = CriuRpc.criu_opts.newBuilder()
                        .setImagesDirFd(imagesFd)
                        .setLogLevel(options.logLevel())
                        .setLogFile(logName)
                        .setNotifyScripts(options.notifyScripts());
                if (workFd >= 0) o.setWorkDirFd(workFd);
                if (options.shellJob()) o.setShellJob(true);
                if (options.tcpEstablished()) o.setTcpEstablished(true);
                if (options.fileLocks()) o.setFileLocks(true);
                if (options.extUnixSk()) o.setExtUnixSk(true);
                if (options.tcpClose()) o.setTcpClose(true);
                if (options.tcpSkipInFlight()) o.setTcpSkipInFlight(true);
                if (options.linkRemap()) o.setLinkRemap(true);
                if (options.ghostLimit() > 0) o.setGhostLimit((int) options.ghostLimit());
                o.addAllExternal(options.external());
                if (request == Request.DUMP) {
                    b.setType(CriuRpc.criu_req_type.DUMP);
                    o.setPid(options.pid());
                    if (options.leaveRunning()) o.setLeaveRunning(true);
                } else {
                    b.setType(CriuRpc.criu_req_type.RESTORE);
                    if (options.restoreSibling()) o.setRstSibling(true);
                    for (var f : options.inheritFds())
                        o.addInheritFd(CriuRpc.inherit_fd.newBuilder().setKey(f.key()).setFd(f.criuFd()));
                }
                b.setOpts(o);
            }
        }
        return b.build();
    }

    /** Reads replies until the final one; null when the worker went away without one. */
    private CriuRpc.criu_resp converse(int sock) {
        while (true) {
            if (cancelRequested && Instant.now().isAfter(cancelDeadline) && !workerReaped) {
                LibC.kill(-workerPid, LibC.SIGKILL);
            }
            if (!LibC.pollIn(sock, 100)) {
                if (!workerReaped) {
                    Integer st = LibC.waitpid(workerPid, LibC.WNOHANG);
                    if (st != null) {
                        workerExit = st;
                        workerReaped = true;
                    }
                } else if (!LibC.pollIn(sock, 200)) {
                    return null; // exited, and nobody else holds its end open with a reply in it
                }
                continue;
            }
            byte[] pkt;
            try {
                pkt = LibC.recvPacket(sock);
            } catch (LibC.SyscallException e) {
                // A worker that dies with our answer unread resets the connection instead of closing it.
                if (e.errno() == LibC.ECONNRESET) return null;
                throw e;
            }
            if (pkt == null) return null;
            CriuRpc.criu_resp resp;
            try {
                resp = CriuRpc.criu_resp.parseFrom(pkt);
            } catch (InvalidProtocolBufferException e) {
                throw new CriuException.BadReply("criu sent a reply that does not parse (" + pkt.length + " bytes)", e);
            }
            if (resp.getType() == CriuRpc.criu_req_type.NOTIFY_VALUE) {
                String script = resp.hasNotify() ? resp.getNotify().getScript() : "";
                Integer pid = resp.hasNotify() && resp.getNotify().hasPid() ? resp.getNotify().getPid() : null;
                CriuEvent.Stage st = new CriuEvent.Stage(script, pid, Instant.now());
                synchronized (stages) {
                    stages.add(st);
                }
                emit(st);
                if (killRequested) {
                    // kill() means now, not after criu has been answered: don't let a clean unwind race the SIGKILL.
                    LibC.kill(-workerPid, LibC.SIGKILL);
                    return null;
                }
                // The listener may have cancelled: answering "failed" makes criu unwind cleanly.
                boolean ok = !cancelRequested;
                if (!ok) cancelDeadline = Instant.now().plus(UNWIND_GRACE);
                CriuRpc.criu_req ack = CriuRpc.criu_req.newBuilder().setType(CriuRpc.criu_req_type.NOTIFY)
                        .setNotifySuccess(ok).build();
                try {
                    LibC.send(sock, ack.toByteArray(), 0);
                } catch (LibC.SyscallException e) {
                    return null; // worker gone: reported as such
                }
                continue;
            }
            return resp;
        }
    }

    private volatile Integer workerExit;

    /** Waits for the worker to exit (it should right after replying); kills it after {@code max}. */
    private Integer reapWorker(Duration max) {
        if (workerReaped) return workerExit;
        Instant end = Instant.now().plus(max);
        try {
            while (Instant.now().isBefore(end)) {
                Integer st = LibC.waitpid(workerPid, LibC.WNOHANG);
                if (st != null) {
                    workerExit = st;
                    workerReaped = true;
                    return st;
                }
                Thread.sleep(20);
            }
            LibC.kill(-workerPid, LibC.SIGKILL);
            workerExit = LibC.waitpid(workerPid, 0);
            workerReaped = true;
            return workerExit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LibC.kill(-workerPid, LibC.SIGKILL);
            workerExit = LibC.waitpid(workerPid, 0);
            workerReaped = true;
            return workerExit;
        } catch (LibC.SyscallException e) {
            workerReaped = true; // ECHILD: somebody else reaped it
            return null;
        }
    }

    private static String describe(Integer waitStatus) {
        return waitStatus == null ? "exit status unknown" : LibC.describeWaitStatus(waitStatus);
    }

    private CriuResult toResult(CriuRpc.criu_resp r, Path logFile, String exit, Duration elapsed)
            throws IOException, ImageFormatException {
        boolean success = r.getSuccess();
        Integer restoredPid = r.hasRestore() && r.getRestore().hasPid() ? r.getRestore().getPid() : null;
        CriuVersion version = null;
        if (r.hasVersion()) {
            var v = r.getVersion();
            version = new CriuVersion(v.getMajorNumber(), v.getMinorNumber(), v.getSublevel(), v.hasGitid() ? v.getGitid() : null);
        }
        CriuStats stats = null;
        Path statsDir = options.workDir() != null ? options.workDir() : options.imagesDir();
        if (statsDir != null && request == Request.DUMP)
            stats = CriuStats.read(statsDir.resolve(CriuStats.DUMP_FILE)).orElse(null);
        if (statsDir != null && request == Request.RESTORE)
            stats = CriuStats.read(statsDir.resolve(CriuStats.RESTORE_FILE)).orElse(null);
        List<CriuLogLine> lines = new ArrayList<>();
        if (logFile != null && Files.exists(logFile)) lines.addAll(CriuLogParser.parse(logFile));
        // Errors raised before criu opened its log go to its stderr: diagnose those too.
        int n = 0;
        for (String s : outputTailCopy()) lines.add(CriuLogParser.parseLine(--n, s));
        List<CriuDiagnosis> diagnoses = CriuDiagnoser.diagnose(lines, !success);
        if (tempDir != null) logFile = null; // CHECK's temp dir is removed
        List<CriuEvent.Stage> st;
        synchronized (stages) {
            st = List.copyOf(stages);
        }
        return new CriuResult(request.word, success, restoredPid, version, r.hasCrErrno() ? r.getCrErrno() : null,
                r.hasCrErrmsg() ? r.getCrErrmsg().strip() : null, stats, diagnoses, st, logFile, outputTailCopy(), exit, elapsed);
    }

    // ---- output, log tail --------------------------------------------------------------------

    private void pumpOutput(int fd) {
        byte[] buf = new byte[8192];
        StringBuilder line = new StringBuilder();
        try {
            while (true) {
                int n = LibC.read(fd, buf);
                if (n <= 0) break;
                String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                for (char c : s.toCharArray()) {
                    if (c == '\n') {
                        outputLine(line.toString());
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // fd closed under us at the end of the session
        }
        if (line.length() > 0) outputLine(line.toString());
    }

    private void outputLine(String s) {
        synchronized (outputTail) {
            outputTail.addLast(s);
            while (outputTail.size() > OUTPUT_TAIL) outputTail.removeFirst();
        }
        emit(new CriuEvent.Output(s, Instant.now()));
    }

    private List<String> outputTailCopy() {
        synchronized (outputTail) {
            return List.copyOf(outputTail);
        }
    }

    /** Follows the log as criu writes it; a last pass after the worker ended picks up the rest. */
    private void tailLog(Path log) {
        long pos = 0;
        int number = 0;
        StringBuilder partial = new StringBuilder();
        boolean last = false;
        while (true) {
            boolean stopping = stopTail;
            try {
                if (Files.exists(log)) {
                    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                        long len = f.length();
                        if (len < pos) pos = 0; // truncated under us
                        if (len > pos) {
                            byte[] b = new byte[(int) Math.min(len - pos, 1 << 20)];
                            f.seek(pos);
                            f.readFully(b);
                            pos += b.length;
                            partial.append(new String(b, StandardCharsets.UTF_8));
                            int nl;
                            while ((nl = partial.indexOf("\n")) >= 0) {
                                String l = partial.substring(0, nl);
                                partial.delete(0, nl + 1);
                                emit(new CriuEvent.LogLine(CriuLogParser.parseLine(++number, l), Instant.now()));
                            }
                            continue;
                        }
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // the log may vanish (CHECK temp dir); nothing to follow then
            }
            if (last) break;
            if (stopping) {
                last = true;
                continue;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (partial.length() > 0) emit(new CriuEvent.LogLine(CriuLogParser.parseLine(++number, partial.toString()), Instant.now()));
    }

    private static List<String> logTail(Path log) {
        if (log == null || !Files.exists(log)) return List.of();
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - LOG_TAIL), all.size()));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
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
        Map<Integer, Character> out = new LinkedHashMap<>();
        for (int pid : LiveProcesses.subtree(root)) LiveProcesses.stat(pid).ifPresent(st -> out.put(pid, st.state()));
        return out;
    }

    /** The state letter of {@code pid} from /proc/PID/stat ('Z' = zombie), null when it is gone. */
    public static Character state(int pid) {
        return LiveProcesses.stat(pid).map(ProcStat::state).orElse(null);
    }

    /**
     * After a killed dump worker: the kernel detaches a dead tracer's tracees, but a task CRIU left
     * stopped would stay so. Continue every task that ran before the dump and is stopped now.
     */
    private static List<Integer> releaseTree(Map<Integer, Character> before) {
        List<Integer> continued = new ArrayList<>();
        // The kernel wakes a dead tracer's tracees asynchronously: give it a moment before judging.
        for (int round = 0; round < 5; round++) {
            List<Integer> stopped = new ArrayList<>();
            before.forEach((pid, was) -> {
                Character now = state(pid);
                if (now != null && (now == 'T' || now == 't') && was != 'T' && was != 't') stopped.add(pid);
            });
            if (stopped.isEmpty()) return continued;
            if (round < 4) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                continue;
            }
            for (int pid : stopped) if (LibC.kill(pid, LibC.SIGCONT)) continued.add(pid);
        }
        return continued;
    }

    private volatile List<Integer> released = List.of();

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

    /** For tests: options as sent. */
    Optional<CriuOptions> options() {
        return Optional.of(options);
    }
}
