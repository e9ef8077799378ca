package org.criuatlas.bench;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.model.IpcGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code criu-atlas bench bridge}: a full scan through a local bridge process (frames on a pipe, the
 * graph in its binary form, decoded into the model) against the same scan in this process, on a
 * population of real processes; then refreshes with deltas: bytes and time per refresh against a whole
 * graph. Then dumps ({@code --leave-running}) and restores of real trees through the same bridge against
 * the {@code criu} command line on the same trees, in balanced rounds ({@link CriuBenchmark} with its
 * BRIDGE side). With {@code --stream-to DEST}: a dump-shaped image folder streamed from a bridge here to
 * the bridge on DEST against {@code scp -r} of the same folder ({@link StreamBenchmark}).
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Time a full scan through a local bridge process against the in-process scan, refreshes with deltas,"
                + " and dumps and restores through the bridge against the criu command line.")
public final class BridgeBenchmark implements Callable<Integer> {
    @Option(names = "--processes", description = "Processes to build (default: ${DEFAULT-VALUE}).")
    int processes = 1000;

    @Option(names = "--sockets", description = "Socket ends among them (default: ${DEFAULT-VALUE}).")
    int sockets = 4000;

    @Option(names = "--iterations", description = "Timed scans of each kind (default: ${DEFAULT-VALUE}).")
    int iterations = 15;

    @Option(names = "--stream-to", paramLabel = "DEST", description = "Also stream a dump-shaped image folder to the bridge on DEST"
            + " (ssh, as --host) and scp -r it there, alternating; prints the ratio.")
    String streamTo;

    @Option(names = "--stream-mib", description = "Size of the folder's pages file in MiB (default: ${DEFAULT-VALUE}).")
    int streamMib = 64;

    @Option(names = "--stream-dir", description = "Where on DEST the copies go (removed after; default: ${DEFAULT-VALUE}).")
    String streamDir = "/tmp";

    @Option(names = "--stream-rounds", description = "Timed copies of each kind (default: ${DEFAULT-VALUE}).")
    int streamRounds = 5;

    @Option(names = "--stream-only", description = "Skip the scan part.")
    boolean streamOnly;

    @Option(names = {"--dump-processes", "--criu-processes"}, split = ",", paramLabel = "N", description = "Tree sizes dumped and"
            + " restored through the bridge and with the criu command line (default: ${DEFAULT-VALUE}; 0: none). 1000 is not in the"
            + " default: with the default 6 rounds it adds about 10-15 minutes to the run (10 and 100: 1-2 minutes;"
            + " 2 shared cores, load 5-25); e.g. --dump-processes 10,100,1000.")
    List<Integer> dumpSizes = List.of(10, 100);

    @Option(names = "--dump-rounds", description = "Timed rounds per tree size, each side (the CLI; SWRK, the same swrk request with"
            + " nothing around it; the bridge) starting as many of them (default: ${DEFAULT-VALUE}, rounded up to a multiple of the sides).")
    int dumpRounds = 6;

    @Option(names = "--session", description = "Also dump and restore with the in-process session (the window running criu itself):"
            + " what the bridge adds over it.")
    boolean withSession;

    @Option(names = "--plain-jvm", description = "Start the bridge with this JVM's class path and nothing else, not with the"
            + " options ./criu-atlas starts it with (" + JvmOptions.FILE_NAME + ").")
    boolean plainJvm;

    @Option(names = {"-v", "--log-level"}, description = "CRIU log level of the dumps and restores on both sides (default: ${DEFAULT-VALUE}).")
    int logLevel = 4;

    @Override
    public Integer call() throws Exception {
        if (streamTo != null) BridgeLauncher.checkDestination(streamTo);
        if (streamOnly) {
            if (streamTo == null) throw new IllegalArgumentException("--stream-only needs --stream-to DEST");
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            try (BridgeHost host = BridgeLauncher.spawn(List.of(java, "-cp", System.getProperty("java.class.path"), "org.criuatlas.Main",
                    "bridge"), "this machine", "bench")) {
                System.out.println("load average at start: " + LiveProcesses.loadAverage());
                StreamBenchmark.run(host, streamTo, streamDir, streamMib, streamRounds);
                System.out.println("load average at end: " + LiveProcesses.loadAverage());
            }
            return 0;
        }
        System.out.println("load average at start: " + LiveProcesses.loadAverage());
        // as ./criu-atlas bridge starts it (the build's JVM options for short-lived commands), or as before with --plain-jvm
        List<String> bridge = new ArrayList<>(plainJvm ? JvmOptions.plain() : JvmOptions.headless(null));
        bridge.add("bridge");
        System.out.println("bridge runs as: " + String.join(" ", bridge));
        try (BridgeHost host = BridgeLauncher.spawn(bridge, "this machine", "bench")) {
            scans(host);
            if (streamTo != null) StreamBenchmark.run(host, streamTo, streamDir, streamMib, streamRounds);
            List<Integer> sizes = dumpSizes.stream().filter(n -> n > 0).toList();
            if (!sizes.isEmpty()) dumpsAndRestores(host, sizes);
        }
        System.out.println("load average at end: " + LiveProcesses.loadAverage());
        return 0;
    }

