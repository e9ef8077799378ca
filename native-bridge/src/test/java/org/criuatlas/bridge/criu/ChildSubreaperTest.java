package org.criuatlas.bridge.criu;

import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Kill-and-reap frees a tree's pids by the time it returns, with nothing polled. */
class ChildSubreaperTest {
    @TempDir
    Path tmp;

    @Test
    void aTreeBelowUsIsGoneFromProcWhenKillAndReapReturns() {
        ChildSubreaper.become();
        Path hb = tmp.resolve("hb");
        try (var tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(hb.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(hb, 1, Duration.ofSeconds(10)) > 0, "tree started");
            List<Integer> pids = tree.tree(); // parent first
            assertEquals(2, pids.size());
            assertEquals(ProcessHandle.current().pid(), ChildSubreaper.parentOf(pids.get(0)).orElseThrow(), "the root is our child");
            assertEquals(pids.get(0), ChildSubreaper.parentOf(pids.get(1)).orElseThrow());
            ChildSubreaper.killAndReap(pids);
            for (int p : pids) assertFalse(Files.exists(Path.of("/proc/" + p)), p + " still in /proc");
            assertTrue(ChildSubreaper.parentOf(pids.get(1)).isEmpty());
        }
    }
}
