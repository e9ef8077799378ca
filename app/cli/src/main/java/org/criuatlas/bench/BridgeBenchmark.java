package org.criuatlas.bench;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.model.IpcGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas bench bridge}: a full scan through a local bridge process (frames on a pipe, the
 * graph as JSON, decoded into the model) against the same scan in this process, on a population of
 * real processes; then refreshes with deltas: bytes and time per refresh against a whole graph.
 * With {@code --stream-to DEST}: a dump-shaped image folder streamed from a bridge here to the bridge on
 * DEST against {@code scp -r} of the same folder ({@link StreamBenchmark}). Not measured yet: dump/restore
 * through the bridge against the criu CLI.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Time a full scan through a local bridge process against the in-process scan, and refreshes with deltas.")
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
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> bridge = List.of(java, "-cp", System.getProperty("java.class.path"), "org.criuatlas.Main", "bridge");
        try (Topology pop = Topology.population(processes, sockets);
             LiveScanner scanner = new LiveScanner();
             BridgeHost host = BridgeLauncher.spawn(bridge, "this machine", "bench")) {
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
            System.out.println("medians of " + iterations + "; through bridge = request, scan in the bridge process, JSON, frame on a pipe,"
                    + " decode into the model here.");
            if (streamTo != null) StreamBenchmark.run(host, streamTo, streamDir, streamMib, streamRounds);
        }
        System.out.println("load average at end: " + LiveProcesses.loadAverage());
        return 0;
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
