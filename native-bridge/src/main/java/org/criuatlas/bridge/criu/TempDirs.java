package org.criuatlas.bridge.criu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temp directories CRIU Atlas makes for criu runs, topologies and demos. */
public final class TempDirs {
    private TempDirs() {}

    /**
     * Removes {@code dir} and everything under it, best effort: a leftover temp file must not turn a
     * finished run or a teardown into a failure. Null or an absent directory is a no-op.
     */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort, see above
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
