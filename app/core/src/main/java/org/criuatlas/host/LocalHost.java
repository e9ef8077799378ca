package org.criuatlas.host;

import org.criuatlas.bridge.calibrate.CalibrationEngine;
import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.calibrate.CalibrationRun;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.trust.ChildEnvironment;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.images.ReferencedFiles;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestorePreviewer;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.restore.RestoreEvent;
import org.criuatlas.restore.RestoreOutcome;
import org.criuatlas.restore.RestoreRunner;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link Host} of this machine, in this process: the live scanner, the located criu, CRIU
 * sessions for dumps, the restore runner, the image reader. Long operations run on the executor it
 * is given; their handles cancel through the CRIU session.
 */
public final class LocalHost implements Host {
    /** How long a stopped task may take to be woken after a dump gave up (the kernel wakes a dead tracer's tracees asynchronously). */
    public static final Duration SETTLE = Duration.ofMillis(1500);

    /**
     * What this host is made of; tests replace criu and /proc with scripted stand-ins.
     *
     * @param work  runs dumps and restores
     * @param criu  finds criu (the locator's answer, with its reason)
     * @param dumps starts a criu dump with the located binary
     * @param probe reads a process's state
     * @param scan  takes a live snapshot
     */
    public record Parts(Executor work, Supplier<Optional<CriuLocator.Located>> criu,
                        java.util.function.Function<Path, DumpRunner> dumps, TargetProbe probe, Supplier<IpcGraph> scan) {
        public Parts {
            Objects.requireNonNull(work, "work");
            Objects.requireNonNull(criu, "criu");
            Objects.requireNonNull(dumps, "dumps");
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(scan, "scan");
        }

        /** The real machine. */
        public static Parts real(Executor work) {
            LiveScanner[] scanner = new LiveScanner[1];
            return new Parts(work, CriuLocator::locate, DumpRunner::criu, TargetProbe.PROC, () -> {
                synchronized (scanner) {
                    // one scanner, made on first use and reused (its pool lives with it)
                    if (scanner[0] == null) scanner[0] = new LiveScanner();
                    return scanner[0].scan();
                }
            });
        }

        /** These parts with a scripted criu (found at {@code fakePath}) and a scripted /proc. */
        public Parts withCriu(Path fakePath, DumpRunner runner, TargetProbe states) {
            return new Parts(work, () -> Optional.of(new CriuLocator.Located(fakePath, "a test")), p -> runner, states, scan);
        }

        public Parts withScan(Supplier<IpcGraph> s) {
            return new Parts(work, criu, dumps, probe, s);
        }
    }

    private final Parts parts;
    private final ImageTransfer transfer = new ImageTransfer();
    private final Podman podman;
    private final Set<HostOperation<?>> running = ConcurrentHashMap.newKeySet();
    private volatile CriuStatus lastStatus;

    public LocalHost(Executor work) {
        this(Parts.real(work));
    }

    public LocalHost(Parts parts) {
        this(parts, Podman.fromEnvironment());
    }

    /** With the podman container checkpoints and restores run (its binary and extra environment). */
    public LocalHost(Parts parts, Podman podman) {
        this.parts = Objects.requireNonNull(parts);
        this.podman = Objects.requireNonNull(podman);
    }

    // ---- quick questions ---------------------------------------------------------------------

