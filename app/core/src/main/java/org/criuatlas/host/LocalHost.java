package org.criuatlas.host;

import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.SpareWorkers;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ReferencedFiles;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestorePreviewer;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link Host} of this machine, in this process: the live scanner, the located criu, CRIU
 * sessions for dumps, the restore runner, the image reader. Long operations run on the executor it
 * is given; their handles cancel through the CRIU session. The parts of it that are more than a
 * call live beside it: {@link CriuCheck} (criu's status), {@link LocalImages} (opening dumps),
 * {@link LocalCriuRuns} (dumps and restores), {@link LocalCalibration} and {@link Podman} (containers).
 */
public final class LocalHost implements Host {
    /** How long a stopped task may take to be woken after a dump gave up (the kernel wakes a dead tracer's tracees asynchronously). */
    public static final Duration SETTLE = LocalCriuRuns.SETTLE;

    /**
     * What this host is made of; tests replace criu and /proc with scripted stand-ins.
     *
     * @param work  runs dumps and restores
     * @param criu  finds criu (the locator's answer, with its reason)
     * @param dumps starts a criu dump with the located binary
     * @param probe reads a process's state
     * @param scan  takes a live snapshot
     * @param spares where dumps and restores get their criu worker: spawned for each, or one kept spawned ahead
     */
    public record Parts(Executor work, Supplier<Optional<CriuLocator.Located>> criu,
                        java.util.function.Function<Path, DumpRunner> dumps, TargetProbe probe, Supplier<IpcGraph> scan,
                        SpareWorkers spares) {
        public Parts {
            Objects.requireNonNull(work, "work");
            Objects.requireNonNull(criu, "criu");
            Objects.requireNonNull(dumps, "dumps");
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(scan, "scan");
            Objects.requireNonNull(spares, "spares");
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
            }, SpareWorkers.none());
        }

        /**
         * These parts with a criu worker kept spawned ahead of the next dump or restore (a bridge, a window run as
         * root: many requests in one process); the host closes it. Dumps then run through {@code criu swrk}.
         */
        public Parts withSpareCriu() {
            SpareWorkers s = SpareWorkers.keepOne();
            return new Parts(work, criu, p -> DumpRunner.criu(p, s), probe, scan, s);
        }

        /** These parts with a scripted criu (found at {@code fakePath}) and a scripted /proc. */
        public Parts withCriu(Path fakePath, DumpRunner runner, TargetProbe states) {
            return new Parts(work, () -> Optional.of(new CriuLocator.Located(fakePath, "a test")), p -> runner, states, scan, spares);
        }

        public Parts withScan(Supplier<IpcGraph> s) {
            return new Parts(work, criu, dumps, probe, s, spares);
        }

        /** These parts with {@code states} in place of /proc (which pids exist, and in what state). */
        public Parts withProbe(TargetProbe states) {
            return new Parts(work, criu, dumps, states, scan, spares);
        }
    }

    private final Parts parts;
    private final ImageTransfer transfer = new ImageTransfer();
    private final Podman podman;
    private final Set<HostOperation<?>> running = ConcurrentHashMap.newKeySet();
    private final LocalCriuRuns criuRuns;
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
        this.criuRuns = new LocalCriuRuns(parts.work(), parts.dumps(), parts.probe(), this::criu, this::track, parts.spares());
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
        CriuStatus s = lastStatus = CriuCheck.of(parts.criu().get());
        // a host that keeps a spare criu has it ready before the first dump or restore
        if (s.found() && s.checkOk()) parts.spares().prime(s.path());
        return s;
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
    public void awaitEnd(int pid) throws InterruptedException {
        // woken by the pid's pidfd; a second at a time so an interrupt is seen; a kernel without pidfds: the default
        try {
            while (!org.criuatlas.bridge.os.Processes.awaitExit(pid, java.time.Duration.ofSeconds(1))) {
                if (Thread.interrupted()) throw new InterruptedException();
            }
        } catch (RuntimeException noPidfd) {
            Host.super.awaitEnd(pid);
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
        Path p = parent != null ? parent : dumpsFolder();
        return ImagesFolder.newSubFolder(p, rootPid, at);
    }

    @Override
    public OpenedImages openImages(Path dir) throws ImageFormatException {
        return LocalImages.open(dir);
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
        RestorePreviewer.LiveSide side = RestorePreviewer.of(live, pid -> parts.probe().state(pid) != null, LocalImages::liveFile,
                LocalImages::buildId);
        return RestorePreviewer.preview(opened.dump(), files, opened.dumpedAt(), info().name(), side);
    }

    /** The gate restore() applies, asked ahead (as root only: otherwise nothing is gated). */
    @Override
    public java.util.Optional<RestoreGate.Verdict> restoreTrust(Path dir) {
        return java.util.Optional.of(RestoreGate.check(dir));
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
    public java.util.SortedMap<String, List<Integer>> mappedFiles(java.util.Collection<Integer> pids) {
        return org.criuatlas.bridge.proc.MapsFiles.of(pids, null);
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

    // ---- dump and restore: see LocalCriuRuns; calibration: see LocalCalibration ----------------

    @Override
    public HostOperation<DumpOutcome> dump(DumpRequest request, Consumer<HostEvent> events) {
        return criuRuns.dump(request, safe(events));
    }

    @Override
    public HostOperation<RestoreResult> restore(RestoreRequest request, Consumer<HostEvent> events) {
        return criuRuns.restore(request, safe(events));
    }

    @Override
    public HostOperation<CalibrationReport> calibrate(int parallelism, List<String> kinds, boolean write, Consumer<CalibrationEntry> steps) {
        return LocalCalibration.start(parallelism, kinds, write, steps, parts.work(), this::criu, this::track);
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
        parts.spares().close();
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
}
