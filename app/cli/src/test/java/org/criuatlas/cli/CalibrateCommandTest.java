package org.criuatlas.cli;

import org.criuatlas.bridge.calibrate.CalibrationFacts;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.calibrate.Outcome;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.plan.CriuTarget;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code criu-atlas calibrate} with the real CRIU on a few probe kinds, its cache pointed under
 * target/ ({@link CalibrationReport#CACHE_DIR_PROPERTY}): the command measures every cell of the
 * kinds, writes the result file where the planner looks, {@code CriuTarget.detect()} reads it back
 * as the user's calibration and {@code plan} then names it in its basis line; {@code --no-write}
 * measures the same and leaves the cache as it was.
 */
@Tag("criu")
class CalibrateCommandTest {
    static final List<String> KINDS = List.of("udp-bound", "eventfd", "file-lock-flock");

    private Path cache;
    private String oldProperty;

    @BeforeEach
    void cacheUnderTarget(org.junit.jupiter.api.TestInfo test) throws IOException {
        Requirements.requireRoot();
        Requirements.requireCriu();
        cache = Path.of("target", "calibrate-command-test", test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        deleteTree(cache);
        oldProperty = System.getProperty(CalibrationReport.CACHE_DIR_PROPERTY);
        System.setProperty(CalibrationReport.CACHE_DIR_PROPERTY, cache.toString());
    }

    @AfterEach
    void restoreProperty() {
        if (oldProperty == null) System.clearProperty(CalibrationReport.CACHE_DIR_PROPERTY);
        else System.setProperty(CalibrationReport.CACHE_DIR_PROPERTY, oldProperty);
    }

    @Test
    void calibratesWritesTheFactsAndPlanUsesThem() throws Exception {
        CliRun.Result r = CliRun.run("calibrate", "--kinds", String.join(",", KINDS));
        assertEquals(ExitCode.OK.code, r.exit(), r.out() + r.err());

        int cells = ProbeCatalogue.builtIn().only(KINDS).variantCount();
        // progress: one line per cell on stderr, the last one says all are done
        assertEquals(cells, r.err().lines().filter(l -> l.matches("\\[\\s*\\d+/\\s*" + cells + "].*")).count(), r.err());
        assertTrue(r.err().contains("[" + String.format("%3d/%3d", cells, cells) + "]"), r.err());

        String version = CriuLocator.version(Requirements.requireCriu()).toString();
        String kernel = CalibrationReport.kernelRelease();
        Path file = CalibrationReport.cacheFile(version, kernel);
        assertTrue(file.startsWith(cache), file + " is under the overridden cache folder");
        assertTrue(Files.isRegularFile(file), "the result file is written: " + file);
        assertTrue(r.out().contains("written to " + file), r.out());
        assertTrue(r.out().contains("calibrated against CRIU " + version + " on Linux " + kernel), r.out());
        assertTrue(r.out().matches("(?s).*" + cells + " cells in \\d+\\.\\d s.*"), r.out());

        // the table: a header and one row per cell, with the outcome CRIU gave and its first error, masked
        CalibrationReport written = CalibrationReport.read(file);
        assertEquals(cells, written.entries().size());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("KIND") && l.contains("OUTCOME") && l.contains("FIRST ERROR")), r.out());
        var lock = written.entry("file-lock-flock", "none").orElseThrow();
        assertEquals(Outcome.failed, lock.outcome(), lock.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("file-lock-flock") && l.contains(" none ")
                && l.contains("failed") && l.contains(lock.error().line())), r.out());
        var locks = written.entry("file-lock-flock", "file-locks").orElseThrow();
        assertEquals(Outcome.dumped, locks.outcome(), locks.toString());

        // a second run of another kind adds its cells to the file, the first run's cells stay
        CliRun.Result more = CliRun.run("calibrate", "--kinds", "timerfd");
        assertEquals(ExitCode.OK.code, more.exit(), more.out() + more.err());
        CalibrationReport both = CalibrationReport.read(file);
        assertEquals(cells + ProbeCatalogue.builtIn().only(List.of("timerfd")).variantCount(), both.entries().size(), both.toString());
        for (var e : written.entries()) assertEquals(e, both.entry(e.kind(), e.variant()).orElseThrow(), e.key() + " kept");
        assertFalse(both.complete(), "not the whole catalogue");

        // read back as the user's calibration, by the facts lookup and by the planner's target
        CalibrationFacts.Facts facts = CalibrationFacts.forCriu(version, kernel).orElseThrow();
        assertEquals(CalibrationFacts.Source.calibrated, facts.source());
        assertEquals(file, facts.file());
        CriuTarget target = CriuTarget.detect();
        assertNotNull(target.facts(), target.note());
        assertEquals(CalibrationFacts.Source.calibrated, target.facts().source());
        assertEquals("calibrated against CRIU " + version + " on Linux " + kernel, target.describe());

        // and plan says so in its basis line
        Path pidFile = cache.resolve("pid");
        new ProcessBuilder("setsid", "-f", "sh", "-c", "echo $$ > " + pidFile + "; exec sleep 600")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        int pid = Integer.parseInt(Files.readString(pidFile).trim());
        try {
            CliRun.Result plan = CliRun.run("plan", "--pid", "" + pid);
            assertTrue(plan.out().lines().anyMatch(l -> l.equals("Basis: calibrated against CRIU " + version + " on Linux " + kernel)),
                    plan.out());
        } finally {
            Processes.signal(pid, Processes.Signal.KILL);
            assertTrue(Processes.awaitEnd(pid, Duration.ofSeconds(10)));
        }
    }

    @Test
    void noWriteMeasuresAndLeavesTheCacheAlone() throws Exception {
        Files.createDirectories(cache);
        Path marker = Files.writeString(cache.resolve("unrelated.json"), "{}");
        CliRun.Result r = CliRun.run("calibrate", "--kinds", "eventfd", "--no-write", "--json");
        assertEquals(ExitCode.OK.code, r.exit(), r.out() + r.err());
        // stdout is the result file's JSON, not written anywhere
        Path tmp = Files.writeString(Path.of("target", "calibrate-command-test", "no-write.json").toAbsolutePath(), r.out());
        CalibrationReport rep = CalibrationReport.read(tmp);
        assertEquals(ProbeCatalogue.builtIn().only(List.of("eventfd")).variantCount(), rep.entries().size());
        assertTrue(rep.entries().stream().allMatch(e -> e.kind().equals("eventfd") && e.outcome() != Outcome.cancelled), rep.toString());
        assertTrue(r.err().contains("not written (--no-write)"), r.err());
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(List.of(marker), s.toList(), "the cache holds what it held before");
        }
        assertNotEquals(CalibrationFacts.Source.calibrated,
                CalibrationFacts.forCriu(rep.criuVersion(), rep.kernel()).map(CalibrationFacts.Facts::source).orElse(null));
    }

    @Test
    void anUnknownKindIsAUsageErrorBeforeAnythingRuns() throws Exception {
        CliRun.Result r = CliRun.run("calibrate", "--kinds", "no-such-kind", "--no-write");
        assertEquals(ExitCode.USAGE.code, r.exit(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("criu-atlas calibrate: ")).count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().contains("no probe kind no-such-kind") && r.err().contains("udp-bound"), r.err());
        assertFalse(Files.exists(cache), "nothing written");
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
