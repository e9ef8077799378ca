package org.criuatlas.cli;

import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.calibrate.Outcome;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.LocalHost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code criu-atlas calibrate}: dumps the probe processes of the calibration catalogue with the
 * located CRIU (through this machine's {@link org.criuatlas.host.Host}) and keeps what happened in
 * the user's cache, where the planner reads it ({@code CriuTarget.detect()}). Progress per cell on
 * stderr, the table (or the result file's JSON) on stdout.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure what the located CRIU does on this kernel: dump (and restore) small probe processes of every"
                + " kind the planner knows, with each option variant, and keep the outcomes and CRIU's first errors in"
                + " your cache, where `plan` and the window read them (docs/dump-rules.md, Calibration). Needs root.")
public final class CalibrateCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--kinds", paramLabel = "KIND", split = ",",
            description = "Only these probe kinds (comma-separated ids of the catalogue, e.g. udp-bound,eventfd);"
                    + " their cells replace theirs in an earlier calibration of this CRIU and kernel, the others stay.")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--parallel", paramLabel = "N", description = "Probes at the same time (default ${DEFAULT-VALUE}).")
    int parallel = org.criuatlas.bridge.calibrate.CalibrationEngine.DEFAULT_PARALLELISM;

    @Option(names = "--no-write", description = "Measure and print only: leave the cache as it is.")
    boolean noWrite;

    @Option(names = "--json", description = "Print the result as JSON, as the cache file holds it, instead of the table.")
    boolean json;

    @picocli.CommandLine.Mixin HostOption host = new HostOption();

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) throw CriuRunOutput.usage("--parallel wants 1 or more: " + parallel);
        ProbeCatalogue all = ProbeCatalogue.builtIn();
        for (String k : kinds)
            if (all.kinds().stream().noneMatch(x -> x.id().equals(k)))
                throw CriuRunOutput.usage("no probe kind " + k + "; the kinds are: "
                        + String.join(", ", all.kinds().stream().map(ProbeCatalogue.Kind::id).toList()));
        if (!host.remote()) CriuRunOutput.requireRoot("calibrate");
        int total = (kinds.isEmpty() ? all : all.only(kinds)).variantCount();
        PrintStream progress = System.err;
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService work = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "calibrate");
            t.setDaemon(true);
            return t;
        });
        try (org.criuatlas.host.Host on = host.remote() ? host.connect() : new LocalHost(work)) {
            String criu;
            if (host.remote()) {
                var st = on.criuStatus();
                if (!st.found()) throw new CliException(ExitCode.NO_CRIU, "no criu on " + host.name() + ": " + st.via());
                criu = st.path() + " on " + host.name();
            } else {
                criu = CriuRunOutput.locateCriu().path().toString();
            }
            progress.println("calibrating " + criu + ": " + total + " cells, " + parallel + " at a time");
            HostOperation<CalibrationReport> op = on.calibrate(parallel, kinds, !noWrite, e -> {
                synchronized (progress) {
                    progress.printf("[%3d/%3d] %6d ms  %-34s %-16s %s%n", done.incrementAndGet(), total, e.millis(),
                            e.kind(), e.variant(), outcome(e));
                }
            });
            // Ctrl+C: stop criu and tear the probe trees down (the report is then incomplete and not written)
            Thread hook = new Thread(op::cancel, "criu-atlas-cancel");
            Runtime.getRuntime().addShutdownHook(hook);
            CalibrationReport r;
            try {
                r = op.result().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.criuatlas.host.bridge.BridgeException b) {
                    throw new CliException(HostOption.exitCode(b), "calibration on " + host.name() + ": " + b.getMessage(), b);
                }
                throw failure(e.getCause());
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down already
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean cancelled = r.entries().stream().anyMatch(e -> e.outcome() == Outcome.cancelled);
            if (json) System.out.println(r.toJson());
            else print(r, System.out);
            PrintStream o = json ? System.err : System.out;
            o.println("calibrated against CRIU " + r.criuVersion() + " on Linux " + r.kernel() + ": " + r.entries().size()
                    + " cells in " + String.format("%.1f", seconds) + " s (parallelism " + r.parallelism() + ")"
                    + (r.complete() ? "" : kinds.isEmpty() ? " (incomplete)" : " (only " + String.join(",", kinds) + ")"));
            if (cancelled) o.println("cancelled: nothing written");
            else if (noWrite) o.println("not written (--no-write); the cache file would be " + r.cacheFile());
            else if (host.remote()) o.println("written on " + host.name() + ", in the cache of the user its bridge runs as");
            else o.println("written to " + r.cacheFile());
            return cancelled ? ExitCode.CRIU_NO_REPLY.code : ExitCode.OK.code;
        } finally {
            work.shutdownNow();
        }
    }

    /** The table: one row per cell, the first error as the engine keeps it (numbers and paths masked). */
    static void print(CalibrationReport r, PrintStream o) {
        int kw = "KIND".length(), vw = "VARIANT".length(), ow = "OUTCOME".length();
        for (CalibrationEntry e : r.entries()) {
            kw = Math.max(kw, e.kind().length());
            vw = Math.max(vw, e.variant().length());
            ow = Math.max(ow, outcome(e).length());
        }
        String row = "%-" + kw + "s  %-" + vw + "s  %-" + ow + "s  %s";
        o.println(String.format(row, "KIND", "VARIANT", "OUTCOME", "FIRST ERROR (or what else was seen)").stripTrailing());
        for (CalibrationEntry e : r.entries()) {
            String err = e.error() != null ? e.error().line()
                    : e.restoreError() != null ? "restore: " + e.restoreError().line()
                    : e.note() != null ? "(" + e.note() + ")" : "";
            o.println(String.format(row, e.kind(), e.variant(), outcome(e), err).stripTrailing());
        }
    }

    /** "dumped", "failed", or for a restore variant "dumped, restored". */
    static String outcome(CalibrationEntry e) {
        return e.outcome() + (e.restore() == null ? "" : ", " + e.restore());
    }

    private static RuntimeException failure(Throwable t) {
        if (t instanceof IllegalArgumentException) return CriuRunOutput.usage(t.getMessage());
        if (t instanceof IOException) return new CliException(ExitCode.NOT_PERMITTED, t.getMessage());
        if (t instanceof IllegalStateException) return new CliException(ExitCode.CRIU_FAILED, t.getMessage());
        if (t instanceof RuntimeException r) return r;
        return new IllegalStateException(t);
    }
}
