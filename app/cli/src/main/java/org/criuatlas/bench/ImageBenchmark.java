package org.criuatlas.bench;

import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.model.SocketType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code criu-atlas bench images}: opens a dump of ~1,000 processes with {@link ImageReader} (warm
 * JVM, median) and decodes the same directory with pycriu (CRIU's Python image library, what
 * {@code crit decode} uses) in the same run; prints the ratio and the time per fd at two sizes to
 * show linearity. The dumps (of a topology-builder tree, see {@link #treePopulation}) are made once with real CRIU and
 * cached under {@code ~/.cache/criu-atlas/bench/}.
 */
@Command(name = "images", mixinStandardHelpOptions = true,
        description = "Time reading a ~1,000-process CRIU dump against a full pycriu decode of the same directory.")
public final class ImageBenchmark implements Callable<Integer> {
    @Option(names = "--processes", description = "processes in the large dump (default ${DEFAULT-VALUE})")
    int processes = 1000;

    @Option(names = "--small", description = "processes in the small dump, for linearity (default ${DEFAULT-VALUE})")
    int small = 250;

    @Option(names = "--runs", description = "timed reads per dump after 15 warm-ups (default ${DEFAULT-VALUE})")
    int runs = 9;

    @Option(names = "--rebuild", description = "make the dumps again even if cached")
    boolean rebuild;

    @Option(names = "--sockets-per-process", description = "socket ends per process in the population (default ${DEFAULT-VALUE})")
    int socketsPerProcess = 6;

    @Option(names = "--python", description = "python with pycriu (default ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";

    /** Decodes every image pycriu can decode (all but the raw pages images), like crit decode without the JSON printing. */
    static final String PYCRIU_DECODE = String.join("\n",
            "import os, sys, time",
            "from pycriu import images",
            "d = sys.argv[1]",
            "t = time.perf_counter(); c = time.process_time(); n = 0; skipped = 0; entries = 0",
            "for name in sorted(os.listdir(d)):",
            "    if name.startswith('pages-') or not (name.endswith('.img') or name.startswith('stats-')):",
            "        skipped += 1; continue",
            "    with open(os.path.join(d, name), 'rb') as f:",
            "        try:",
            "            img = images.load(f); n += 1; entries += len(img['entries'])",
            "        except Exception:",
            "            skipped += 1",
            "print(n, skipped, entries, time.perf_counter() - t, time.process_time() - c)");

    record Result(int processes, int fds, int files, double javaMedianMs, double javaCpuMs, int pyImages,
                  double pySeconds, double pyCpuSeconds) {}

    @Override
    public Integer call() throws Exception {
        Path cache = CriuLocator.atlasHome().resolve("bench");
        Files.createDirectories(cache);
        List<Path> dirs = new ArrayList<>();
        if (small > 0 && small < processes) dirs.add(ensureDump(cache, small));
        dirs.add(ensureDump(cache, processes));
        List<Result> results = measure(dirs);

        System.out.println();
        System.out.println("Image reader benchmark: median of " + runs + " reads in a warm JVM (the dumps read in turn) against a full "
                + "pycriu decode of the same directory (CRIU's Python decoder, as crit uses it; median of 3). Wall time, then "
                + "mean CPU time (all JVM threads vs the python process), which the other load on this machine disturbs less.");
        System.out.printf("%-9s %6s %6s %7s | %11s %9s %7s | %11s %9s %7s | %9s%n", "processes", "fds", "files", "pycriu",
                "ImageReader", "pycriu", "ratio", "Reader CPU", "py CPU", "ratio", "us/fd CPU");
        for (Result r : results) {
            System.out.printf("%-9d %6d %6d %7d | %8.1f ms %7.2f s %6.1fx | %8.1f ms %7.2f s %6.1fx | %9.2f%n", r.processes, r.fds,
                    r.files, r.pyImages, r.javaMedianMs, r.pySeconds, r.pySeconds * 1000 / r.javaMedianMs, r.javaCpuMs,
                    r.pyCpuSeconds, r.pyCpuSeconds * 1000 / r.javaCpuMs, r.javaCpuMs * 1000 / r.fds);
        }
        Result big = results.get(results.size() - 1);
        if (results.size() == 2) {
            Result little = results.get(0);
            System.out.printf("linearity: %.1fx the fds took %.1fx the wall time and %.1fx the CPU time (CPU time per fd x%.2f; 1.00 = linear)%n",
                    (double) big.fds / little.fds, big.javaMedianMs / little.javaMedianMs, big.javaCpuMs / little.javaCpuMs,
                    (big.javaCpuMs / big.fds) / (little.javaCpuMs / little.fds));
        }
        double ratio = Math.min(big.pySeconds * 1000 / big.javaMedianMs, big.pyCpuSeconds * 1000 / big.javaCpuMs);
        System.out.printf("goal >= 10x faster than pycriu at %d processes: %s (%.1fx, the lower of the two ratios)%n",
                big.processes, ratio >= 10 ? "met" : "NOT met", ratio);
        return 0;
    }

    List<Result> measure(List<Path> dirs) throws Exception {
        // the whole JVM's CPU time (reader threads on the common pool, plus JIT and GC): the fair figure
        var mx = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int k = dirs.size();
        ImageDump[] first = new ImageDump[k];
        for (int d = 0; d < k; d++) {
            first[d] = ImageReader.open(dirs.get(d));
            for (int i = 0; i < 15; i++) ImageReader.open(dirs.get(d)); // let the JIT settle
        }
        double[][] wall = new double[k][runs], cpu = new double[k][runs];
        for (int i = 0; i < runs; i++) {
            for (int d = 0; d < k; d++) { // in turn, so load changes hit every size alike
                long c0 = mx.getProcessCpuTime(), t0 = System.nanoTime();
                ImageReader.open(dirs.get(d));
                wall[d][i] = (System.nanoTime() - t0) / 1e6;
                cpu[d][i] = (mx.getProcessCpuTime() - c0) / 1e6;
            }
        }
        List<Result> out = new ArrayList<>();
        for (int d = 0; d < k; d++) {
            Path dir = dirs.get(d);
            double[] py = new double[3], pyCpu = new double[3];
            int pyImages = 0;
            long entries = 0;
            for (int i = 0; i < 3; i++) {
                Process p = new ProcessBuilder(python, "-c", PYCRIU_DECODE, dir.toString()).redirectErrorStream(true).start();
                String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException("pycriu decode failed (is python3-pycriu installed for " + python + "?): " + o);
                }
                String[] t = o.substring(o.lastIndexOf('\n') + 1).split(" ");
                pyImages = Integer.parseInt(t[0]);
                entries = Long.parseLong(t[2]);
                py[i] = Double.parseDouble(t[3]);
                pyCpu[i] = Double.parseDouble(t[4]);
            }
            int fds = first[d].graph().processes().values().stream().mapToInt(p -> p.fds().size()).sum();
            // process CPU time ticks in 10 ms steps here: the mean over all reads, not a median of ticks
            Result r = new Result(first[d].graph().processes().size(), fds, first[d].imageCount(), median(wall[d]),
                    Arrays.stream(cpu[d]).average().orElse(0),
                    pyImages, median(py), median(pyCpu));
            System.out.printf("%s: %d processes, %d fds, %d files; ImageReader %.1f ms (CPU %.1f ms); pycriu %d images, %d entries, %.2f s (CPU %.2f s)%n",
                    dir, r.processes, fds, r.files, r.javaMedianMs, r.javaCpuMs, pyImages, entries, r.pySeconds, r.pyCpuSeconds);
            out.add(r);
        }
        return out;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /**
     * A topology-builder population under one root (Topology.population builds a forest of
     * 100-process trees whose sockets cross between trees, which no single dump can hold): a tree
     * of fan-out 4, and random socketpairs of every type, stream listeners with clients, dgram
     * servers with clients and pipes between random processes, about {@code socketEnds} ends.
     */
    static TopologySpec treePopulation(int n, int socketEnds) {
        TopologySpec s = new TopologySpec().process("p0");
        for (int i = 1; i < n; i++) s.process("p" + i, "p" + ((i - 1) / 4));
        java.util.Random rnd = new java.util.Random(42);
        SocketType[] types = {SocketType.STREAM, SocketType.DGRAM, SocketType.SEQPACKET};
        int made = 0, k = 0;
        while (made < socketEnds) {
            String a = "p" + rnd.nextInt(n), b = "p" + rnd.nextInt(n), o = "o" + k++;
            int kind = rnd.nextInt(10);
            if (kind < 6) {
                s.socketpair(o, types[kind % 3], a, b);
                made += 2;
            } else if (kind == 6) {
                s.listen(o, SocketType.STREAM, a, TopologySpec.AUTO_ABSTRACT);
                made++;
                for (int c = 0, m = 1 + rnd.nextInt(2); c < m; c++) {
                    s.connect("o" + k++, "p" + rnd.nextInt(n), o);
                    made += 2;
                }
            } else if (kind == 7) {
                s.dgramServer(o, a, TopologySpec.AUTO_ABSTRACT);
                s.connect("o" + k++, b, o);
                made += 2;
            } else {
                s.pipe(o, a, b);
            }
        }
        return s;
    }

    /** A cached dump of a topology-builder population of {@code n} processes, made with real CRIU if missing. */
    Path ensureDump(Path cache, int n) throws Exception {
        Path dir = cache.resolve("images-topo-" + n);
        Path done = dir.resolve(".complete");
        if (!rebuild && Files.exists(done)) return dir;
        Path criu = CriuLocator.require().path();
        if (Files.exists(dir)) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        System.out.println("making a dump of a " + n + "-process population in " + dir + " (once; cached) ...");
        try (Topology t = Topology.start(treePopulation(n, n * socketsPerProcess), java.time.Duration.ofMinutes(5))) {
            // p0 is the root of the whole tree; nothing in it reaches outside
            List<String> cmd = List.of(criu.toString(), "dump", "-t", String.valueOf(t.pid("p0")), "-D", dir.toString(),
                    "-o", "dump.log");
            Process c = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("criu.out").toFile()).start();
            if (!c.waitFor(10, TimeUnit.MINUTES)) {
                c.destroyForcibly();
                throw new IllegalStateException("criu dump hung");
            }
            if (c.exitValue() != 0) throw new IllegalStateException("criu dump failed, see " + dir.resolve("dump.log"));
        }
        Files.writeString(done, "");
        return dir;
    }
}
