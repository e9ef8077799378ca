package org.criuatlas.bench;

import org.criuatlas.bridge.archive.ArchiveReader;
import org.criuatlas.bridge.archive.CheckpointArchive;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.images.ImageReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code criu-atlas bench archive}: opening a container checkpoint archive (.tar.zst) of a
 * 1,000-process dump against what a user does without CRIU Atlas: extract it with {@code tar} and
 * decode the images with pycriu (crit's decoder), in the same run.
 *
 * <p>The archive is built once (cached) from the real 1,000-process CRIU dump of {@code bench
 * images} (topology-builder population, real CRIU) in podman's layout: podman-shaped config.dump,
 * spec.dump and network.status at the top, CRIU's stats-dump beside checkpoint/, every image under
 * checkpoint/ in name order, zstd-compressed by {@code tar --zstd} as podman's default. (A real
 * 1,000-process podman container would need atlas-topo built statically for the busybox image.)
 */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Time opening a 1,000-process checkpoint archive (.tar.zst) against tar extraction + pycriu decode.")
public final class ArchiveBenchmark implements Callable<Integer> {
    @Option(names = "--processes", description = "processes in the dump (default ${DEFAULT-VALUE})")
    int processes = 1000;

    @Option(names = "--runs", description = "timed opens after 5 warm-ups (default ${DEFAULT-VALUE})")
    int runs = 7;

    @Option(names = "--reference-runs", description = "tar + pycriu runs (default ${DEFAULT-VALUE})")
    int referenceRuns = 3;

