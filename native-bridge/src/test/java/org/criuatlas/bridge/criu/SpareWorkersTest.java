package org.criuatlas.bridge.criu;

import org.awaitility.Awaitility;
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

import static org.junit.jupiter.api.Assertions.*;

/**
 * A criu worker spawned ahead of its request ({@link SpareWorkers}) against the real CRIU: the session takes the spare
 * (its pid is the worker's), criu answers it as one spawned for the request, a new spare is on its way, a request that
 * hands criu fds spawns its own, a spare that died while it waited is not used, and closing kills and reaps the spare.
 */
@Tag("criu")
class SpareWorkersTest {
    @TempDir
    Path tmp;
    Path criu;

    @BeforeEach
    void setUp() {
        criu = TestProcs.criuAsSubreaper();
    }

    @Test
    void aDumpAndARestoreRunOnSparesSpawnedAheadAndANewOneFollows() throws Exception {
        Path hb = tmp.resolve("hb");
        try (SpareWorkers spares = SpareWorkers.keepOne();
             var tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(hb.toString()), Map.of(), tmp.resolve("tree.out"))) {
            assertTrue(TestProcs.waitCounterAbove(hb, 2, Duration.ofSeconds(10)) > 0, "tree started");
            List<Integer> pids = tree.tree();
            int first = awaitSpare(spares, -1);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cmdline(first).endsWith(" swrk 3"));

            Path images = tmp.resolve("img");
            CriuResult dumped;
            try (CriuSession s = CriuSession.start(criu, CriuRequest.DUMP, CriuOptions.defaults().withPid(tree.pid).withImagesDir(images),
                    Map.of(), null, spares)) {
                assertEquals(first, s.spawned().join(), "the dump took the spare");
                dumped = s.await(Duration.ofSeconds(60));
            }
            assertTrue(dumped.success(), () -> "dump: " + dumped);
            assertTrue(Files.exists(images.resolve("pstree.img")), "images written");
            assertFalse(TestProcs.alive(first), "the spare ended with its request, as any worker");
            for (int p : pids) assertTrue(TestProcs.waitGone(p, Duration.ofSeconds(10)), p + " ended with the dump (no leave-running)");

            int second = awaitSpare(spares, first);
            CriuResult restored;
            try (CriuSession s = CriuSession.start(criu, CriuRequest.RESTORE, CriuOptions.defaults().withImagesDir(images),
                    Map.of(), null, spares)) {
                assertEquals(second, s.spawned().join(), "the restore took the next spare");
                restored = s.await(Duration.ofSeconds(60));
            }
            assertTrue(restored.success(), () -> "restore: " + restored);
            assertTrue(TestProcs.alive(tree.pid), "the tree runs again at its pid");
            long before = TestProcs.counter(hb);
            assertTrue(TestProcs.waitCounterAbove(hb, before + 2, Duration.ofSeconds(10)) > 0, "and counts on");
            TestProcs.killAndReap(pids);
            awaitSpare(spares, second);
        }
    }

    @Test
    void aRequestThatHandsFdsSpawnsItsOwnAndTheSpareWaitsOn() throws Exception {
        try (SpareWorkers spares = SpareWorkers.keepOne()) {
            int spare = awaitSpare(spares, -1);
            int[] pipe = LibC.pipe(LibC.O_CLOEXEC);
            try (CriuSession s = CriuSession.start(criu, CriuRequest.VERSION, null, Map.of(7, pipe[0]), null, spares)) {
                int w = s.spawned().join();
                assertNotEquals(spare, w, "a worker of its own, with fd 7 in place");
                assertTrue(s.await(Duration.ofSeconds(30)).success());
            } finally {
                LibC.close(pipe[0]);
                LibC.close(pipe[1]);
            }
            assertEquals(spare, spares.sparePid(), "the spare still waits");
            assertTrue(TestProcs.alive(spare));
        }
    }

    @Test
    void aSpareThatDiedWhileWaitingIsNotUsedAndCloseReapsTheOneWaiting() throws Exception {
        SpareWorkers spares = SpareWorkers.keepOne();
        int dead = awaitSpare(spares, -1);
        LibC.kill(dead, LibC.SIGKILL);
        // a zombie until the spares reap it: its state says it ended
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !"R S D".contains(String.valueOf(CriuSession.state(dead))));
        try (CriuSession s = CriuSession.start(criu, CriuRequest.VERSION, null, Map.of(), null, spares)) {
            int w = s.spawned().join();
            assertNotEquals(dead, w, "a dead spare is not handed out");
            CriuResult r = s.await(Duration.ofSeconds(30));
            assertTrue(r.success(), () -> "version: " + r);
        }
        assertNull(CriuSession.state(dead), "the dead spare was reaped");
        int waiting = awaitSpare(spares, dead);
        spares.close();
        assertNull(CriuSession.state(waiting), "close killed and reaped the spare");
        assertEquals(-1, spares.sparePid());
        spares.prime(criu);
        assertEquals(-1, spares.sparePid(), "none is made once closed");
    }

    @Test
    void noneKeepsNothing() {
        SpareWorkers none = SpareWorkers.none();
        none.prime(criu);
        assertFalse(none.keeps());
        assertEquals(-1, none.sparePid());
    }

    /** Primes and waits until a spare other than {@code not} waits. */
    private int awaitSpare(SpareWorkers spares, int not) {
        spares.prime(criu);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> spares.sparePid() > 0 && spares.sparePid() != not);
        return spares.sparePid();
    }

    /** Its command line, words joined by spaces: a spare waits as {@code ... criu swrk 3}. */
    private static String cmdline(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "cmdline")).replace('\0', ' ').trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
