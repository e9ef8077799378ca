package org.criuatlas.bench;

import com.sun.management.OperatingSystemMXBean;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas bench scan}: the in-process snapshot (warm JVM, median of many) against
 * {@code ss -xtuap} (and optionally {@code lsof}) on the same populations: processes built by the
 * project's topology builder ({@link Topology#population}: process trees, socketpairs of each type,
 * listeners with accepted connections, dgram servers with clients) plus processes holding TCP
 * connections and UDP sockets ({@link InetPopulation}). Wall time and CPU time, since on a shared
 * machine wall time says as much about the neighbours as about the scan.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Time the live scan against ss -xtuap (and lsof) on populations of real processes with unix and inet sockets.")
public final class ScanBenchmark implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", paramLabel = "PROCESSESxSOCKETS",
            description = "Populations to build (default: 200x2000,1000x20000).")
    List<String> sizes = List.of("200x2000", "1000x20000");

    @Option(names = "--inet-share", description = "Part of the sockets that are TCP/UDP, held by 5%% of the processes (default: ${DEFAULT-VALUE}).")
    double inetShare = 0.2;

    @Option(names = "--iterations", description = "Timed scans per population (default: ${DEFAULT-VALUE}).")
    int iterations = 21;

    @Option(names = "--ref-runs", description = "Runs of each reference tool (default: ${DEFAULT-VALUE}).")
    int refRuns = 7;

    @Option(names = "--lsof", description = "Also time lsof -U -i -n -P +E (slow).")
    boolean lsof;

    private static final long TICK_NS = 10_000_000L; // USER_HZ = 100 on every Linux architecture we run on

    @Override
    public Integer call() throws Exception {
        System.out.println("load average at start: " + loadAverage());
        System.out.printf("%-11s %13s %9s %7s %7s %7s %15s %15s %8s %8s%s%n", "population", "built", "processes", "unix", "inet", "fds",
                "scan ms (cpu)", "ss -xtuap (cpu)", "wall", "cpu", lsof ? String.format(" %9s %9s", "lsof ms", "scan/lsof") : "");
        try (LiveScanner scanner = new LiveScanner()) {
            for (String size : sizes) {
                String[] pq = size.toLowerCase().split("x");
                int procs = Integer.parseInt(pq[0].strip());
                int socks = Integer.parseInt(pq[1].strip());
                int inetProcs = Math.max(1, procs / 20);
                int inetSocks = (int) Math.round(socks * inetShare);
                try (InetPopulation inet = InetPopulation.start(inetProcs - 1, inetSocks);
                     Topology pop = Topology.population(procs - inet.processes, socks - inet.sockets)) {
                    String built = (pop.manifest().processes().size() + inet.processes) + "p/"
                            + (pop.manifest().ends().size() + inet.sockets) + "s";
                    row(size, built, scanner);
                }
            }
        }
        System.out.println("scan = median in-process snapshot (warm JVM, whole system, one worker thread per core: "
                + Runtime.getRuntime().availableProcessors() + "), CPU = this JVM's CPU time during it; ss/lsof = median wall"
                + " time of the command, output discarded, CPU = its user+system time; wall/cpu = scan/ss ratios;"
                + " built = the population's processes/socket ends (about " + Math.round(inetShare * 100) + "% of them TCP/UDP;"
                + " the rest of the system is scanned too).");
        System.out.println("load average at end: " + loadAverage());
        return 0;
    }

    private static String loadAverage() {
        String l = LiveProcesses.loadAverage();
        return l.isEmpty() ? "unknown" : l;
    }

    private void row(String label, String built, LiveScanner scanner) throws IOException, InterruptedException {
        IpcGraph g = null;
        // warm up the dentry cache and the JIT: until the compiler has had nothing left to do for five
        // scans (a scan calls its code once per process or socket, so C2 takes a few dozen scans)
        var jit = ManagementFactory.getCompilationMXBean();
        long lastJit = jit.getTotalCompilationTime();
        for (int i = 0, quiet = 0; i < 80 && (i < Math.max(5, iterations / 2) || quiet < 5); i++) {
            g = scanner.scan();
            long now = jit.getTotalCompilationTime();
            quiet = now - lastJit < 5 ? quiet + 1 : 0;
            lastJit = now;
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] scan = new long[iterations], scanCpu = new long[iterations];
        long[] ss = new long[refRuns], ssCpu = new long[refRuns];
        long[] ls = new long[lsof ? Math.max(1, refRuns - 2) : 0];
        int si = 0, li = 0;
        // interleave, so that load from elsewhere hits both sides alike
        for (int i = 0; i < iterations; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            g = scanner.scan();
            scan[i] = System.nanoTime() - t0;
            scanCpu[i] = os.getProcessCpuTime() - c0;
            if (si < ss.length && i % Math.max(1, iterations / ss.length) == 0) {
                long[] r = timed("ss", "-xtuap");
                ss[si] = r[0];
                ssCpu[si++] = r[1];
            }
            if (li < ls.length && i % Math.max(1, iterations / ls.length) == 1) ls[li++] = timed("lsof", "-U", "-i", "-n", "-P", "+E")[0];
        }
        while (si < ss.length) {
            long[] r = timed("ss", "-xtuap");
            ss[si] = r[0];
            ssCpu[si++] = r[1];
        }
        while (li < ls.length) ls[li++] = timed("lsof", "-U", "-i", "-n", "-P", "+E")[0];
        long fds = 0;
        for (ProcessInfo p : g.processes().values()) fds += p.fds().size();
        double sm = median(scan) / 1e6, sc = median(scanCpu) / 1e6, ssm = median(ss) / 1e6, ssc = median(ssCpu) / 1e6;
        String lsofCols = "";
        if (lsof) {
            double lm = median(ls) / 1e6;
            lsofCols = String.format(" %9.1f %9.2f", lm, sm / lm);
        }
        System.out.printf("%-11s %13s %9d %7d %7d %7d %15s %15s %7.2fx %7.2fx%s%n", label, built, g.processes().size(), g.sockets().size(),
                g.inetSockets().size(), fds, String.format("%.1f (%.0f)", sm, sc), String.format("%.1f (%.0f)", ssm, ssc),
                sm / ssm, ssc > 0 ? sc / ssc : Double.NaN, lsofCols);
    }

    /**
     * {wall, cpu} nanoseconds of one run of the command; its CPU time from our children's times in
     * /proc/self/stat (cutime + cstime grow by what a reaped child used).
     */
    private static long[] timed(String... cmd) throws IOException, InterruptedException {
        long c0 = childrenCpuTicks();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        long wall = System.nanoTime() - t0;
        long cpu = (childrenCpuTicks() - c0) * TICK_NS;
        return new long[] {wall, cpu};
    }

    /** Fields 16 and 17 of /proc/self/stat: CPU of waited-for children, in clock ticks. */
    private static long childrenCpuTicks() throws IOException {
        String s = Files.readString(Path.of("/proc/self/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]); // fields 16, 17 counted from the state (field 3)
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
