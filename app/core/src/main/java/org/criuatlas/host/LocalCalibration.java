package org.criuatlas.host;

import org.criuatlas.bridge.calibrate.CalibrationEngine;
import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.calibrate.CalibrationRun;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.bridge.criu.CriuLocator;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The calibration run of {@link LocalHost}: the probe catalogue against this machine's criu. */
final class LocalCalibration {
    private LocalCalibration() {}

    /**
     * {@link LocalHost#calibrate} on {@code work}, with the criu {@code criu} finds (null: none);
     * {@code track} is told of the operation.
     */
    static HostOperation<CalibrationReport> start(int parallelism, List<String> kinds, boolean write,
                                                  Consumer<CalibrationEntry> steps, Executor work, Supplier<Path> criu,
                                                  Consumer<HostOperation<?>> track) {
        CompletableFuture<CalibrationReport> result = new CompletableFuture<>();
        LateCancel<CalibrationRun> run = new LateCancel<>(CalibrationRun::cancel);
        HostOperation<CalibrationReport> op = run.operation(result);
        track.accept(op);
        work.execute(() -> {
            try {
                Path bin = criu.get();
                if (bin == null) throw new IllegalStateException("no criu on this host (scripts/provision-criu.sh or " + CriuLocator.ENV + ")");
                ProbeCatalogue cat = kinds == null || kinds.isEmpty() ? ProbeCatalogue.builtIn() : ProbeCatalogue.builtIn().only(kinds);
                CalibrationEngine.Settings s = CalibrationEngine.Settings.of(bin).withCatalogue(cat).withWrite(write)
                        .withParallelism(parallelism <= 0 ? CalibrationEngine.DEFAULT_PARALLELISM : parallelism);
                CalibrationRun r = CalibrationEngine.start(s, (entry, done, total) -> {
                    if (steps != null) steps.accept(entry);
                });
                run.attach(r);
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
}
