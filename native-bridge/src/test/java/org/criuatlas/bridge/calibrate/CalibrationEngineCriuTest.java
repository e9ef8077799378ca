package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.CriuVersion;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calibration engine on a few kinds with the located CRIU, each cell checked against what CRIU
 * and the kernel left behind (seen through a {@link ProbeObserver} before the engine cleans up):
 * image files after a success, the tree still running after a failure, the error line in CRIU's
 * own log. Cells whose outcome depends on the CRIU version assert that version's outcome.
 */
@Tag("criu")
class CalibrationEngineCriuTest {
    static final List<String> KINDS = List.of("file-lock-flock", "udp-bound", "eventfd", "io_uring");

    @Test
    void measuresCellsThatTheEvidenceConfirms(@TempDir Path tmp) throws Exception {
        Path criu = Requirements.requireCriu();
        CriuVersion version = CriuLocator.version(criu);
        boolean inetWorks = version.compareTo(CriuLocator.RECOMMENDED) >= 0; // Linux >= 6.16 needs CRIU >= 4.2
        List<String> seen = new CopyOnWriteArrayList<>();
        ProbeObserver evidence = (e, topology, images, root) -> {
            seen.add(e.key());
            Path log = images.resolve("dump.log");
            assertTrue(Files.isRegularFile(log), e.key() + ": CRIU wrote its log");
            if (e.outcome() == Outcome.dumped) {
                assertTrue(Files.isRegularFile(images.resolve("pstree.img")), e.key() + ": pstree.img");
                assertTrue(Files.isRegularFile(images.resolve("core-" + root + ".img")), e.key() + ": core image of the root");
                assertTrue(Files.isRegularFile(images.resolve("inventory.img")), e.key() + ": inventory.img");
            } else {
                assertEquals(Outcome.failed, e.outcome(), e.key());
                assertNotNull(e.error(), e.key() + ": a failure has an error line");
                assertTrue(Files.readString(log).contains(e.error().raw()), e.key() + ": '" + e.error().raw() + "' is in CRIU's log");
                Character st = CriuSession.state(root);
                assertTrue(st != null && st != 'Z' && st != 'T', e.key() + ": the target still runs after the failure (" + st + ")");
            }
        };
        Path out = tmp.resolve("report.json");
        CalibrationEngine.Settings s = CalibrationEngine.Settings.of(criu).withCatalogue(ProbeCatalogue.builtIn().only(KINDS))
                .withParallelism(3).withResultFile(out).withObserver(evidence);
        List<Integer> progress = new CopyOnWriteArrayList<>();
        CalibrationRun run = CalibrationEngine.start(s, (e, done, total) -> progress.add(done));
        CalibrationReport r = run.future().get(120, TimeUnit.SECONDS);

        assertEquals(List.of(), run.observerFailures().stream().map(Throwable::toString).toList());
        int cells = ProbeCatalogue.builtIn().only(KINDS).variantCount();
        assertEquals(cells, r.entries().size());
        assertEquals(cells, seen.size(), "every dump was observed");
        assertEquals(cells, progress.size());
        assertTrue(progress.contains(cells));
        assertEquals(version.toString(), r.criuVersion());
        assertEquals(CalibrationReport.kernelRelease(), r.kernel());

        String locks = "Some file locks are hold by dumping tasks! You can try --file-locks to dump them.";
        assertCell(r, "file-lock-flock", "none", Outcome.failed, locks);
        assertCell(r, "file-lock-flock", "link-remap", Outcome.failed, locks);
        assertEquals("criu/file-lock.c", r.entry("file-lock-flock", "none").orElseThrow().error().file());
        assertCell(r, "file-lock-flock", "file-locks", Outcome.dumped, null);
        assertEquals(Outcome.restored, r.entry("file-lock-flock", "file-locks").orElseThrow().restore(),
                () -> "restored with its lock: " + r.entry("file-lock-flock", "file-locks"));
        assertCell(r, "eventfd", "none", Outcome.dumped, null);
        assertCell(r, "io_uring", "none", Outcome.failed, "send_fds failed (-N)");
        if (inetWorks) {
            assertCell(r, "udp-bound", "none", Outcome.dumped, null);
            assertEquals(Outcome.restored, r.entry("udp-bound", "none-restore").orElseThrow().restore());
        } else {
            assertCell(r, "udp-bound", "none", Outcome.failed, "sockets: Can't get N:N opt: Operation not supported");
            assertNull(r.entry("udp-bound", "none-restore").orElseThrow().restore(), "nothing to restore after a failed dump");
        }
        for (CalibrationEntry e : r.entries()) {
            boolean restoreVariant = ProbeCatalogue.builtIn().kind(e.kind()).variant(e.variant()).restore();
            if (!restoreVariant || e.outcome() != Outcome.dumped)
                assertTrue(e.treeIntact(), e.key() + ": --leave-running (or a failure) leaves the tree as it was");
        }

        assertFalse(r.complete(), "a subset of the catalogue is not a complete calibration");
        CalibrationReport back = CalibrationReport.read(out);
        assertEquals(r, back, "the result file holds the report");
    }

    @Test
    void cancelStopsSoonLeavesNothingRunningAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path criu = Requirements.requireCriu();
        Set<Integer> pids = ConcurrentHashMap.newKeySet();
        Path out = tmp.resolve("report.json");
        CalibrationEngine.Settings s = CalibrationEngine.Settings.of(criu).withParallelism(2).withResultFile(out)
                .withObserver((e, t, images, root) -> pids.addAll(t.knownPids()));
        CalibrationRun[] holder = new CalibrationRun[1];
        Map<String, Boolean> firstStep = new ConcurrentHashMap<>();
        holder[0] = CalibrationEngine.start(s, (e, done, total) -> {
            if (firstStep.putIfAbsent("x", true) == null) holder[0].cancel();
        });
        long t0 = System.nanoTime();
        CalibrationReport r = holder[0].future().get(60, TimeUnit.SECONDS);
        long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(secs < 30, "stopped in " + secs + " s");
        assertFalse(r.complete());
        assertTrue(r.entries().stream().anyMatch(e -> e.outcome() == Outcome.cancelled), "later cells are marked cancelled");
        assertFalse(Files.exists(out), "an incomplete run is not written");
        assertFalse(pids.isEmpty());
        for (int pid : pids) {
            Character st = CriuSession.state(pid);
            assertTrue(st == null || st == 'Z', "probe process " + pid + " is gone (" + st + ")");
        }
    }

    private static void assertCell(CalibrationReport r, String kind, String variant, Outcome outcome, String error) {
        CalibrationEntry e = r.entry(kind, variant).orElseThrow(() -> new AssertionError("no cell " + kind + "/" + variant));
        assertEquals(outcome, e.outcome(), e.toString());
        if (error == null) assertNull(e.error(), e.toString());
        else assertEquals(error, e.error().text(), e.toString());
    }
}