    private void scans(BridgeHost host) throws Exception {
        try (Topology pop = Topology.population(processes, sockets);
             LiveScanner scanner = new LiveScanner()) {
            long[] local = new long[iterations], remote = new long[iterations], delta = new long[iterations];
            long[] fullBytes = new long[iterations], deltaBytes = new long[iterations];
            // warm both sides (JIT, pools)
            for (int i = 0; i < 3; i++) {
                scanner.scan();
                host.scanWhole();
            }
            IpcGraph g = null;
            for (int i = 0; i < iterations; i++) { // interleaved: load from elsewhere hits both alike
                long t0 = System.nanoTime();
                g = scanner.scan();
                local[i] = System.nanoTime() - t0;
                long b0 = host.link().bytesIn();
                t0 = System.nanoTime();
                host.scanWhole();
                remote[i] = System.nanoTime() - t0;
                fullBytes[i] = host.link().bytesIn() - b0;
            }
            host.scanWhole();
            for (int i = 0; i < iterations; i++) {
                long b0 = host.link().bytesIn();
                long t0 = System.nanoTime();
                host.scan();
                delta[i] = System.nanoTime() - t0;
                deltaBytes[i] = host.link().bytesIn() - b0;
            }
            double lm = median(local) / 1e6, rm = median(remote) / 1e6, dm = median(delta) / 1e6;
            double fb = median(fullBytes), db = median(deltaBytes);
            System.out.printf("population: %d processes in the graph (%d built), %d unix sockets%n", g.processes().size(),
                    pop.manifest().processes().size(), g.sockets().size());
            System.out.printf("full scan in process:       %8.1f ms%n", lm);
            System.out.printf("full scan through bridge:   %8.1f ms  %.2fx (goal <= 1.3x)  %,.0f bytes per refresh%n", rm, rm / lm, fb);
            System.out.printf("refresh with deltas:        %8.1f ms  %.2fx of in-process  %,.0f bytes per refresh (%.1f%% of a whole graph)%n",
                    dm, dm / lm, db, 100.0 * db / fb);
            System.out.printf("paired by iteration (through bridge / in process, same iteration): median %.2fx%n", pairedMedian(remote, local));
            System.out.println("medians of " + iterations + "; through bridge = request, scan in the bridge process, the graph's binary form,"
                    + " frame on a pipe, decode into the model here.");
        }
    }

    /** Dumps and restores of real trees through the bridge and with the criu command line, in balanced rounds. */
    private void dumpsAndRestores(BridgeHost host, List<Integer> sizes) throws Exception {
        System.out.println();
        CriuBenchmark criu = new CriuBenchmark();
        criu.sizes = sizes;
        criu.runs = dumpRounds;
        criu.logLevel = logLevel;
        // SWRK: the same request with nothing around it, in this JVM: what any client of criu swrk pays over the command line;
        // HOST: the bridge's own calls made in this JVM, so the bridge's figure splits into the host's work and the link's
        List<CriuBenchmark.Tool> tools = new ArrayList<>(List.of(CriuBenchmark.Tool.CLI, CriuBenchmark.Tool.SWRK, CriuBenchmark.Tool.HOST,
                CriuBenchmark.Tool.BRIDGE));
        if (withSession) tools.add(2, CriuBenchmark.Tool.SESSION);
        criu.tools = tools;
        criu.bridge = new BridgeCriuSide(host, logLevel);
        ExecutorService work = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-local-host");
            t.setDaemon(true);
            return t;
        });
        try (LocalHost local = new LocalHost(LocalHost.Parts.real(work).withSpareCriu())) { // as the bridge makes it
            criu.host = new BridgeCriuSide(local, logLevel);
            criu.call();
        } finally {
            work.shutdownNow();
        }
        System.out.printf("restores through a host are timed from Restore clicked; opening the images before (the restore board"
                + " shows their wiring), timed apart: median %.0f ms through the bridge, %.0f ms in process%n", criu.bridge.medianOpenMs(),
                criu.host.medianOpenMs());
    }

    private static double pairedMedian(long[] a, long[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = (double) a[i] / b[i];
        Arrays.sort(r);
        return r[r.length / 2];
    }


    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
