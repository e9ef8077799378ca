package org.criuatlas.bridge.criu;

import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench criu}'s measuring stick does the real work it is measured for: one swrk request, nothing
 * around it, with real CRIU. Otherwise its figure would be a floor of nothing.
 */
@Tag("criu")
class SwrkFloorTest {
    @TempDir
    Path tmp;
    Path criu;

    @BeforeEach
    void setUp() {
        criu = TestProcs.criuAsSubreaper();
    }

    @Test
    void dumpsLeavingTheTreeRunningThenRestoresIt() throws Exception {
        Path hb = tmp.resolve("hb");
        try (var tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(hb.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(hb, 2, Duration.ofSeconds(10)) > 0, "tree started");
            List<Integer> pids = tree.tree();
            Path images = tmp.resolve("img");
            assertTrue(SwrkFloor.run(criu, CriuRequest.DUMP,
                    CriuOptions.defaults().withPid(tree.pid).withImagesDir(images).withLeaveRunning(true).withLogLevel(4)), "dump");
            // what criu writes for a whole dump: the tree, each task's core, its statistics, a log that ends well
            assertTrue(Files.exists(images.resolve("pstree.img")));
            for (int p : pids) assertTrue(Files.exists(images.resolve("core-" + p + ".img")), "core of " + p);
            assertTrue(Files.exists(images.resolve("stats-dump")));
            assertTrue(Files.readString(images.resolve("dump.log")).contains("Dumping finished successfully"));
            long c = TestProcs.counter(hb);
            assertTrue(TestProcs.waitCounterAbove(hb, c + 2, Duration.ofSeconds(10)) > 0, "left running");

            TestProcs.killAndReap(pids);
            for (int p : pids) assertTrue(TestProcs.waitGone(p, Duration.ofSeconds(10)));
            assertTrue(SwrkFloor.run(criu, CriuRequest.RESTORE, CriuOptions.defaults().withImagesDir(images).withLogLevel(4)), "restore");
            long r = TestProcs.counter(hb);
            assertTrue(TestProcs.waitCounterAbove(hb, r + 2, Duration.ofSeconds(10)) > 0, "restored tree runs");
            assertTrue(Files.exists(images.resolve("stats-restore")));
        }
    }

    @Test
    void aRefusedRequestIsFalseAndOtherRequestsAreNotTaken() throws Exception {
        // a process that has exited and been reaped: criu answers, with failure
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path images = tmp.resolve("none");
        assertFalse(SwrkFloor.run(criu, CriuRequest.DUMP,
                CriuOptions.defaults().withPid((int) gone.pid()).withImagesDir(images).withLeaveRunning(true).withLogLevel(4)));
        assertTrue(Files.readString(images.resolve("dump.log")).contains("Error"), "criu said why in its log");
        assertThrows(IllegalArgumentException.class, () -> SwrkFloor.run(criu, CriuRequest.CHECK, CriuOptions.defaults().withImagesDir(tmp)));
    }
}