    @Override
    public HostInfo info() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "localhost";
            }
        }
        return new HostInfo(name, System.getProperty("os.version", "?"), System.getProperty("user.name", "?"), true);
    }

    @Override
    public CriuStatus criuStatus() {
        Optional<CriuLocator.Located> loc = parts.criu().get();
        if (loc.isEmpty()) {
            return lastStatus = new CriuStatus(null, "run scripts/provision-criu.sh or set " + CriuLocator.ENV, null, false, "not run");
        }
        String bin = loc.get().path().toString();
        String version = firstLine(run(List.of(bin, "--version")), null);
        String check = run(List.of(bin, "check"));
        boolean ok = check.contains("Looks good");
        String verdict = ok ? "looks good" : check.isBlank() ? "no answer" : lastErrorLine(check);
        return lastStatus = new CriuStatus(loc.get().path(), loc.get().via(),
                version == null ? null : version.replace("Version: ", "").trim(), ok, verdict);
    }

    /** The criu this host dumps and restores with; located once a request needs it. */
    private Path criu() {
        CriuStatus s = lastStatus;
        if (s != null && s.found()) return s.path();
        return parts.criu().get().map(CriuLocator.Located::path).orElse(null);
    }

    @Override
    public IpcGraph scan() {
        return parts.scan().get();
    }

    @Override
    public IpcGraph scanSubtrees(Set<Integer> roots) {
        try (LiveScanner s = new LiveScanner()) {
            return s.scan(org.criuatlas.bridge.scan.ScanScope.subtrees(roots));
        }
    }

    @Override
    public Map<Integer, Character> processStates(Collection<Integer> pids) {
        Map<Integer, Character> out = new LinkedHashMap<>();
        for (int p : pids) {
            Character c = parts.probe().state(p);
            if (c != null) out.put(p, c);
        }
        return out;
    }

    @Override
    public FolderCheck checkImagesFolder(Path folder) {
        return ImagesFolder.check(folder);
    }

    @Override
    public Path newImagesFolder(Path parent, int rootPid, LocalDateTime at) {
        Path p = parent != null ? parent : Path.of(System.getProperty("user.home"), "criu-atlas-dumps");
        return ImagesFolder.newSubFolder(p, rootPid, at);
    }

    @Override
    public OpenedImages openImages(Path dir) throws ImageFormatException {
        if (Files.isRegularFile(dir)) {
            // a container checkpoint archive (podman --export, CRI-O/kubelet): read in place, never extracted
            ImageDump d = org.criuatlas.bridge.archive.ArchiveReader.open(dir).dump();
            Instant at = null;
            try {
                at = Files.getLastModifiedTime(dir).toInstant();
            } catch (IOException | SecurityException e) {
                // the date stays unknown
            }
            return new OpenedImages(d, at, true);
        }
        ImageDump d = ImageReader.open(dir);
        Instant at = null;
        for (String f : new String[]{"stats-dump", "inventory.img"}) {
            try {
                at = Files.getLastModifiedTime(dir.resolve(f)).toInstant();
                break;
            } catch (IOException | SecurityException e) {
                // not there or not readable: try the next one, else the date stays unknown
            }
        }
        return new OpenedImages(d, at, false);
    }

    @Override
    public RestorePreview previewRestore(Path dir) throws ImageFormatException {
        if (Files.isRegularFile(dir)) {
            throw new IllegalArgumentException(dir + " is a container checkpoint archive: its engine restores it"
                    + " (podman container restore --import), inside the container's own pid namespace and root");
        }
        OpenedImages opened = openImages(dir);
        List<ReferencedFiles.RegularFile> files = ReferencedFiles.read(dir);
        IpcGraph live = scan();
        RestorePreviewer.LiveSide side = RestorePreviewer.of(live, pid -> parts.probe().state(pid) != null, LocalHost::liveFile);
        return RestorePreviewer.preview(opened.dump(), files, opened.dumpedAt(), info().name(), side);
    }

    /** The gate restore() applies, asked ahead (as root only: otherwise nothing is gated). */
    @Override
    public java.util.Optional<RestoreGate.Verdict> restoreTrust(Path dir) {
        return java.util.Optional.of(RestoreGate.check(dir));
    }

    /** The file at {@code path} now, following symlinks as CRIU's reopen does. */
    static RestorePreviewer.LiveFile liveFile(String path) {
        try {
            Path p = Path.of(path);
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime");
            int mode = (Integer) a.get("mode");
            int fmt = mode & 0170000;
            return new RestorePreviewer.LiveFile(true, fmt == 0140000, fmt == 0100000, (Long) a.get("size"),
                    ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant());
        } catch (java.nio.file.NoSuchFileException | java.nio.file.InvalidPathException e) {
            return RestorePreviewer.LiveFile.MISSING;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // there but not readable: present, nothing more known
            return new RestorePreviewer.LiveFile(true, false, false, -1, null);
        }
    }

    @Override
    public String readLog(Path log, long maxBytes) throws IOException {
        long size = Files.size(log);
        if (size > maxBytes) throw new IOException(log + " is " + size + " bytes; the lens reads logs up to " + maxBytes + " bytes");
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    // ---- moving images between hosts ---------------------------------------------------------

    @Override
    public Map<String, RestorePreviewer.LiveFile> statPaths(List<String> paths) {
        return ImageTransfer.stat(paths);
    }

    @Override
    public List<ImageFile> listImages(Path dir) throws IOException {
        return ImageTransfer.list(dir);
    }

    @Override
    public byte[] readImages(Path dir, String name, long offset, int length) throws IOException {
        return ImageTransfer.read(dir, name, offset, length);
    }

    @Override
    public Path receiveImages(Path parent, int rootPid, LocalDateTime at) throws IOException {
        return transfer.receive(parent, rootPid, at);
    }

    @Override
    public void writeImages(Path folder, String name, long offset, byte[] data) throws IOException {
        transfer.write(folder, name, offset, data);
    }

    @Override
    public List<ImageFile> finishImages(Path folder, List<ImageFile> files) throws IOException {
        return transfer.finish(folder, files);
    }

    // ---- dump --------------------------------------------------------------------------------

    @Override
    public HostOperation<DumpOutcome> dump(DumpRequest request, Consumer<HostEvent> events) {
        Consumer<HostEvent> ev = safe(events);
        CompletableFuture<DumpOutcome> result = new CompletableFuture<>();
        DumpJob job = new DumpJob();
        HostOperation<DumpOutcome> op = new HostOperation<>(result, job::cancel);
        track(op);
        try {
            parts.work().execute(() -> {
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

    /** The dump in flight: cancel reaches the session once it exists. */
    private static final class DumpJob {
        volatile boolean cancelled;
        volatile DumpRunner.Running running;

        void cancel() {
            cancelled = true;
            DumpRunner.Running r = running;
            if (r != null) r.cancel();
        }
    }

    private DumpOutcome runDump(DumpJob job, DumpRequest req, Consumer<HostEvent> ev) {
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
        Path log = dir.resolve(opts.logFile() != null ? opts.logFile() : CriuSession.defaultLogFile(CriuSession.Request.DUMP));
        ev.accept(new HostEvent.ImagesFolderReady(dir, log, Instant.now()));

        Path criu = criu();
        CriuListener listener = e -> ev.accept(new HostEvent.Criu(e));
        CriuResult r = null;
        String problem = null;
        boolean cancelled = false;
        try {
            if (criu == null) {
                problem = "CRIU was not found on this machine (scripts/provision-criu.sh).";
            } else if (!job.cancelled) {
                DumpRunner.Running running = parts.dumps().apply(criu).start(opts, listener);
                job.running = running;
                if (job.cancelled) running.cancel();
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
            job.running = null;
        }

        boolean success = r != null && r.success() && !cancelled;
        // never assumed: read /proc now (a success without leave-running ends the tree on purpose)
        TargetState t = parts.probe().check(req.root(), req.processes(), success ? Duration.ZERO : SETTLE);
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

    @Override
    public HostOperation<RestoreResult> restore(RestoreRequest request, Consumer<HostEvent> events) {
        Consumer<HostEvent> ev = safe(events);
        Path criu = criu();
        if (criu == null) {
            return new HostOperation<>(CompletableFuture.completedFuture(
                    new RestoreResult.Failed("CRIU was not found on this machine (scripts/provision-criu.sh).", null)), () -> {});
        }
        RestoreRunner runner = new RestoreRunner(criu, parts.work());
        Consumer<RestoreEvent> forward = e -> {
            if (e instanceof RestoreEvent.Step s) ev.accept(new HostEvent.Step(s.name(), s.detail(), s.at()));
            else if (e instanceof RestoreEvent.Criu c) ev.accept(new HostEvent.Criu(c.event(), c.at()));
        };
        AtomicReference<RestoreRunner.Job> started = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        // the trust gate reads the file system: on the work executor, before criu is ever spawned
        CompletableFuture<RestoreGate.Verdict> gate = request.trustConfirmed()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> RestoreGate.check(request.plan().imagesDir()), parts.work());
        CompletableFuture<RestoreResult> result = gate.thenCompose(verdict -> {
            if (verdict != null && !verdict.trusted()) {
                ev.accept(new HostEvent.Step("trust", verdict.explain(), Instant.now()));
                return CompletableFuture.completedFuture(new RestoreResult.NeedsConfirmation(verdict));
            }
            if (cancelled.get()) return CompletableFuture.completedFuture(new RestoreResult.Cancelled("before criu started"));
            RestoreRunner.Job job = request.waitForPids().isEmpty()
                    ? runner.restore(request.plan(), forward)
                    : runner.waitThenRestore(request.plan(), request.waitForPids(), request.waitAtMost(), forward);
            started.set(job);
            if (cancelled.get()) job.cancel();
            return job.outcome().thenApply(LocalHost::result);
        });
        HostOperation<RestoreResult> op = new HostOperation<>(result, () -> {
            cancelled.set(true);
            RestoreRunner.Job j = started.get();
            if (j != null) j.cancel();
        });
        track(op);
        return op;
    }

    private static RestoreResult result(RestoreOutcome o) {
        if (o instanceof RestoreOutcome.Restored r) {
            return new RestoreResult.Restored(r.rootPid(), r.pids(), new LocalKeptWiring(r.wiring()), r.result());
        }
        if (o instanceof RestoreOutcome.PidTaken t) return new RestoreResult.PidTaken(t.pids(), t.why(), t.result());
        if (o instanceof RestoreOutcome.Failed f) return new RestoreResult.Failed(f.why(), f.result());
        return new RestoreResult.Cancelled(((RestoreOutcome.Cancelled) o).how());
    }

    @Override
    public HostOperation<CalibrationReport> calibrate(int parallelism, List<String> kinds, boolean write, Consumer<CalibrationEntry> steps) {
        CompletableFuture<CalibrationReport> result = new CompletableFuture<>();
        AtomicReference<CalibrationRun> run = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        HostOperation<CalibrationReport> op = new HostOperation<>(result, () -> {
            cancelled.set(true);
            CalibrationRun r = run.get();
            if (r != null) r.cancel();
        });
        track(op);
        parts.work().execute(() -> {
            try {
                Path bin = criu();
                if (bin == null) throw new IllegalStateException("no criu on this host (scripts/provision-criu.sh or " + CriuLocator.ENV + ")");
                ProbeCatalogue cat = kinds == null || kinds.isEmpty() ? ProbeCatalogue.builtIn() : ProbeCatalogue.builtIn().only(kinds);
                CalibrationEngine.Settings s = CalibrationEngine.Settings.of(bin).withCatalogue(cat).withWrite(write)
                        .withParallelism(parallelism <= 0 ? CalibrationEngine.DEFAULT_PARALLELISM : parallelism);
                CalibrationRun r = CalibrationEngine.start(s, (entry, done, total) -> {
                    if (steps != null) steps.accept(entry);
                });
                run.set(r);
                if (cancelled.get()) r.cancel();
                r.future().whenComplete((rep, e) -> {
                    if (e != null) result.completeExceptionally(e);
                    else result.complete(rep);
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return op;
    }

    // ---- containers --------------------------------------------------------------------------

    /** podman itself, on the work executor (never re-implemented): see {@link Podman}. */
    @Override
    public HostOperation<ContainerOutcome> container(ContainerRequest request, Consumer<HostEvent> events) {
        HostOperation<ContainerOutcome> op = podman.run(request, safe(events), parts.work());
        track(op);
        return op;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    private void track(HostOperation<?> op) {
        running.add(op);
        op.result().whenComplete((r, e) -> running.remove(op));
    }

    /** Operations started and not finished yet. */
    public int runningOperations() {
        return running.size();
    }

    @Override
    public void close() {
        for (HostOperation<?> op : List.copyOf(running)) op.cancel();
    }

    private static Consumer<HostEvent> safe(Consumer<HostEvent> events) {
        if (events == null) return e -> {};
        return e -> {
            try {
                events.accept(e);
            } catch (RuntimeException ignored) {
                // a broken listener must not break the operation
            }
        };
    }

    private static String run(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(ChildEnvironment.forCriu()); // criu --version / check, as root
            Process p = pb.start();
            // read before waiting: a full pipe would block criu
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "cannot run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String firstLine(String s, String dflt) {
        for (String l : s.split("\n")) if (!l.isBlank()) return l.trim();
        return dflt;
    }

    private static String lastErrorLine(String s) {
        String found = null;
        for (String l : s.split("\n")) if (l.contains("Error") || l.contains("fail")) found = l.trim();
        if (found == null) found = firstLine(s, "?");
        return found.length() > 90 ? found.substring(0, 90) + "\u2026" : found;
    }
}
