package org.criuatlas.ui.dump;

import org.awaitility.Awaitility;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.host.DumpRunner;
import org.criuatlas.host.DumpSummary;
import org.criuatlas.host.FolderCheck;
import org.criuatlas.host.Host;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.TargetProbe;
import org.criuatlas.plan.DumpPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class DumpViewModelTest {
    static final int ROOT = 4242;
    @TempDir Path tmp;

    /** Records what the window would do with pins. */
    static final class RecordingPin implements GraphPin {
        final List<List<String>> keys = new ArrayList<>();
        final List<List<Integer>> pids = new ArrayList<>();
        int clears;

        @Override public void pin(List<String> k, List<Integer> p, String why) { keys.add(k); pids.add(p); }
        @Override public void clearPins() { clears++; }
    }

    /** Plan intents that only record and add the key, as the window would after ticking it. */
    static final class RecordingIntents implements PlanIntents {
        final List<Long> ticked = new ArrayList<>();
        DumpPlan plan;

        RecordingIntents(DumpPlan p) { plan = p; }

        @Override public DumpPlan markExternal(long ino) {
            ticked.add(ino);
            plan = FakeDump.plan(plan.root(), plan.options().plusExternal("unix[" + ino + "]"));
            return plan;
        }

        @Override public DumpPlan useShellJob() {
            plan = FakeDump.plan(plan.root(), plan.options().withShellJob(true));
            return plan;
        }
    }

    static TargetProbe probe(Map<Integer, Character> states) {
        return states::get;
    }

    /** This machine's host with a scripted criu and a scripted /proc; every step on the calling thread. */
    static Host host(DumpRunner runner, TargetProbe probe, Executor work) {
        return new LocalHost(LocalHost.Parts.real(work).withCriu(Path.of("/scripted/criu"), runner, probe));
    }

    private DumpViewModel syncVm(DumpPlan plan, DumpRunner runner, TargetProbe probe, GraphPin pin, PlanIntents intents) {
        return new DumpViewModel(plan, new DumpViewModel.Services(host(runner, probe, Runnable::run), Runnable::run, Runnable::run,
                pin, intents, null, null));
    }

    // ---- folder rules (the rules themselves: ImagesFolderTest in app/core) ------------------

    @Test
    void viewModelRefusesNonEmptyFolderAndOffersSubFolder() throws Exception {
        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("keep"), "x");
        var runner = new FakeDump.ScriptedRunner(o -> FakeDump.succeeding());
        DumpViewModel vm = syncVm(FakeDump.plan(ROOT, CriuOptions.defaults()), runner, probe(Map.of(ROOT, 'S')), null, null);
        vm.chooseFolder(busy);
        assertEquals(FolderCheck.Status.NOT_EMPTY, vm.folderCheck().status());
        assertFalse(vm.canStartProperty().get());
        vm.start();
        assertTrue(runner.started.isEmpty(), "nothing runs into a non-empty folder");
        vm.useNewSubFolder();
        Path sub = vm.folderProperty().get();
        assertEquals(busy, sub.getParent());
        assertEquals(FolderCheck.Status.WILL_CREATE, vm.folderCheck().status());
        assertTrue(vm.canStartProperty().get());
        vm.start();
        assertEquals(DumpViewModel.Phase.SUCCEEDED, vm.phase());
        assertEquals(sub, runner.started.get(0).imagesDir());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)));
        assertEquals("x", Files.readString(busy.resolve("keep")));
    }

    // ---- timeline ---------------------------------------------------------------------------

    @Test
    void timelineFromStagesAndLogMilestones() {
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        StageTimeline tl = new StageTimeline(t0);
        assertTrue(tl.accept(new CriuEvent.Stage("pre-dump", null, t0.plusMillis(5))));
        assertTrue(tl.accept(new CriuEvent.LogLine(CriuLogParser.parseLine(1, "(00.041952) Seized task 19981, state 1"), t0.plusMillis(7))));
        assertFalse(tl.accept(new CriuEvent.LogLine(CriuLogParser.parseLine(2, "(00.041953) Seized task 19982, state 1"), t0.plusMillis(8))),
                "a milestone counts once");
        assertFalse(tl.accept(new CriuEvent.LogLine(CriuLogParser.parseLine(3, "(00.041960) unix: Collected: ino 1"), t0.plusMillis(8))));
        assertTrue(tl.accept(new CriuEvent.Stage("query-ext-files", null, t0.plusMillis(12))));
        assertTrue(tl.accept(new CriuEvent.LogLine(CriuLogParser.parseLine(4, "(00.050000) Dumping pages (type: 59 pid: 19981)"), t0.plusMillis(20))));
        assertTrue(tl.accept(new CriuEvent.Stage("post-dump", null, t0.plusMillis(50))));
        List<StageRow> rows = tl.rows();
        assertEquals(List.of("started", "pre-dump", "freeze", "query-ext-files", "memory", "post-dump"),
                rows.stream().map(StageRow::name).toList());
        assertEquals(Duration.ofMillis(5), rows.get(1).since());
        assertEquals(Duration.ofMillis(2), rows.get(1).took());
        assertEquals(Duration.ofMillis(41952), rows.get(2).criuTime().multipliedBy(1000));
        assertTrue(rows.get(2).fromLog());
        assertEquals(Duration.ofMillis(30), rows.get(4).took());
        assertNull(rows.get(5).took(), "the last step is still going");
        assertEquals("+0.050 s", rows.get(5).sinceText());
        assertTrue(rows.get(3).meaning().contains("external"));
    }

    // ---- failure → pin → fix → success -------------------------------------------------------

    @Test
    void failurePinsTheInsideSocketAndTheFixTicksItAndRetriesIntoAFreshFolder() throws Exception {
        DumpPlan plan = FakeDump.plan(ROOT, CriuOptions.defaults());
        var runner = new FakeDump.ScriptedRunner(o -> o.external().contains("unix[322741]")
                ? FakeDump.succeeding() : FakeDump.failingWith("dump-external-socket.txt"));
        var pin = new RecordingPin();
        var intents = new RecordingIntents(plan);
        DumpViewModel vm = syncVm(plan, runner, probe(Map.of(ROOT, 'S')), pin, intents);
        Path images = tmp.resolve("images");
        vm.chooseFolder(images);
        vm.start();

        assertEquals(DumpViewModel.Phase.FAILED, vm.phase());
        assertEquals(1, vm.failures().size());
        DumpFailure f = vm.failures().get(0);
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, f.diagnosis().kind());
        assertEquals(FixAction.Kind.MARK_EXTERNAL, f.fix().kind());
        assertEquals(322741, f.fix().inode(), "the end inside the tree, not the outside peer");
        assertEquals("Tick socket:[322741] as external and retry", f.fix().label());
        assertEquals(List.of(List.of("socket:[322741]", "socket:[322740]")), pin.keys, "pinned once, inside end first");
        assertTrue(vm.target().running());
        assertTrue(vm.target().text().startsWith("The target is still running"), vm.target().text());
        assertTrue(vm.messageProperty().get().contains("still running"));
        assertFalse(vm.logTail().isEmpty());
        assertTrue(vm.logTail().stream().anyMatch(l -> l.contains("External socket is used")));
        assertTrue(CriuSession.isIncomplete(images));
        assertEquals(FolderCheck.Status.NOT_EMPTY, vm.folderCheck().status(), "the failed attempt's folder is not reused silently");

        vm.applyFix(f.fix());
        assertEquals(List.of(322741L), intents.ticked);
        assertEquals(2, runner.started.size());
        CriuOptions second = runner.started.get(1);
        assertEquals(List.of("unix[322741]"), second.external());
        assertEquals(tmp.resolve("images-2"), second.imagesDir());
        assertEquals(DumpViewModel.Phase.SUCCEEDED, vm.phase());
        assertTrue(CriuSession.isIncomplete(images), "the failed attempt keeps its mark");
        assertFalse(CriuSession.isIncomplete(tmp.resolve("images-2")));
        DumpSummary s = vm.summary();
        assertEquals(12_345, s.frozenMicros());
        assertEquals(77, s.pagesWritten());
        assertTrue(s.bytesOnDisk() > 0);
        assertTrue(s.complete());
        assertEquals(List.of("started", "pre-dump", "query-ext-files", "post-dump", "freeze", "tasks", "memory", "dumped", "finished"),
                vm.stages().stream().map(StageRow::name).toList());
        assertTrue(vm.commandProperty().get().contains("--external 'unix[322741]'"), vm.commandProperty().get());
        assertEquals(2, vm.attemptProperty().get());
        assertTrue(pin.clears >= 2, "each attempt starts without old pins");
    }

    /**
     * The dialog shows the folder the host dumped into even when the host's "images folder ready" event is applied after
     * the outcome (a CI run under load showed a retry's "-2" folder named in the message but missing from the field): the
     * window's tasks of the retry are run here in reverse order.
     */
    @Test
    void theFolderShownIsTheOneDumpedIntoWhateverTheOrderOfTheEvents() throws Exception {
        DumpPlan plan = FakeDump.plan(ROOT, CriuOptions.defaults());
        var runner = new FakeDump.ScriptedRunner(o -> o.external().contains("unix[322741]")
                ? FakeDump.succeeding() : FakeDump.failingWith("dump-external-socket.txt"));
        java.util.List<Runnable> ui = new java.util.ArrayList<>();
        DumpViewModel vm = new DumpViewModel(plan, new DumpViewModel.Services(host(runner, probe(Map.of(ROOT, 'S')), Runnable::run),
                Runnable::run, ui::add, new RecordingPin(), new RecordingIntents(plan), null, null));
        Runnable drain = () -> {
            while (!ui.isEmpty()) ui.remove(0).run();
        };
        Path images = tmp.resolve("images");
        vm.chooseFolder(images);
        drain.run();
        vm.start();
        drain.run();
        assertEquals(DumpViewModel.Phase.FAILED, vm.phase());
        vm.applyFix(vm.failures().get(0).fix());
        java.util.List<Runnable> retry = new java.util.ArrayList<>(ui);
        ui.clear();
        java.util.Collections.reverse(retry);
        retry.forEach(Runnable::run); // the outcome first, the folder event last (then ignored: the dump is over)
        drain.run();
        assertEquals(DumpViewModel.Phase.SUCCEEDED, vm.phase());
        assertEquals(tmp.resolve("images-2"), vm.folderProperty().get());
        assertTrue(vm.commandProperty().get().contains(tmp.resolve("images-2").toString()), vm.commandProperty().get());
        assertEquals(tmp.resolve("images-2"), vm.folderCheck().folder(), "and the check is of that folder");
    }

    @Test
    void stoppedTargetIsReportedNotRunning() {
        var runner = new FakeDump.ScriptedRunner(o -> FakeDump.failingWith("dump-external-socket.txt"));
        DumpViewModel vm = new DumpViewModel(FakeDump.plan(ROOT, CriuOptions.defaults()), new DumpViewModel.Services(
                host(runner, probe(Map.of(ROOT, 'T')), Runnable::run), Runnable::run, Runnable::run, null, null, null, null));
        vm.chooseFolder(tmp.resolve("x"));
        long t = System.nanoTime();
        vm.start();
        assertTrue(System.nanoTime() - t >= LocalHost.SETTLE.toNanos(), "a stopped task is given time to be woken");
        assertFalse(vm.target().running());
        assertEquals(List.of(ROOT), vm.target().stopped());
        assertTrue(vm.target().text().contains("NOT"), vm.target().text());
    }

    @Test
    void shellJobFixSetsTheOptionWithoutIntents() {
        var runner = new FakeDump.ScriptedRunner(o -> o.shellJob() ? FakeDump.succeeding() : FakeDump.failingWith("dump-dangling-tty.txt"));
        DumpViewModel vm = syncVm(FakeDump.plan(ROOT, CriuOptions.defaults()), runner, probe(Map.of(ROOT, 'S')), null, null);
        vm.chooseFolder(tmp.resolve("tty"));
        vm.start();
        assertEquals(DumpViewModel.Phase.FAILED, vm.phase());
        FixAction fix = vm.failures().get(0).fix();
        assertEquals(FixAction.Kind.SHELL_JOB, fix.kind());
        vm.applyFix(fix);
        assertTrue(runner.started.get(1).shellJob());
        assertEquals(DumpViewModel.Phase.SUCCEEDED, vm.phase());
    }

    @Test
    void settingsReachTheOptions() {
        var runner = new FakeDump.ScriptedRunner(o -> FakeDump.succeeding());
        DumpViewModel vm = syncVm(FakeDump.plan(ROOT, CriuOptions.defaults().withExternal(List.of("unix[5]"))), runner,
                probe(Map.of(ROOT, 'S')), null, null);
        vm.leaveRunningProperty().set(true);
        vm.tcpEstablishedProperty().set(true);
        vm.logLevelProperty().set(3);
        vm.chooseFolder(tmp.resolve("opts"));
        assertTrue(vm.commandProperty().get().contains("--leave-running"));
        vm.start();
        CriuOptions o = runner.started.get(0);
        assertTrue(o.leaveRunning());
        assertTrue(o.tcpEstablished());
        assertFalse(o.shellJob());
        assertEquals(3, o.logLevel());
        assertEquals(ROOT, o.pid());
        assertEquals(List.of("unix[5]"), o.external());
        assertTrue(o.notifyScripts());
        assertTrue(vm.target().running());
    }

    // ---- cancel, on real threads --------------------------------------------------------------

    @Test
    void cancelStopsTheRunAndChecksTheTarget() throws Exception {
        ExecutorService bg = Executors.newCachedThreadPool();
        ExecutorService ui = Executors.newSingleThreadExecutor();
        try {
            var runner = new FakeDump.ScriptedRunner(o -> FakeDump.blockingUntilCancel());
            DumpViewModel vm = onUi(ui, () -> new DumpViewModel(FakeDump.plan(ROOT, CriuOptions.defaults()),
                    new DumpViewModel.Services(host(runner, probe(Map.of(ROOT, 'S')), bg), bg, ui, null, null, null, null)));
            onUi(ui, () -> { vm.chooseFolder(tmp.resolve("c")); return null; });
            waitFor(ui, () -> vm.canStartProperty().get());
            onUi(ui, () -> { vm.start(); return null; });
            waitFor(ui, () -> vm.stages().stream().anyMatch(s -> s.name().equals("pre-dump")));
            assertEquals(DumpViewModel.Phase.RUNNING, onUi(ui, vm::phase));
            assertTrue(onUi(ui, () -> vm.canCancelProperty().get()));
            onUi(ui, () -> { vm.cancel(); return null; });
            waitFor(ui, () -> vm.phase() == DumpViewModel.Phase.CANCELLED);
            assertTrue(onUi(ui, () -> vm.target().running()));
            assertTrue(onUi(ui, () -> vm.messageProperty().get()).contains("still running"));
        } finally {
            bg.shutdownNow();
            ui.shutdownNow();
        }
    }

    static <T> T onUi(ExecutorService ui, Callable<T> c) throws Exception {
        return ui.submit(c).get(10, TimeUnit.SECONDS);
    }

    static void waitFor(ExecutorService ui, Callable<Boolean> c) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> onUi(ui, c));
    }
}
