package org.criuatlas.ui.dump;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The dump view-model headless (no toolkit, everything on the test thread) against real CRIU: a
 * worker holding one end of a socketpair whose other end this JVM keeps. The first dump fails with
 * the external-socket diagnosis naming the worker's end; the worker still runs and still answers;
 * the fix ticks that end as external; the second dump succeeds into a fresh, complete folder.
 */
class DumpViewModelCriuTest {
    /** Echoes every byte it reads from the stream socket at fd 3. */
    static final String ECHO_FD3 = """
            import socket, time
            s = socket.socket(fileno=3)
            while True:
                d = s.recv(4096)
                if not d:
                    time.sleep(0.1)
                    continue
                s.sendall(d)
            """;

    @TempDir Path tmp;

    @Test
    void externalSocketpairFailsThenTheFixDumps() throws Exception {
        Path criu = Requirements.requireCriu();
        LibC.becomeChildSubreaper();
        int[] sp = LibC.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        int worker = -1;
        try {
            long outside = inode(sp[0]);
            long inside = inode(sp[1]);
            int devNull = LibC.open("/dev/null", LibC.O_WRONLY);
            try {
                worker = LibC.spawn(new String[] {"/usr/bin/python3", "-c", ECHO_FD3},
                        new String[] {"PATH=/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE=1"}, new int[][] {{sp[1], 3}}, devNull, true);
            } finally {
                LibC.close(devNull);
            }
            LibC.close(sp[1]);
            sp[1] = -1;
            assertEquals("hello", roundTrip(sp[0], "hello"));

            IpcGraph graph;
            try (LiveScanner scanner = new LiveScanner()) {
                graph = scanner.scan();
            }
            DecisionsPlanIntents intents = new DecisionsPlanIntents(graph, worker, Decisions.NONE);
            DumpPlan plan = intents.plan();
            assertFalse(plan.willSucceed(), "the planner predicts the failure too: " + plan.reasons());

            List<List<String>> pinned = new ArrayList<>();
            GraphPin pin = new GraphPin() {
                @Override public void pin(List<String> keys, List<Integer> pids, String why) { pinned.add(keys); }
                @Override public void clearPins() {}
            };
            List<Path> opened = new ArrayList<>();
            DumpViewModel vm = new DumpViewModel(plan, new DumpViewModel.Services(DumpRunner.criu(criu), Runnable::run,
                    Runnable::run, TargetProbe.PROC, pin, intents, opened::add, null));
            vm.leaveRunningProperty().set(true);
            Path images = tmp.resolve("images");
            vm.chooseFolder(images);
            assertEquals(FolderCheck.Status.WILL_CREATE, vm.folderCheck().status());

            vm.start();

            assertEquals(DumpViewModel.Phase.FAILED, vm.phase(), vm.messageProperty().get());
            DumpFailure f = vm.failures().stream().filter(x -> x.diagnosis().kind() == CriuDiagnosis.Kind.EXTERNAL_SOCKET_USED)
                    .findFirst().orElseThrow(() -> new AssertionError("no external-socket diagnosis: " + vm.failures()));
            assertEquals(inside, f.diagnosis().dumpedInode());
            assertEquals(outside, f.diagnosis().outsideInode());
            assertEquals(FixAction.markExternal(inside), f.fix());
            assertEquals("socket:[" + inside + "]", pinned.get(0).get(0), "the end inside the tree is pinned first");
            assertTrue(vm.target().running(), vm.target().text());
            assertTrue(isRunning(worker), "checked here too: /proc state not T");
            assertEquals("still there", roundTrip(sp[0], "still there"));
            assertTrue(vm.stages().stream().anyMatch(s -> s.name().equals("pre-dump")), vm.stages().toString());
            assertTrue(vm.logTail().stream().anyMatch(l -> l.contains("External socket is used")));
            assertTrue(CriuSession.isIncomplete(images));
            keepLog(vm.logFileProperty().get());

            vm.applyFix(f.fix());

            assertEquals(DumpViewModel.Phase.SUCCEEDED, vm.phase(), vm.messageProperty().get());
            assertTrue(intents.decisions().external().contains(inside));
            assertTrue(vm.plan().options().external().contains("unix[" + inside + "]"));
            Path second = vm.imagesDirProperty().get();
            assertEquals(tmp.resolve("images-2"), second);
            assertFalse(CriuSession.isIncomplete(second), "complete: no incomplete mark");
            assertTrue(Files.exists(second.resolve("inventory.img")));
            assertTrue(Files.exists(second.resolve("pstree.img")));
            DumpSummary s = vm.summary();
            assertNotNull(s);
            assertTrue(s.frozenMicros() > 0, s.text());
            assertTrue(s.pagesWritten() > 0, s.text());
            assertEquals(ImagesFolder.sizeOnDisk(second), s.bytesOnDisk());
            assertTrue(s.complete());
            assertEquals(List.of("pre-dump", "query-ext-files", "post-dump"), vm.result().stages().stream()
                    .map(st -> st.name()).toList());
            assertTrue(vm.stages().stream().map(StageRow::name).toList().containsAll(List.of("freeze", "memory", "post-dump", "finished")),
                    vm.stages().toString());
            assertTrue(vm.target().running(), "left running: " + vm.target().text());
            assertEquals("after", roundTrip(sp[0], "after"));
            vm.openImages();
            assertEquals(List.of(second), opened);
            System.out.println("second dump: " + s.text());
        } finally {
            if (sp[0] >= 0) LibC.close(sp[0]);
            if (sp[1] >= 0) LibC.close(sp[1]);
            if (worker > 0) killAndReap(worker);
        }
    }

    /** Keeps the real failed-dump log in target/ (the ui-tests' fixture was captured this way). */
    private static void keepLog(Path log) throws Exception {
        Path out = Path.of("target", "real-logs");
        Files.createDirectories(out);
        Files.copy(log, out.resolve("dump-external-socketpair.log"), StandardCopyOption.REPLACE_EXISTING);
    }

    static boolean isRunning(int pid) {
        Character c = TargetProbe.PROC.state(pid);
        return c != null && c != 'T' && c != 't' && c != 'Z';
    }

    static long inode(int fd) throws Exception {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }

    static String roundTrip(int fd, String msg) {
        byte[] out = msg.getBytes();
        LibC.send(fd, out, 0);
        StringBuilder got = new StringBuilder();
        Instant end = Instant.now().plusSeconds(5);
        while (got.length() < out.length && Instant.now().isBefore(end)) {
            if (!LibC.pollIn(fd, 100)) continue;
            byte[] buf = new byte[4096];
            int n = LibC.recv(fd, buf, LibC.MSG_DONTWAIT);
            if (n <= 0) break;
            got.append(new String(buf, 0, n));
        }
        return got.toString();
    }

    static void killAndReap(int pid) throws InterruptedException {
        LibC.kill(pid, LibC.SIGKILL);
        Instant end = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(end)) {
            try {
                LibC.waitpid(pid, LibC.WNOHANG);
            } catch (LibC.SyscallException ignored) {
                // not ours
            }
            if (!Files.exists(Path.of("/proc", Integer.toString(pid)))) return;
            Thread.sleep(20);
        }
    }
}
