package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.calibrate.ProbeCatalogue.Kind;
import org.criuatlas.bridge.calibrate.ProbeCatalogue.Variant;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuVersion;
import org.criuatlas.bridge.criu.TempDirs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calibration engine: runs every kind × variant of a {@link ProbeCatalogue} against one CRIU
 * and writes what happened to the user's cache, keyed by CRIU version and kernel release
 * ({@link CalibrationReport#cacheFile}). Kinds run in parallel (each in its own process tree);
 * the variants of one kind run one after another on one tree, except restore variants, which each
 * get a fresh tree. Progress goes to a {@link CalibrationListener}; {@link CalibrationRun#cancel}
 * stops it. Needs root, like CRIU.
 */
public final class CalibrationEngine {
    /** Probes at the same time: measured on the project's 2-core machine (docs/dump-rules.md). */
    public static final int DEFAULT_PARALLELISM = 4;
    public static final Duration DEFAULT_CRIU_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What to run.
     *
     * @param criu        the criu to calibrate
     * @param catalogue   kinds and variants
     * @param parallelism kinds at the same time (≥ 1)
     * @param criuTimeout longest wait for one criu reply (then the request is cancelled: outcome unknown)
     * @param resultFile  where a complete report is written; null = the cache file for this version and kernel
     * @param write       write the report (a cancelled, incomplete run is never written)
     * @param observer    sees each dump's evidence before it is cleaned up (tests), null = none
     */
    public record Settings(Path criu, ProbeCatalogue catalogue, int parallelism, Duration criuTimeout, Path resultFile,
                           boolean write, ProbeObserver observer) {
        public Settings {
            if (parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1: " + parallelism);
            if (observer == null) observer = ProbeObserver.NONE;
        }

        public static Settings of(Path criu) {
            return new Settings(criu, ProbeCatalogue.builtIn(), DEFAULT_PARALLELISM, DEFAULT_CRIU_TIMEOUT, null, true, null);
        }

        public Settings withCatalogue(ProbeCatalogue c) { return new Settings(criu, c, parallelism, criuTimeout, resultFile, write, observer); }
        public Settings withParallelism(int p) { return new Settings(criu, catalogue, p, criuTimeout, resultFile, write, observer); }
        public Settings withResultFile(Path f) { return new Settings(criu, catalogue, parallelism, criuTimeout, f, write, observer); }
        public Settings withWrite(boolean w) { return new Settings(criu, catalogue, parallelism, criuTimeout, resultFile, w, observer); }
        public Settings withObserver(ProbeObserver o) { return new Settings(criu, catalogue, parallelism, criuTimeout, resultFile, write, o); }
    }

    private CalibrationEngine() {}

    /** Starts a run in the background. */
    public static CalibrationRun start(Settings settings, CalibrationListener listener) {
        CalibrationRun run = new CalibrationRun();
        CalibrationListener l = listener == null ? CalibrationListener.NONE : listener;
        Thread t = new Thread(() -> {
            try {
                run.result().complete(execute(settings, run, l));
            } catch (Throwable e) {
                run.result().completeExceptionally(e);
            }
        }, "calibration");
        t.setDaemon(true);
        t.start();
        return run;
    }

    private static boolean isRoot() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("Uid:")) return l.split("\\s+")[2].equals("0");
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static CalibrationReport execute(Settings s, CalibrationRun run, CalibrationListener listener) throws Exception {
        if (!isRoot()) throw new IllegalStateException("calibration needs root (CRIU, namespaces, packet sockets)");
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        CriuVersion version = CriuLocator.version(s.criu());
        if (version == null) throw new IllegalStateException(s.criu() + " --version does not answer: not a usable criu");
        String kernel = CalibrationReport.kernelRelease();
        Path work = Files.createTempDirectory("criu-atlas-calibrate-");
        int total = s.catalogue().variantCount();
        AtomicInteger done = new AtomicInteger();
        Map<String, CalibrationEntry> results = new java.util.concurrent.ConcurrentHashMap<>();
        ProbeRunner runner = new ProbeRunner(s.criu(), work, s.criuTimeout(), run, s.observer());
        java.util.function.Consumer<CalibrationEntry> record = e -> {
            results.put(e.key(), e);
            try {
                listener.onStep(e, done.incrementAndGet(), total);
            } catch (RuntimeException ignored) {
                // a broken listener must not stop the calibration
            }
        };

        // Restore units are the longest (a dump, a restore, two tree snapshots): they go first.
        record Unit(Kind kind, Variant restore, List<Variant> shared, int weight) {}
        List<Unit> units = new ArrayList<>();
        for (Kind k : s.catalogue().kinds()) {
            for (Variant v : k.variants()) if (v.restore()) units.add(new Unit(k, v, null, 3));
            List<Variant> shared = ProbeRunner.shared(k);
            if (!shared.isEmpty()) units.add(new Unit(k, null, shared, shared.size()));
        }
        units.sort(Comparator.comparingInt(Unit::weight).reversed());

        ExecutorService pool = Executors.newFixedThreadPool(s.parallelism(), r -> {
            Thread th = new Thread(r, "calibration-probe");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Unit u : units) {
                futures.add(pool.submit(() -> {
                    if (u.restore() != null) record.accept(runner.runRestore(u.kind(), u.restore()));
                    else runner.runShared(u.kind(), u.shared(), record);
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
            TempDirs.deleteQuietly(work);
        }

        List<CalibrationEntry> ordered = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (Kind k : s.catalogue().kinds())
            for (Variant v : k.variants()) {
                CalibrationEntry e = results.get(k.id() + "/" + v.id());
                if (e != null && seen.put(e.key(), true) == null) ordered.add(e);
            }
        boolean complete = !run.isCancelled() && ordered.size() == total
                && ordered.stream().noneMatch(e -> e.outcome() == Outcome.cancelled)
                && s.catalogue().kinds().size() == ProbeCatalogue.builtIn().kinds().size();
        CalibrationReport report = new CalibrationReport(CalibrationReport.FORMAT, version.toString(), s.criu().toString(),
                kernel, System.getProperty("os.arch"), started.toString(), (System.nanoTime() - t0) / 1_000_000,
                s.parallelism(), complete, ordered);
        if (s.write() && !run.isCancelled() && ordered.stream().noneMatch(e -> e.outcome() == Outcome.cancelled)) {
            Path target = s.resultFile() != null ? s.resultFile() : report.cacheFile();
            try {
                // a run of some kinds refines the earlier calibration of this CRIU and kernel, if any
                CalibrationReport kept = report;
                if (s.catalogue().kinds().size() < ProbeCatalogue.builtIn().kinds().size() && Files.isRegularFile(target)) {
                    try {
                        CalibrationReport older = CalibrationReport.read(target);
                        if (older.criuVersion().equals(report.criuVersion()) && older.kernel().equals(report.kernel()))
                            kept = report.over(older, ProbeCatalogue.builtIn());
                    } catch (IOException damaged) {
                        // a damaged file is replaced by this run
                    }
                }
                kept.write(target);
            } catch (IOException e) {
                throw new IOException("cannot write the calibration result " + target + ": " + e.getMessage(), e);
            }
        }
        return report;
    }
}
