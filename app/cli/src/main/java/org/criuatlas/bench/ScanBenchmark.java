package org.criuatlas.bench;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas bench scan}: the in-process snapshot (warm JVM, median of many) against the
 * wall time of {@code ss -xap} and {@code lsof -U +E -n} on the same populations, built by the
 * project's topology builder ({@link Topology#population}: process trees, socketpairs of each
 * type, listeners with accepted connections, dgram servers with clients).
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Time the live scan against ss -xap and lsof -U +E -n on populations of real processes.")
public final class ScanBenchmark implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", paramLabel = "PROCESSESxSOCKETS",
            description = "Populations to build (default: 200x2000,1000x20000).")
    List<String> sizes = List.of("200x2000", "1000x20000");

    @Option(names = "--iterations", description = "Timed scans per population (default: ${DEFAULT-VALUE}).")
    int iterations = 21;

    @Option(names = "--ref-runs", description = "Runs of each reference tool (default: ${DEFAULT-VALUE}).")
    int refRuns = 5;

    @Option(names = "--no-lsof", description = "Skip lsof (it is the slowest).")
    boolean noLsof;

    @Override
    public Integer call() throws Exception {
        System.out.println("load average at start: " + loadAverage());
        System.out.printf("%-12s %9s %9s %9s %9s %11s %11s %11s %9s %9s%n", "population", "built", "processes", "sockets", "fds",
                "scan ms", "ss -xap ms", "lsof ms", "scan/ss", "scan/lsof");
        try (LiveScanner scanner = new LiveScanner()) {
            for (String size : sizes) {
                String[] pq = size.toLowerCase().split("x");
                int procs = Integer.parseInt(pq[0].strip());
                int socks = Integer.parseInt(pq[1].strip());
                try (Topology pop = Topology.population(procs, socks)) {
                    long ends = pop.manifest().ends().size();
                    row(size, pop.manifest().processes().size() + "p/" + ends + "s", scanner);
                }
            }
        }
        System.out.println("scan = median in-process snapshot (warm JVM, whole system, one worker thread per core: " + Runtime.getRuntime().availableProcessors() + ");"
                + " ss/lsof = median wall time of the command, output discarded; built = the population's processes/socket ends"
                + " (the rest of the system is scanned too).");
        System.out.println("load average at end: " + loadAverage());
        return 0;
    }

    private static String loadAverage() {
        try {
            return Files.readAllLines(Path.of("/proc/loadavg")).get(0);
        } catch (IOException | IndexOutOfBoundsException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private void row(String label, String built, LiveScanner scanner) throws IOException, InterruptedException {
        IpcGraph g = null;
        for (int i = 0; i < Math.max(5, iterations / 2); i++) g = scanner.scan(); // warm up the JIT and the dentry cache
        long[] scan = new long[iterations];
        long[] ss = new long[refRuns];
        long[] lsof = new long[noLsof ? 0 : Math.max(1, refRuns - 2)];
        int si = 0, li = 0;
        // interleave, so that load from elsewhere hits both sides alike
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            g = scanner.scan();
            scan[i] = System.nanoTime() - t0;
            if (si < ss.length && i % Math.max(1, iterations / ss.length) == 0) ss[si++] = wall("ss", "-xap");
            if (li < lsof.length && i % Math.max(1, iterations / lsof.length) == 1) lsof[li++] = wall("lsof", "-U", "+E", "-n");
        }
        while (si < ss.length) ss[si++] = wall("ss", "-xap");
        while (li < lsof.length) lsof[li++] = wall("lsof", "-U", "+E", "-n");
        long fds = 0;
        for (ProcessInfo p : g.processes().values()) fds += p.fds().size();
        double sm = median(scan) / 1e6, ssm = median(ss) / 1e6, lm = lsof.length == 0 ? Double.NaN : median(lsof) / 1e6;
        System.out.printf("%-12s %9s %9d %9d %9d %11.1f %11.1f %11.1f %9.2f %9.2f%n", label, built, g.processes().size(),
                g.sockets().size(), fds, sm, ssm, lm, sm / ssm, sm / lm);
    }

    private static long wall(String... cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return System.nanoTime() - t0;
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
