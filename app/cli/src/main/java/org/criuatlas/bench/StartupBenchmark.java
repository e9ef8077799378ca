package org.criuatlas.bench;

import org.criuatlas.bridge.criu.CriuLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code criu-atlas bench startup}: how long a headless command takes from the start of its JVM to
 * its first line of output and to its exit, started as the launcher starts it (the build's JVM
 * options: class-data sharing archive, class path, flags for a short-lived JVM) and, for comparison
 * in the same run, with a plain class path as before, next to {@code criu --version}.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Time the headless commands' JVM start-up to the first line of output, with and without the build's JVM options.")
public final class StartupBenchmark implements Callable<Integer> {
    @Option(names = "--runs", description = "Starts of each command per side, in turn (default: ${DEFAULT-VALUE}).")
    int runs = 11;

    @Option(names = "--launcher", paramLabel = "PATH", description = "Also time the commands through this launcher (e.g. ./criu-atlas).")
    Path launcher;

    static final List<List<String>> COMMANDS = List.of(List.of("--version"), List.of("plan", "--help"), List.of("dump", "--help"));

    @Override
    public Integer call() throws Exception {
        System.out.println("load average at start: " + CriuBenchmark.loadAverage());
        List<String> names = new ArrayList<>();
        List<List<String>> sides = new ArrayList<>();
        if (JvmOptions.locate().isPresent()) {
            names.add("build's JVM options (" + JvmOptions.FILE_NAME + ")");
            sides.add(JvmOptions.headless(null));
        } else {
            System.out.println("no " + JvmOptions.FILE_NAME + " next to the jar: run mvn package first; timing the plain class path only");
        }
        names.add("plain class path (java -cp)");
        sides.add(JvmOptions.plain());
        if (launcher != null) {
            names.add("launcher " + launcher);
            sides.add(JvmOptions.headless(launcher));
        }
        System.out.printf("%-44s %-14s %12s %12s%n", "side", "command", "first line", "exit");
        var criu = CriuLocator.locate();
        for (List<String> cmd : COMMANDS) {
            double[][] first = new double[sides.size()][runs], exit = new double[sides.size()][runs];
            for (int i = 0; i < runs; i++) {
                for (int s = 0; s < sides.size(); s++) { // in turn, so that load from elsewhere hits every side alike
                    double[] t = time(sides.get(s), cmd);
                    first[s][i] = t[0];
                    exit[s][i] = t[1];
                }
            }
            for (int s = 0; s < sides.size(); s++)
                System.out.printf("%-44s %-14s %9.0f ms %9.0f ms%n", names.get(s), String.join(" ", cmd), median(first[s]), median(exit[s]));
        }
        if (criu.isPresent()) {
            double[] first = new double[runs], exit = new double[runs];
            for (int i = 0; i < runs; i++) {
                double[] t = time(List.of(criu.get().path().toString()), List.of("--version"));
                first[i] = t[0];
                exit[i] = t[1];
            }
            System.out.printf("%-44s %-14s %9.0f ms %9.0f ms%n", "reference: criu", "--version", median(first), median(exit));
        }
        System.out.println("medians of " + runs + "; goal: first line within 150 ms for --version and plan --help");
        System.out.println("load average at end: " + CriuBenchmark.loadAverage());
        return 0;
    }

    /** {time to the first byte of output, time to exit} in ms of one start. */
    private static double[] time(List<String> prefix, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(args);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        double first;
        try (InputStream in = p.getInputStream()) {
            if (in.read() < 0) throw new IllegalStateException(String.join(" ", cmd) + " printed nothing");
            first = (System.nanoTime() - t0) / 1e6;
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not end within 60 s");
        }
        return new double[] {first, (System.nanoTime() - t0) / 1e6};
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
