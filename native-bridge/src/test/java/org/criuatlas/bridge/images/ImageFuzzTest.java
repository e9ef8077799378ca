package org.criuatlas.bridge.images;

import com.sun.management.ThreadMXBean;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutates the images of a real CRIU dump (bit flips, truncation, corrupt length words, splices,
 * overwrites, deleted files) and reads each mutant: only {@link ImageFormatException} may come
 * out, every read is bounded in time and in allocated memory. {@code -Dfuzz.cases=N} (default
 * 10,000) and {@code -Dfuzz.seed=S} (printed on failure) for longer or repeated runs.
 */
class ImageFuzzTest {
    static final long MAX_READ_MILLIS = 2_000;
    static final long MAX_READ_ALLOC = 64L << 20;

    @TempDir
    Path tmp;

    @Test
    @Timeout(600)
    void mutatedImagesGiveOnlyTypedErrors() throws Exception {
        var criu = Requirements.requireCriu();
        Map<String, byte[]> originals = new TreeMap<>();
        Path work = Files.createDirectories(tmp.resolve("mutant"));
        try (DumpedFixture fx = DumpedFixture.dump(criu)) {
            try (var s = Files.list(fx.images)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = p.getFileName().toString();
                    // only what the reader opens: pages, mm, fs, pagemap are never read
                    if (n.matches("inventory\\.img|pstree\\.img|(core|ids|fdinfo)-\\d+\\.img|files\\.img|pipes-data\\.img"
                            + "|fifo-data\\.img|sk-queues\\.img|stats-dump")) {
                        originals.put(n, Files.readAllBytes(p));
                    }
                }
            }
        }
        for (var e : originals.entrySet()) Files.write(work.resolve(e.getKey()), e.getValue());
        ImageReader.read(work); // the unmutated copy reads

        int cases = Integer.getInteger("fuzz.cases", 10_000);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        List<String> names = new ArrayList<>(originals.keySet());
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        Map<ImageFormatException.Kind, Integer> outcomes = new EnumMap<>(ImageFormatException.Kind.class);
        int ok = 0;
        long maxNanos = 0, maxAlloc = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            String name = names.get(rnd.nextInt(names.size()));
            byte[] orig = originals.get(name);
            int op = rnd.nextInt(7);
            byte[] mutant = op == 6 && rnd.nextInt(8) == 0 ? null : mutate(orig, op, rnd, originals, names);
            Path target = work.resolve(name);
            if (mutant == null) Files.delete(target);
            else Files.write(target, mutant);
            long a0 = mx.getThreadAllocatedBytes(tid);
            long n0 = System.nanoTime();
            try {
                ImageReader.open(work);
                ok++;
            } catch (ImageFormatException e) {
                outcomes.merge(e.kind(), 1, Integer::sum);
                if (e.getMessage() == null || e.file().isEmpty()) fail("error without a file name: " + e);
            } catch (Throwable t) {
                fail("case " + i + " (seed " + seed + ", " + name + ", op " + op + "): " + t, t);
            }
            long dt = System.nanoTime() - n0;
            long alloc = mx.getThreadAllocatedBytes(tid) - a0;
            maxNanos = Math.max(maxNanos, dt);
            maxAlloc = Math.max(maxAlloc, alloc);
            if (dt > MAX_READ_MILLIS * 1_000_000) fail("case " + i + " (seed " + seed + ") took " + dt / 1_000_000 + " ms");
            if (alloc > MAX_READ_ALLOC) fail("case " + i + " (seed " + seed + ") allocated " + alloc + " bytes");
            Files.write(target, orig);
        }
        System.out.printf("fuzz: %d cases in %.1f s (seed %d): %d read fine, errors %s; slowest read %.1f ms, most allocated %d KiB%n",
                cases, (System.nanoTime() - t0) / 1e9, seed, ok, outcomes, maxNanos / 1e6, maxAlloc >> 10);
        assertTrue(outcomes.values().stream().mapToInt(Integer::intValue).sum() > cases / 4, "most mutants should be refused: " + outcomes);
    }

    static byte[] mutate(byte[] b, int op, Random rnd, Map<String, byte[]> all, List<String> names) {
        int n = b.length;
        switch (op) {
            case 0 -> { // bit flips
                byte[] m = b.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int k = 0; k < flips && n > 0; k++) m[rnd.nextInt(n)] ^= (byte) (1 << rnd.nextInt(8));
                return m;
            }
            case 1 -> { // truncation
                return Arrays.copyOf(b, n == 0 ? 0 : rnd.nextInt(n));
            }
            case 2 -> { // corrupt a length word (walking the framing where possible)
                List<Integer> words = lengthWords(b);
                if (words.isEmpty()) return b.clone();
                int at = words.get(rnd.nextInt(words.size()));
                int v = switch (rnd.nextInt(5)) {
                    case 0 -> rnd.nextInt();
                    case 1 -> -1;
                    case 2 -> n - at - 4 + 1 + rnd.nextInt(16);
                    case 3 -> rnd.nextInt(8);
                    default -> Integer.MAX_VALUE;
                };
                byte[] m = b.clone();
                System.arraycopy(SyntheticDump.u32(v), 0, m, at, 4);
                return m;
            }
            case 3 -> { // splice: a piece of another image inserted
                byte[] other = all.get(names.get(rnd.nextInt(names.size())));
                int from = other.length == 0 ? 0 : rnd.nextInt(other.length);
                int len = Math.min(other.length - from, 1 + rnd.nextInt(64));
                int at = rnd.nextInt(n + 1);
                byte[] m = new byte[n + len];
                System.arraycopy(b, 0, m, 0, at);
                System.arraycopy(other, from, m, at, len);
                System.arraycopy(b, at, m, at + len, n - at);
                return m;
            }
            case 4 -> { // random overwrite of a range
                byte[] m = b.clone();
                if (n == 0) return m;
                int at = rnd.nextInt(n);
                int len = Math.min(n - at, 1 + rnd.nextInt(32));
                for (int k = 0; k < len; k++) m[at + k] = (byte) rnd.nextInt(256);
                return m;
            }
            case 5 -> { // a chunk cut out
                if (n < 2) return new byte[0];
                int at = rnd.nextInt(n - 1);
                int len = 1 + rnd.nextInt(Math.min(32, n - at));
                byte[] m = new byte[n - len];
                System.arraycopy(b, 0, m, 0, at);
                System.arraycopy(b, at + len, m, at, n - at - len);
                return m;
            }
            default -> { // random garbage of a similar size
                byte[] m = new byte[rnd.nextInt(n + 16)];
                rnd.nextBytes(m);
                if (m.length >= 8 && rnd.nextBoolean()) System.arraycopy(b, 0, m, 0, Math.min(8, n));
                return m;
            }
        }
    }

    /** Offsets of entry length words, following lengths from the head (ignores raw payloads). */
    static List<Integer> lengthWords(byte[] b) {
        List<Integer> out = new ArrayList<>();
        int pos = b.length >= 4 && (le(b, 0) == ImageMagic.INVENTORY) ? 4 : 8;
        while (pos + 4 <= b.length && out.size() < 1000) {
            out.add(pos);
            long len = Integer.toUnsignedLong(le(b, pos));
            if (pos + 4 + len > b.length) break;
            pos += 4 + (int) len;
        }
        return out;
    }

    static int le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
