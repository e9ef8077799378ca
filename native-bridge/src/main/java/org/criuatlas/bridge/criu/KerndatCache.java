package org.criuatlas.bridge.criu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * CRIU's cache of what it probed of the kernel: {@code /run/criu.kdat}. CRIU writes it through
 * {@code /run/criu.kdat.tmp}, made with {@code O_EXCL}, then renamed; a criu killed in between leaves
 * the temporary file behind, and from then on (until the next boot, /run being a tmpfs) no criu can
 * save the cache: every run logs "File /run/criu.kdat does not exist" and probes the kernel again.
 * Measured with CRIU 4.2.1 in a private /run: a one-process dump took 156 ms (median of 7) with the
 * cache and 214 ms with the stale file. Read only: the person removes the file.
 */
public final class KerndatCache {
    public static final Path RUN = Path.of("/run");
    static final String CACHE = "criu.kdat", TMP = "criu.kdat.tmp";
    /** A temporary file younger than this may belong to a criu writing it now. */
    static final Duration STALE_AFTER = Duration.ofMinutes(1);

    private KerndatCache() {}

    /** What stands in the way of CRIU's cache in /run now, in words with the fix; empty when nothing does. */
    public static Optional<String> problem() {
        return problem(RUN, Instant.now());
    }

    /** As {@link #problem()}, for {@code run} at {@code now}. */
    static Optional<String> problem(Path run, Instant now) {
        Path tmp = run.resolve(TMP);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(tmp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        if (!a.isRegularFile() || Files.exists(run.resolve(CACHE), LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        Instant made = a.lastModifiedTime().toInstant();
        if (made.isAfter(now.minus(STALE_AFTER))) return Optional.empty();
        return Optional.of(tmp + " is left from a criu run that was stopped at " + made + ", so CRIU cannot save its kernel-feature"
                + " cache (" + run.resolve(CACHE) + ") and probes the kernel again on every run (about 60 ms more for a small dump);"
                + " remove it: sudo rm " + tmp);
    }
}
