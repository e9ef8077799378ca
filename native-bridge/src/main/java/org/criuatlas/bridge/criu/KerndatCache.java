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
 *
 * <p>CRIU keeps the cache only on a tmpfs ("Can't keep kdat cache on non-tempfs", criu/kerndat.c): where /run
 * is an ordinary file system (this project's CI machines: /run is part of an ext4 root), every criu probes the
 * kernel, and each leaves an empty {@code criu.kdat.tmp} behind as it gives up; removing it changes nothing there.
 */
public final class KerndatCache {
    public static final Path RUN = Path.of("/run");
    static final String CACHE = "criu.kdat", TMP = "criu.kdat.tmp", TMPFS = "tmpfs";
    /** A temporary file younger than this may belong to a criu writing it now. */
    static final Duration STALE_AFTER = Duration.ofMinutes(1);

    private KerndatCache() {}

    /** What stands in the way of CRIU's cache in /run now, in words with the fix; empty when nothing does. */
    public static Optional<String> problem() {
        return problem(RUN, Instant.now());
    }

    /** As {@link #problem()}, for {@code run} at {@code now}. */
    static Optional<String> problem(Path run, Instant now) {
        String type;
        try {
            type = Files.getFileStore(run).type();
        } catch (IOException | SecurityException e) {
            type = TMPFS; // unknown: only the file is judged
        }
        return problem(run, now, type);
    }

    /** As {@link #problem()}, for {@code run} (a file system of {@code type}) at {@code now}. */
    static Optional<String> problem(Path run, Instant now, String type) {
        if (!TMPFS.equals(type)) {
            return Optional.of("CRIU keeps its kernel-feature cache (" + run.resolve(CACHE) + ") only on a tmpfs, and " + run + " here is "
                    + type + ": every criu run probes the kernel again (about 35-60 ms more for a small dump), and leaves an empty "
                    + TMP + " as it gives up; a tmpfs on " + run + " (the default of systemd distributions) lets CRIU keep it");
        }
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
