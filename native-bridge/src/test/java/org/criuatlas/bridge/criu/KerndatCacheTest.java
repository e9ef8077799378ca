package org.criuatlas.bridge.criu;

import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The stale {@code criu.kdat.tmp} hint: what real CRIU does with such a file (in a private /run, so
 * this machine's is not touched), and when the hint speaks.
 */
class KerndatCacheTest {
    static final Path DIR = Path.of("target", "kerndat-cache").toAbsolutePath();

    @Tag("criu")
    @Test
    void criuSavesNoCacheWhileAStaleTemporaryFileIsThere() throws Exception {
        Path criu = Requirements.requireCriu();
        Files.createDirectories(DIR);
        // two runs with the file, then two without it, each in a fresh tmpfs on /run of a private mount namespace
        String script = "set -e; mount -t tmpfs none /run; cd " + DIR + "; : > /run/criu.kdat.tmp; "
                + "for i in 1 2; do '" + criu + "' check -v4 -o " + DIR + "/stale-$i.log >/dev/null 2>&1 || true; done; "
                + "test ! -e /run/criu.kdat && echo no-cache; rm /run/criu.kdat.tmp; "
                + "for i in 1 2; do '" + criu + "' check -v4 -o " + DIR + "/clean-$i.log >/dev/null 2>&1 || true; done; "
                + "test -e /run/criu.kdat && echo cache";
        String out = inPrivateMountNamespace(script);
        assertEquals("no-cache\ncache\n", out, out);
        for (int i = 1; i <= 2; i++) {
            assertTrue(Files.readString(DIR.resolve("stale-" + i + ".log")).contains("File /run/criu.kdat does not exist"), "stale run " + i);
        }
        assertTrue(Files.readString(DIR.resolve("clean-2.log")).contains("Loaded kdat cache from /run/criu.kdat"), "the second clean run");
    }

    /** Where /run is no tmpfs (here a ramfs in a private mount namespace), CRIU keeps no cache at all and leaves the empty file. */
    @Tag("criu")
    @Test
    void criuKeepsNoCacheOnARunThatIsNoTmpfs() throws Exception {
        Path criu = Requirements.requireCriu();
        Files.createDirectories(DIR);
        String script = "set -e; mount -t ramfs none /run; cd " + DIR + "; "
                + "for i in 1 2; do '" + criu + "' check -v4 -o " + DIR + "/ramfs-$i.log >/dev/null 2>&1 || true; done; "
                + "test ! -e /run/criu.kdat && echo no-cache; test -f /run/criu.kdat.tmp && test ! -s /run/criu.kdat.tmp && echo empty-tmp-left";
        String out = inPrivateMountNamespace(script);
        assertEquals("no-cache\nempty-tmp-left\n", out, out);
        assertTrue(Files.readString(DIR.resolve("ramfs-1.log")).contains("Can't keep kdat cache on non-tempfs"), "the first run says why");
        assertTrue(Files.readString(DIR.resolve("ramfs-2.log")).contains("File /run/criu.kdat does not exist"), "the second probes again");
    }

    @Test
    void onAFileSystemThatIsNoTmpfsTheHintSaysSoWhateverTheFile() throws Exception {
        Path run = Files.createDirectories(DIR.resolve("run-" + System.nanoTime()));
        String hint = KerndatCache.problem(run, Instant.now(), "ext4").orElseThrow();
        assertTrue(hint.contains("only on a tmpfs") && hint.contains("is ext4") && !hint.contains("sudo rm"), hint);
        Files.createFile(run.resolve("criu.kdat.tmp"));
        assertEquals(hint, KerndatCache.problem(run, Instant.now(), "ext4").orElseThrow(), "removing the file would not help");
    }

    @Test
    void theHintSpeaksOnlyOfAnOldTemporaryFileWithNoCacheBeside() throws Exception {
        Path run = Files.createDirectories(DIR.resolve("run-" + System.nanoTime()));
        Instant now = Instant.now();
        assertEquals(Optional.empty(), KerndatCache.problem(run, now, "tmpfs"), "nothing there");

        Path tmp = Files.createFile(run.resolve("criu.kdat.tmp"));
        Files.setLastModifiedTime(tmp, FileTime.from(now.minus(Duration.ofHours(20))));
        String hint = KerndatCache.problem(run, now, "tmpfs").orElseThrow();
        assertTrue(hint.contains(tmp.toString()) && hint.contains("sudo rm " + tmp), hint);

        Files.setLastModifiedTime(tmp, FileTime.from(now.minusSeconds(5)));
        assertEquals(Optional.empty(), KerndatCache.problem(run, now, "tmpfs"), "a criu may be writing it now");

        Files.setLastModifiedTime(tmp, FileTime.from(now.minus(Duration.ofHours(20))));
        Files.createFile(run.resolve("criu.kdat"));
        assertEquals(Optional.empty(), KerndatCache.problem(run, now, "tmpfs"), "the cache is there: CRIU loads it");

        Files.delete(run.resolve("criu.kdat"));
        Files.delete(tmp);
        Files.createSymbolicLink(tmp, run.resolve("elsewhere"));
        assertEquals(Optional.empty(), KerndatCache.problem(run, now, "tmpfs"), "a link is not CRIU's file");
    }

    /** Runs {@code script} with bash in a mount namespace of its own (its /run is not this machine's); its output. */
    private static String inPrivateMountNamespace(String script) throws Exception {
        Process p = new ProcessBuilder("unshare", "-m", "bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return out;
    }
}
