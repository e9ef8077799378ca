package org.criuatlas.bridge.calibrate;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a calibration from the command line and prints one line per cell (project tool; the user's
 * command is {@code criu-atlas calibrate}):
 * {@code java -cp ... org.criuatlas.bridge.calibrate.CalibrateMain --criu PATH [--out FILE] [--parallel N] [--kinds a,b]},
 * or {@code --markdown REPORT.json...} for the table of docs/dump-rules.md.
 * Exit status 0 when every cell was measured.
 */
public final class CalibrateMain {
    private CalibrateMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--markdown")) {
            // --markdown REPORT.json...: the table of docs/dump-rules.md from reports
            List<CalibrationReport> reports = new java.util.ArrayList<>();
            for (int i = 1; i < args.length; i++) reports.add(CalibrationReport.read(Path.of(args[i])));
            System.out.print(CalibrationTable.markdown(ProbeCatalogue.builtIn(), reports));
            return;
        }
        Path criu = null, out = null;
        int parallel = CalibrationEngine.DEFAULT_PARALLELISM;
        List<String> kinds = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--criu" -> criu = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                case "--kinds" -> kinds = Arrays.asList(args[++i].split(","));
                default -> {
                    System.err.println("usage: CalibrateMain --criu PATH [--out FILE] [--parallel N] [--kinds a,b]");
                    System.exit(2);
                }
            }
        }
        if (criu == null) criu = org.criuatlas.bridge.criu.CriuLocator.require().path();
        ProbeCatalogue cat = kinds == null ? ProbeCatalogue.builtIn() : ProbeCatalogue.builtIn().only(kinds);
        CalibrationEngine.Settings s = CalibrationEngine.Settings.of(criu).withCatalogue(cat).withParallelism(parallel)
                .withResultFile(out).withWrite(out != null || kinds == null);
        CalibrationRun run = CalibrationEngine.start(s, (e, done, total) -> System.out.printf("[%3d/%3d] %5d ms %-32s %-16s %-9s %s%s%n",
                done, total, e.millis(), e.kind(), e.variant(), e.outcome(), e.error() == null ? "" : e.error().line(),
                e.restore() == null ? "" : "  | restore: " + e.restore() + (e.restoreError() == null ? "" : " " + e.restoreError().line())
                        + (e.note() == null ? "" : " (" + e.note() + ")")));
        Runtime.getRuntime().addShutdownHook(new Thread(run::cancel));
        CalibrationReport r = run.await();
        System.out.printf("CRIU %s on Linux %s: %d cells in %.1f s (parallelism %d)%s%n", r.criuVersion(), r.kernel(),
                r.entries().size(), r.wallMillis() / 1000.0, r.parallelism(), r.complete() ? "" : " (incomplete)");
        System.exit(r.entries().stream().anyMatch(e -> e.outcome() == Outcome.cancelled) ? 1 : 0);
    }
}
