package org.criuatlas.ui.dump;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.Decisions;
import org.criuatlas.host.DumpRunner;
import org.criuatlas.host.DumpSummary;
import org.criuatlas.host.FolderCheck;
import org.criuatlas.host.ImagesFolder;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.TargetProbe;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.testing.EchoPair;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The dump view-model headless (no toolkit, everything on the test thread) against real CRIU: a
 * worker holding one end of a socketpair whose other end this JVM keeps. The first dump fails with
 * the external-socket diagnosis naming the worker's end; the worker still runs and still answers;
 * the fix ticks that end as external; the second dump succeeds into a fresh, complete folder.
 */
@Tag("criu")
class DumpViewModelCriuTest {
    @TempDir Path tmp;

    @Test
    void externalSocketpairFailsThenTheFixDumps() throws Exception {
        Path criu = TestProcs.criuAsSubreaper();
        try (EchoPair pair = EchoPair.start()) {
            int worker = pair.echo.pid;
            long outside = pair.outside;
            long inside = pair.inside;
            assertEquals("hello", roundTrip(pair.ours(), "hello"));

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
            DumpViewModel vm = new DumpViewModel(plan, new DumpViewModel.Services(
                    new LocalHost(LocalHost.Parts.real(Runnable::run).withCriu(criu, DumpRunner.criu(criu), TargetProbe.PROC)),
                    Runnable::run, Runnable::run, pin, intents, opened::add, null));
            vm.leaveRunningProperty().set(true);
            Path images = tmp.resolve("images");
            vm.chooseFolder(images);
            assertEquals(FolderCheck.Status.WILL_CREATE, vm.folderCheck().status());

            vm.start();

            assertEquals(DumpViewModel.Phase.FAILED, vm.phase(), vm.messageProperty().get());
            DumpFailure f = vm.failures().stream().filter(x -> x.diagnosis().kind() == CriuErrorKind.EXTERNAL_SOCKET_USED)
                    .findFirst().orElseThrow(() -> new AssertionError("no external-socket diagnosis: " + vm.failures()));
            assertEquals(inside, f.diagnosis().dumpedInode());
            assertEquals(outside, f.diagnosis().outsideInode());
            assertEquals(FixAction.markExternal(inside), f.fix());
            assertEquals("socket:[" + inside + "]", pinned.get(0).get(0), "the end inside the tree is pinned first");
            assertTrue(vm.target().running(), vm.target().text());
            assertTrue(isRunning(worker), "checked here too: /proc state not T");
            assertEquals("still there", roundTrip(pair.ours(), "still there"));
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
            assertEquals("after", roundTrip(pair.ours(), "after"));
            vm.openImages();
            assertEquals(List.of(second), opened);
            System.out.println("second dump: " + s.text());
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

    static String roundTrip(int fd, String msg) {
        return TestProcs.roundTrip(fd, msg, Duration.ofSeconds(5));
    }
}
