package org.criuatlas.bench;

import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.host.migrate.ImageStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The image-streaming half of {@code bench bridge --stream-to DEST}: one folder shaped like a dump's
 * (one large pages file, many small ones) moved from a bridge of this machine to the bridge on DEST
 * (list, chunks, SHA-256 checked there) and copied with {@code scp -r} to the same host, in the same
 * run, alternating; prints both medians and the ratio. ({@code scp -O}: the classic protocol, which needs no sftp server.)
 */
final class StreamBenchmark {
    private StreamBenchmark() {}

    static void run(BridgeHost here, String dest, String remoteParent, int mib, int rounds) throws IOException, InterruptedException {
        Path src = Files.createTempDirectory("criu-atlas-stream-bench");
        try {
            long bytes = fill(src, mib);
            List<String> sshOpts = sshOptions();
            try (BridgeHost there = BridgeLauncher.ssh(dest)) {
                long[] bridge = new long[rounds], scp = new long[rounds];
                List<String> made = new ArrayList<>();
                for (int i = 0; i < rounds; i++) { // alternating: load from elsewhere hits both alike
                    long t0 = System.nanoTime();
                    ImageStream.Moved m = ImageStream.copy(here, src, there, Path.of(remoteParent), 1, new AtomicBoolean(), b -> {});
                    bridge[i] = System.nanoTime() - t0;
                    made.add(m.folder().toString());
                    String to = remoteParent + "/criu-atlas-scp-" + System.nanoTime();
                    List<String> cmd = new ArrayList<>(List.of("scp", "-O", "-q", "-r", "-o", "BatchMode=yes"));
                    cmd.addAll(sshOpts);
                    cmd.add(src.toString());
                    cmd.add(dest + ":" + to);
                    t0 = System.nanoTime();
                    exec(cmd);
                    scp[i] = System.nanoTime() - t0;
                    made.add(to);
                }
                List<String> rm = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes"));
                rm.addAll(sshOpts);
                rm.addAll(List.of("--", dest, "rm", "-rf"));
                rm.addAll(made);
                exec(rm);
                double b = median(bridge) / 1e6, s = median(scp) / 1e6;
                System.out.printf("image folder: %,d bytes in %d files (one of %d MiB)%n", bytes, count(src), mib);
                System.out.printf("through the bridges to %s: %8.1f ms  %6.1f MiB/s (SHA-256 on both ends)%n", dest, b, bytes / 1048576.0 / (b / 1000));
                System.out.printf("scp -O -r to %s:       %8.1f ms  %6.1f MiB/s%n", dest, s, bytes / 1048576.0 / (s / 1000));
                System.out.printf("bridges / scp: %.2fx (medians of %d, alternating)%n", b / s, rounds);
            }
        } finally {
            try (Stream<Path> w = Files.walk(src)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** One pages file of {@code mib} MiB of random bytes and 200 small files (a dump of a few dozen processes). */
    private static long fill(Path dir, int mib) throws IOException {
        Random r = new Random(7);
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(dir.resolve("pages-1.img"))) {
            for (int i = 0; i < mib; i++) {
                r.nextBytes(buf);
                o.write(buf);
            }
        }
        long total = (long) mib << 20;
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[64 + r.nextInt(4096)];
            r.nextBytes(b);
            Files.write(dir.resolve("core-" + (1000 + i) + ".img"), b);
            total += b.length;
        }
        return total;
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static List<String> sshOptions() {
        String opts = System.getProperty("criuatlas.ssh.options", System.getenv(BridgeLauncher.SSH_OPTIONS_ENV));
        return opts == null || opts.isBlank() ? List.of() : Arrays.stream(opts.trim().split("\\s+")).toList();
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
