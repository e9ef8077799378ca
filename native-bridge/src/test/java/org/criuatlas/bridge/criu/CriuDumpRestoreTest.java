package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Acceptance 2-7 of issue 3 against the real CRIU, with real processes. */
class CriuDumpRestoreTest {
    @TempDir
    Path tmp;
    Path criu;

    @BeforeEach
    void setUp() {
        criu = Requirements.requireCriu();
        TestProcs.becomeSubreaper();
    }

    private CriuOptions dumpOpts(int pid, Path images) {
        return CriuOptions.defaults().withPid(pid).withImagesDir(images);
    }

    /** 2. Dump with leave_running of a tree with internal sockets and pipes. */
    @Test
    void dumpLeaveRunningOfTreeWithInternalIpc() throws Exception {
        Path hb = tmp.resolve("hb");
        try (var tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(hb.toString()), Map.of(), tmp.resolve("tree.out"))) {
            assertTrue(TestProcs.waitCounterAbove(hb, 2, Duration.ofSeconds(10)) > 0, "tree started");
            assertEquals(2, tree.tree().size(), "parent and child");
            Path images = tmp.resolve("img");
            List<CriuEvent> events = new CopyOnWriteArrayList<>();
            CriuResult r;
            try (var s = CriuSession.dump(criu, dumpOpts(tree.pid, images).withLeaveRunning(true), events::add)) {
                r = s.await(Duration.ofSeconds(60));
            }
            assertTrue(r.success(), () -> "dump failed: " + r);
            assertFalse(CriuSession.isIncomplete(images), "marker removed after success");
            for (String f : List.of("inventory.img", "pstree.img", "files.img", "core-" + tree.pid + ".img", "pipes-data.img"))
                assertTrue(Files.exists(images.resolve(f)), f + " written");
            assertTrue(Files.exists(images.resolve("dump.log")));
            assertNotNull(r.stats(), "stats-dump read");
            assertNotNull(r.stats().dump());
            assertTrue(r.stats().dump().pagesWritten() > 0, r.stats().toString());
            assertEquals(List.of("pre-dump", "query-ext-files", "post-dump"),
                    r.stages().stream().map(CriuEvent.Stage::name).toList());
            assertTrue(events.stream().anyMatch(e -> e instanceof CriuEvent.LogLine l && l.line().message().contains("Dumping finished successfully")));
            long before = TestProcs.counter(hb);
            assertTrue(TestProcs.waitCounterAbove(hb, before + 3, Duration.ofSeconds(10)) > 0, "tree still runs");
            for (int p : tree.tree()) assertTrue(TestProcs.alive(p), p + " alive");
        }
    }

    /** 3. One end of a socketpair held outside: typed diagnosis naming both inodes; nothing lost. */
    @Test
    void externalSocketpairGivesTypedDiagnosisAndTargetKeepsAnswering() throws Exception {
        int[] sp = LibC.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        try (var echo = TestProcs.python(TestProcs.ECHO_FD3, List.of(), Map.of(3, sp[1]), null)) {
            long outside = TestProcs.inode(sp[0]);
            long inside = TestProcs.inode(sp[1]);
            LibC.close(sp[1]);
            assertEquals("hello", TestProcs.roundTrip(sp[0], "hello", Duration.ofSeconds(5)));
            Path images = tmp.resolve("img");
            CriuResult r;
            try (var s = CriuSession.dump(criu, dumpOpts(echo.pid, images).withLeaveRunning(true), null)) {
                r = s.await(Duration.ofSeconds(60));
            }
            assertFalse(r.success());
            assertTrue(CriuSession.isIncomplete(images), "a failed dump stays marked");
            CriuDiagnosis d = r.diagnoses().stream().filter(x -> x.kind() == CriuDiagnosis.Kind.EXTERNAL_SOCKET_USED)
                    .findFirst().orElseThrow(() -> new AssertionError("no external-socket diagnosis: " + r.diagnoses()));
            assertEquals(inside, d.dumpedInode());
            assertEquals(outside, d.outsideInode());
            assertTrue(d.fix().contains("unix[" + inside + "]"), d.fix());
            assertTrue(echo.alive());
            assertEquals("still there", TestProcs.roundTrip(sp[0], "still there", Duration.ofSeconds(5)));
        } finally {
            LibC.close(sp[0]);
        }
    }

    static Map<String, String> imageHashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().endsWith(".img")) continue;
                try {
                    out.put(p.getFileName().toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