    @Option(names = "--python", description = "python with pycriu (default ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";

    @Option(names = "--rebuild", description = "make the dump and the archive again even if cached")
    boolean rebuild;

    @Override
    public Integer call() throws Exception {
        Path cache = CriuLocator.atlasHome().resolve("bench");
        Files.createDirectories(cache);
        ImageBenchmark images = new ImageBenchmark();
        images.rebuild = rebuild;
        Path dump = images.ensureDump(cache, processes);
        Path archive = ensureArchive(cache, dump);

        CheckpointArchive first = ArchiveReader.open(archive);
        String want = ImageReader.open(dump).graph().summary();
        if (!first.dump().graph().summary().equals(want)) {
            throw new IllegalStateException("the archive reads as " + first.dump().graph().summary() + ", the folder as " + want);
        }
        for (int i = 0; i < 5; i++) ArchiveReader.open(archive);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] wall = new double[runs], cpu = new double[runs];
        long ticks = Long.parseLong(run(List.of("getconf", "CLK_TCK")).trim());
        for (int i = 0; i < runs; i++) {
            // the JVM's CPU and its reaped children's (the zstd process that decodes the stream, when there is one)
            long c0 = os.getProcessCpuTime(), k0 = childTicks(), t0 = System.nanoTime();
            ArchiveReader.open(archive);
            wall[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (os.getProcessCpuTime() - c0) / 1e6 + (childTicks() - k0) * 1000.0 / ticks;
        }

        // the floor: any reader must decode the whole zstd stream (one frame; pstree.img comes after the pages)
        double[] floor = new double[referenceRuns];
        for (int i = 0; i < referenceRuns; i++) {
            long t0 = System.nanoTime();
            run(List.of("sh", "-c", "zstd -dc \"$1\" > /dev/null", "sh", archive.toString()));
            floor[i] = (System.nanoTime() - t0) / 1e6;
        }
        double[] refWall = new double[referenceRuns], tarWall = new double[referenceRuns], pyWall = new double[referenceRuns];
        double[] pyCpu = new double[referenceRuns], tarCpu = new double[referenceRuns];
        String pyOut = "";
        for (int i = 0; i < referenceRuns; i++) {
            Path out = Files.createTempDirectory(cache, "extract-");
            try {
                long t0 = System.nanoTime();
                String times = run(List.of("bash", "-c", "TIMEFORMAT='%3U %3S'; time tar --zstd -xf \"$1\" -C \"$2\"", "bash",
                        archive.toString(), out.toString()));
                long t1 = System.nanoTime();
                String[] us = times.trim().split("\\s+");
                tarCpu[i] = (Double.parseDouble(us[us.length - 2]) + Double.parseDouble(us[us.length - 1])) * 1000;
                pyOut = run(List.of(python, "-c", ImageBenchmark.PYCRIU_DECODE, out.resolve("checkpoint").toString()));
                long t2 = System.nanoTime();
                tarWall[i] = (t1 - t0) / 1e6;
                pyWall[i] = (t2 - t1) / 1e6;
                refWall[i] = (t2 - t0) / 1e6;
                String[] f = pyOut.trim().split("\\s+");
                pyCpu[i] = Double.parseDouble(f[4]) * 1000;
            } finally {
                delete(out);
            }
        }
        double w = ImageBenchmark.median(wall), c = ImageBenchmark.median(cpu);
        double rw = ImageBenchmark.median(refWall), tw = ImageBenchmark.median(tarWall), pw = ImageBenchmark.median(pyWall);
        var s = first.sizes();
        System.out.printf("archive %s: %d processes (%s), %d members, %.1f MiB stored, %.1f MiB as tar, pages %.1f MiB%n",
                archive, first.dump().graph().processes().size(), want, first.members(), s.archiveBytes() / 1048576.0,
                s.streamBytes() / 1048576.0, s.memoryPagesBytes() / 1048576.0);
        System.out.printf("ArchiveReader.open (median of %d after 5 warm-ups; zstd decoder: %s): %.1f ms wall, %.1f ms CPU (the JVM and"
                + " its zstd process)%n", runs, ArchiveReader.zstdDecoder(), w, c);
        System.out.printf("tar --zstd -xf + pycriu decode (median of %d): %.1f ms = tar %.1f ms + pycriu %.1f ms (pycriu CPU %.1f ms; %s)%n",
                referenceRuns, rw, tw, pw, ImageBenchmark.median(pyCpu), pyOut.trim());
        double refCpu = ImageBenchmark.median(tarCpu) + ImageBenchmark.median(pyCpu);
        System.out.printf("CPU: ArchiveReader %.1f ms vs tar (with zstd) %.1f ms + pycriu %.1f ms = %.1f ms: %.1fx%n", c,
                ImageBenchmark.median(tarCpu), ImageBenchmark.median(pyCpu), refCpu, refCpu / c);
        System.out.printf("zstd -dc > /dev/null alone (the decompression floor for any reader): %.1f ms%n", ImageBenchmark.median(floor));
        System.out.printf("ratio: %.1fx faster in wall time (goal >= 10x): %s; %.1fx against pycriu alone%n", rw / w,
                rw / w >= 10 ? "met" : "NOT met", pw / w);
        System.out.printf("load average at the end: %.2f%n", os.getSystemLoadAverage());
        return 0;
    }

    /** CPU time of this process's reaped children, in clock ticks (/proc/self/stat cutime + cstime). */
    private static long childTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]); // fields 16 and 17 of proc(5)
    }

    /** The dump in podman's archive layout, compressed with zstd; made once. */
    private Path ensureArchive(Path cache, Path dump) throws Exception {
        Path archive = cache.resolve("archive-topo-" + processes + ".tar.zst");
        if (!rebuild && Files.exists(archive) && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(dump)) > 0) {
            return archive;
        }
        Path staging = Files.createTempDirectory(cache, "staging-");
        try {
            Path cp = Files.createDirectory(staging.resolve("checkpoint"));
            try (Stream<Path> s = Files.list(dump)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    if (n.equals("stats-dump")) Files.createLink(staging.resolve(n), p);
                    else if (n.endsWith(".img")) Files.createLink(cp.resolve(n), p);
                }
            }
            String id = "5eed0000000000000000000000000000000000000000000000000000000000" + String.format("%02d", processes % 100);
            Files.writeString(staging.resolve("config.dump"), "{\"id\":\"" + id + "\",\"name\":\"bench-" + processes + "\","
                    + "\"rootfsImageName\":\"localhost/atlas-busybox:latest\",\"runtime\":\"runc\","
                    + "\"createdTime\":\"2026-12-05T08:00:00Z\"}", StandardCharsets.UTF_8);
            Files.writeString(staging.resolve("spec.dump"), "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"atlas-topo\"]},"
                    + "\"annotations\":{\"io.container.manager\":\"libpod\"},\"mounts\":[]}", StandardCharsets.UTF_8);
            Files.writeString(staging.resolve("network.status"), "null", StandardCharsets.UTF_8);
            Path tmp = cache.resolve(archive.getFileName() + ".part");
            run(List.of("tar", "--sort=name", "--zstd", "-cf", tmp.toString(), "-C", staging.toString(),
                    "config.dump", "spec.dump", "network.status", "stats-dump", "checkpoint"));
            Files.move(tmp, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            delete(staging);
        }
        return archive;
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd.get(0) + " hung");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
