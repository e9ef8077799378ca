package org.criuatlas.bench;

import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.TempDirs;
import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.Host;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A host's side of {@link CriuBenchmark}: a dump and a restore as the window asks its host for
 * them ({@link Host#dump}, then {@link Host#openImages} for the wiring plan, as the restore board
 * shows it before Restore is clicked, and {@link Host#restore}), its events handled as the window does (a tail of the log, the
 * stages). The host is a bridge that is already running and has said hello, as in the window (BRIDGE), or this JVM's own
 * {@link org.criuatlas.host.LocalHost}, as in the window run as root (HOST).
 */
final class BridgeCriuSide {
    private final Host host;
    private final int logLevel;
    /** Each restore's time to open the images (part of its wall time), ms. */
    private final List<Double> opens = new ArrayList<>();

    BridgeCriuSide(Host host, int logLevel) {
        this.host = host;
        this.logLevel = logLevel;
    }

    void dump(int root, Path dir) throws Exception {
        CriuOptions o = CriuOptions.defaults().withPid(root).withImagesDir(dir).withLeaveRunning(true).withLogLevel(logLevel);
        DumpOutcome out = host.dump(new DumpRequest(o, dir, false, List.of(root)), windowLike()).result().get(10, TimeUnit.MINUTES);
        if (!(out instanceof DumpOutcome.Dumped)) throw new IllegalStateException("dump of " + root + ": " + out);
    }

    /**
     * Opens {@code dir} through the host, as the restore board does when it shows the folder's wiring (before
     * Restore can be clicked); timed on its own. Returns the plan {@link #restore} takes.
     */
    RestoreWiringPlan open(Path dir) throws Exception {
        long t0 = System.nanoTime();
        OpenedImages opened = host.openImages(dir);
        opens.add((System.nanoTime() - t0) / 1e6);
        // at the benchmark's log level, as the CLI's restore (the plan's own default is -v4)
        return RestoreWiringPlan.of(opened.dump()).withLogLevel(logLevel);
    }

    /** Restores with {@code plan} (from {@link #open}), as Restore clicked does; CRIU's statistics (written into the host's work dir). */
    CriuStats restore(Path dir, RestoreWiringPlan plan) throws Exception {
        // as the restore board asks: steps and stages, no event per log line (its log lens reads the log afterwards)
        RestoreResult r = host.restore(RestoreRequest.now(plan).withStagesOnly(), windowLike()).result().get(10, TimeUnit.MINUTES);
        if (!(r instanceof RestoreResult.Restored ok) || ok.result() == null || ok.result().stats() == null) {
            throw new IllegalStateException("restore of " + dir + " without its statistics: " + r);
        }
        removeWorkDir(ok.result().logFile());
        return ok.result().stats();
    }

    /**
     * The work dir the host made for criu's log (kept after a restore for the log lens, on this machine here: the
     * bridge is local) goes once its run is counted: a bench run makes hundreds, each with a log of up to a few MB.
     */
    private static void removeWorkDir(Path log) {
        Path dir = log == null ? null : log.getParent();
        if (dir != null && dir.getFileName().toString().startsWith("criu-atlas-restore-")) TempDirs.deleteQuietly(dir);
    }

    double medianOpenMs() {
        if (opens.isEmpty()) return Double.NaN;
        double[] v = opens.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[v.length / 2];
    }

    private static Consumer<HostEvent> windowLike() {
        CriuListener l = new WindowLikeListener();
        return e -> {
            if (e instanceof HostEvent.Criu c) l.onEvent(c.event());
        };
    }
}
