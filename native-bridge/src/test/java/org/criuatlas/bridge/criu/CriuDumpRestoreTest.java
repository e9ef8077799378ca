package org.criuatlas.bridge.criu;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
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
@Tag("criu")
class CriuDumpRestoreTest {
    @TempDir
    Path tmp;
    Path criu;

    @BeforeEach
    void setUp() {
        criu = TestProcs.criuAsSubreaper();
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
            assertTrue(r.success(), () -> "dump failed: " + explain(r, "dump"));
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
            // every line of the log exactly once, in order, before the result
            List<String> logLines = Files.readAllLines(images.resolve("dump.log"));
            List<CriuEvent.LogLine> seen = events.stream().filter(e -> e instanceof CriuEvent.LogLine).map(e -> (CriuEvent.LogLine) e).toList();
            assertEquals(logLines, seen.stream().map(l -> l.line().raw()).toList());
            for (int i = 0; i < seen.size(); i++) assertEquals(i + 1, seen.get(i).line().number());
            assertTrue(events.get(events.size() - 1) instanceof CriuEvent.Finished, "the result comes last");
            long before = TestProcs.counter(hb);
            assertTrue(TestProcs.waitCounterAbove(hb, before + 3, Duration.ofSeconds(10)) > 0, "tree still runs");
            for (int p : tree.tree()) assertTrue(TestProcs.alive(p), p + " alive");
        }
    }

    /** 3. One end of a socketpair held outside: typed diagnosis naming both inodes; nothing lost. */
    @Test
    void externalSocketpairGivesTypedDiagnosisAndTargetKeepsAnswering() throws Exception {
        int[] sp = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
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
            CriuDiagnosis d = r.diagnoses().stream().filter(x -> x.kind() == CriuErrorKind.EXTERNAL_SOCKET_USED)
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

    /** 4. The seed scenario: dump with external unix[ino], restore with inherit_fd of a NEW socketpair end. */
    @Test
    void seedScenarioExternalThenInheritFd() throws Exception {
        int[] sp = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        int[] fresh = null;
        try (var echo = TestProcs.python(TestProcs.ECHO_FD3, List.of(), Map.of(3, sp[1]), null)) {
            long inside = TestProcs.inode(sp[1]);
            LibC.close(sp[1]);
            assertEquals("ping", TestProcs.roundTrip(sp[0], "ping", Duration.ofSeconds(5)));
            Path images = tmp.resolve("img");
            CriuResult d;
            try (var s = CriuSession.dump(criu, dumpOpts(echo.pid, images).plusExternal("unix[" + inside + "]"), null)) {
                d = s.await(Duration.ofSeconds(60));
            }
            assertTrue(d.success(), () -> "dump failed: " + explain(d, "dump"));
            assertTrue(TestProcs.waitGone(echo.pid, Duration.ofSeconds(10)), "dump without leave_running ends the tree");
            LibC.close(sp[0]);
            sp[0] = -1;

            fresh = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
            List<CriuEvent> events = new CopyOnWriteArrayList<>();
            CriuOptions ro = CriuOptions.defaults().withImagesDir(images)
                    .withInheritFds(List.of(new CriuOptions.InheritFd("socket:[" + inside + "]", 10)));
            CriuResult r;
            try (var s = CriuSession.restore(criu, ro, Map.of(10, fresh[1]), events::add)) {
                r = s.await(Duration.ofSeconds(60));
            }
            assertTrue(r.success(), () -> "restore failed: " + explain(r, "restore"));
            assertEquals(echo.pid, r.restoredPid(), "CRIU restores the same pid");
            assertEquals(List.of("pre-restore", "post-restore", "pre-resume", "post-resume"),
                    r.stages().stream().map(CriuEvent.Stage::name).toList());
            assertEquals(echo.pid, r.stages().get(1).pid(), "post-restore carries the pid");
            assertNotNull(r.stats());
            assertNotNull(r.stats().restore());
            LibC.close(fresh[1]);
            assertEquals("bytes come back", TestProcs.roundTrip(fresh[0], "bytes come back", Duration.ofSeconds(5)));
        } finally {
            LibC.close(sp[0]);
            if (fresh != null) LibC.close(fresh[0]);
        }
    }

    /** 5. A datagram client of a named server outside: ext_unix_sk dump and restore; datagrams arrive after. */
    @Test
    void dgramClientOfNamedServerWithExtUnixSk() throws Exception {
        Path sock = tmp.resolve("syslog.sock");
        Path got = tmp.resolve("syslog.txt");
        try (var server = TestProcs.python(TestProcs.DGRAM_SERVER, List.of(sock.toString(), got.toString()), Map.of(), null)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(sock));
            try (var client = TestProcs.python(TestProcs.DGRAM_CLIENT, List.of(sock.toString()), Map.of(), null)) {
                assertTrue(waitLines(got, 3, Duration.ofSeconds(10)), "server receives");
                Path images = tmp.resolve("img");
                CriuResult d;
                try (var s = CriuSession.dump(criu, dumpOpts(client.pid, images).withExtUnixSk(true), null)) {
                    d = s.await(Duration.ofSeconds(60));
                }
                assertTrue(d.success(), () -> "dump failed: " + explain(d, "dump"));
                assertTrue(TestProcs.waitGone(client.pid, Duration.ofSeconds(10)));
                long linesAtRestore = Files.readAllLines(got).size();
                CriuResult r;
                try (var s = CriuSession.restore(criu, CriuOptions.defaults().withImagesDir(images).withExtUnixSk(true), Map.of(), null)) {
                    r = s.await(Duration.ofSeconds(60));
                }
                assertTrue(r.success(), () -> "restore failed: " + explain(r, "restore"));
                assertTrue(waitLines(got, linesAtRestore + 5, Duration.ofSeconds(10)), "datagrams after the restore reach the server");
                assertTrue(TestProcs.alive(r.restoredPid()));
            }
        }
    }

    private static boolean waitLines(Path f, long n, Duration max) {
        try {
            Awaitility.await().atMost(max).until(() -> Files.exists(f) && Files.readAllLines(f).size() >= n);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** 6. Restore while the pids exist: typed PID-taken diagnosis, images untouched, retry succeeds once gone. */
    @Test
    void restoreWhilePidsExistThenRetry() throws Exception {
        Path hb = tmp.resolve("hb");
        try (var tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(hb.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(hb, 2, Duration.ofSeconds(10)) > 0);
            List<Integer> pids = tree.tree();
            Path images = tmp.resolve("img");
            CriuResult d;
            try (var s = CriuSession.dump(criu, dumpOpts(tree.pid, images).withLeaveRunning(true), null)) {
                d = s.await(Duration.ofSeconds(60));
            }
            assertTrue(d.success(), () -> "dump failed: " + explain(d, "dump"));
            Map<String, String> hashes = imageHashes(images);
            CriuOptions ro = CriuOptions.defaults().withImagesDir(images);
            CriuResult r;
            try (var s = CriuSession.restore(criu, ro, Map.of(), null)) {
                r = s.await(Duration.ofSeconds(60));
            }
            assertFalse(r.success());
            CriuDiagnosis taken = r.diagnoses().stream().filter(x -> x.kind() == CriuErrorKind.PID_TAKEN)
                    .findFirst().orElseThrow(() -> new AssertionError("no PID-taken diagnosis: " + r.diagnoses()));
            assertTrue(pids.containsAll(taken.pids()), taken.pids() + " within " + pids);
            assertEquals(hashes, imageHashes(images), "images untouched by the failed restore");
            assertTrue(tree.alive(), "the original still runs");

            TestProcs.killAndReap(pids);
            for (int p : pids) assertTrue(TestProcs.waitGone(p, Duration.ofSeconds(10)));
            CriuResult again;
            try (var s = CriuSession.restore(criu, ro, Map.of(), null)) {
                again = s.await(Duration.ofSeconds(60));
            }
            assertTrue(again.success(), () -> "retry failed: " + explain(again, "restoreWhilePidsExistThenRetry"));
            long c = TestProcs.counter(hb);
            assertTrue(TestProcs.waitCounterAbove(hb, c + 3, Duration.ofSeconds(10)) > 0, "restored tree runs");
        }
    }

    /** 7. Cancel during a dump (tree frozen, criu waiting on us): worker gone, target runs, images marked. */
    @Test
    void cancelDuringDumpAnswersNotifyWithFailure() throws Exception {
        cancelAt("query-ext-files", false);
    }

    /** 7b. Hard kill of the worker while the tree is frozen. */
    @Test
    void killDuringDumpKeepsTargetRunning() throws Exception {
        cancelAt("query-ext-files", true);
    }

    private void cancelAt(String stage, boolean hard) throws Exception {
        Path hb = tmp.resolve("hb");
        try (var tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(hb.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(hb, 2, Duration.ofSeconds(10)) > 0);
            Path images = tmp.resolve("img");
            CriuSession[] holder = new CriuSession[1];
            List<String> states = new CopyOnWriteArrayList<>();
            CriuSession s = CriuSession.dump(criu, dumpOpts(tree.pid, images).withLeaveRunning(true), e -> {
                if (e instanceof CriuEvent.Stage st && st.name().equals(stage)) {
                    states.add(String.valueOf(CriuSession.state(tree.pid)));
                    synchronized (holder) {
                        while (holder[0] == null) {
                            try { holder.wait(); } catch (InterruptedException ignored) { return; }
                        }
                    }
                    // criu now waits for our answer with the tree frozen; kill() lands before any answer
                    if (hard) holder[0].kill(); else holder[0].cancel();
                }
            });
            synchronized (holder) {
                holder[0] = s;
                holder.notifyAll();
            }
            int worker = s.workerPid();
            CriuException.Cancelled c = assertThrows(CriuException.Cancelled.class, () -> s.await(Duration.ofSeconds(60)));
            // hard: SIGKILL before answering; soft: answered "failed" and criu unwound by itself
            assertTrue(c.getMessage().contains(hard ? "worker killed, killed by signal 9" : "gave up cleanly"), c.getMessage());
            assertFalse(Files.exists(Path.of("/proc/" + s.workerPid())), "worker gone");
            assertTrue(CriuSession.isIncomplete(images), "images marked incomplete");
            System.out.println("state of the tree root at " + stage + ": " + states + " (hard=" + hard + "), continued by us: " + s.continuedAfterKill());
            long before = TestProcs.counter(hb);
            assertTrue(TestProcs.waitCounterAbove(hb, before + 3, Duration.ofSeconds(10)) > 0, "tree runs after the cancel");
            for (int p : tree.tree()) {
                Character st = CriuSession.state(p);
                assertTrue(st != null && st != 'T' && st != 't', p + " state " + st);
            }
        }
    }

    /**
     * The result plus the tail of its criu log, and a copy of the whole log under
     * target/criu-failures/ (the @TempDir with the original is deleted after the test).
     */
    static String explain(CriuResult r, String test) {
        StringBuilder sb = new StringBuilder(String.valueOf(r));
        if (r.logFile() == null || !Files.exists(r.logFile())) return sb.append("\n(no log)").toString();
        try {
            Path keep = Path.of("target", "criu-failures", test + "-" + System.currentTimeMillis() + "-" + r.logFile().getFileName());
            Files.createDirectories(keep.getParent());
            Files.copy(r.logFile(), keep);
            List<String> all = Files.readAllLines(r.logFile());
            sb.append("\nlog kept at ").append(keep.toAbsolutePath()).append(", last lines:\n  ")
                    .append(String.join("\n  ", all.subList(Math.max(0, all.size() - 60), all.size())));
        } catch (IOException e) {
            sb.append("\n(log unreadable: ").append(e).append(')');
        }
        return sb.toString();
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
