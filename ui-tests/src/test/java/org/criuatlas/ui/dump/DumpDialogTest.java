package org.criuatlas.ui.dump;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.criuatlas.host.DumpRunner;
import org.criuatlas.host.Host;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.TargetProbe;
import org.criuatlas.ui.fx.FxThread;
import org.criuatlas.ui.theme.Theme;
import org.criuatlas.ui.theme.Themes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The dump window driven by a robot with a scripted session (the real CRIU run is covered by the
 * app's DumpViewModelCriuTest): non-empty folder → new sub-folder → Dump fails with the real
 * external-socket log → pin + "Tick … and retry" → success → Open images; and Cancel.
 * The target check is real: the "target" is this JVM, read from /proc.
 */
class DumpDialogTest {
    static final long INSIDE = 1194854;
    static final int SELF = (int) ProcessHandle.current().pid();

    @TempDir Path tmp;
    Stage stage;
    final FxRobot robot = new FxRobot();
    final List<List<String>> pinned = new CopyOnWriteArrayList<>();
    final List<Path> opened = new CopyOnWriteArrayList<>();
    final List<CriuOptions> started = new CopyOnWriteArrayList<>();
    final CountDownLatch cancelled = new CountDownLatch(1);
    final Themes themes = new Themes();
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void toolkit() throws Exception {
        stage = primaryStage();
    }

    @AfterEach
    void close() throws Exception {
        if (stage != null) FxToolkit.cleanupStages();
        pool.shutdownNow();
    }

    static List<CriuLogLine> realLog() throws Exception {
        try (InputStream in = DumpDialogTest.class.getResourceAsStream("/criu-logs/dump-external-socketpair.log")) {
            return CriuLogParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Fails with the real log until unix[INSIDE] is external; blocks until cancelled when asked to. */
    DumpRunner runner(boolean block) {
        return (o, listener) -> {
            started.add(o);
            return new DumpRunner.Running() {
                @Override
                public CriuResult await() {
                    try {
                        Instant t = Instant.now();
                        listener.onEvent(new CriuEvent.Stage("pre-dump", null, t));
                        if (block) {
                            if (!cancelled.await(20, TimeUnit.SECONDS)) throw new AssertionError("not cancelled");
                            throw new CriuException.Cancelled("dump", "criu was told to stop and gave up cleanly");
                        }
                        boolean fixed = o.external().contains("unix[" + INSIDE + "]");
                        List<CriuLogLine> lines = fixed ? CriuLogParser.parse("(00.1) Seized task 1, state 1\n(00.2) Dumping finished successfully\n") : realLog();
                        for (CriuLogLine l : lines) listener.onEvent(new CriuEvent.LogLine(l, Instant.now()));
                        Files.writeString(o.imagesDir().resolve("dump.log"), "log");
                        CriuResult r;
                        if (fixed) {
                            listener.onEvent(new CriuEvent.Stage("query-ext-files", null, Instant.now()));
                            listener.onEvent(new CriuEvent.Stage("post-dump", null, Instant.now()));
                            Files.writeString(o.imagesDir().resolve("inventory.img"), "x".repeat(4096));
                            Files.deleteIfExists(o.imagesDir().resolve(CriuSession.INCOMPLETE_MARKER));
                            r = new CriuResult("dump", true, null, null, null, null,
                                    new CriuStats(new CriuStats.Dump(1, 42_000, 1, 1, 10, 0, 953, 0), null), List.of(), List.of(),
                                    o.imagesDir().resolve("dump.log"), List.of(), "exit 0", Duration.ofMillis(180));
                        } else {
                            Files.writeString(o.imagesDir().resolve(CriuSession.INCOMPLETE_MARKER), "x");
                            r = new CriuResult("dump", false, null, null, null, null, null, CriuDiagnoser.diagnose(lines, true),
                                    List.of(), o.imagesDir().resolve("dump.log"), List.of(), "exit 1", Duration.ofMillis(170));
                        }
                        listener.onEvent(new CriuEvent.Finished(r, Instant.now()));
                        return r;
                    } catch (CriuException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void cancel() {
                    cancelled.countDown();
                }
            };
        };
    }

    DumpViewModel open(boolean block) throws Exception {
        DumpPlan plan = new DumpPlan(SELF, "python3 worker.py", List.of(SELF), List.of(), List.of(),
                CriuOptions.defaults().withPid(SELF), List.of(), Outcome.DUMP_FAILS, null, List.of(), List.of());
        PlanIntents intents = new PlanIntents() {
            DumpPlan p = plan;
            @Override public DumpPlan markExternal(long ino) {
                p = new DumpPlan(p.root(), p.rootCommand(), p.dumped(), p.checks(), p.crossings(),
                        p.options().plusExternal("unix[" + ino + "]"), p.obligations(), Outcome.DUMPS_BREAKS_AT_RESTORE, null,
                        List.of(), List.of());
                return p;
            }
            @Override public DumpPlan useShellJob() { return p; }
        };
        GraphPin pin = new GraphPin() {
            @Override public void pin(List<String> keys, List<Integer> pids, String why) { pinned.add(keys); }
            @Override public void clearPins() {}
        };
        return fx(() -> {
            // this machine's host with a scripted criu; the target check reads the real /proc
            Host host = new LocalHost(LocalHost.Parts.real(pool).withCriu(Path.of("/scripted/criu"), runner(block), TargetProbe.PROC));
            DumpViewModel vm = new DumpViewModel(plan, new DumpViewModel.Services(host, pool, FxThread.EXECUTOR, pin, intents,
                    opened::add, null));
            stage.setScene(themes.style(new Scene(DumpDialog.create(vm), 900, 780)));
            stage.show();
            return vm;
        });
    }

    @Test
    void failThenFixThenOpenImages() throws Exception {
        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("keep.txt"), "mine");
        DumpViewModel vm = open(false);
        fx(() -> vm.chooseFolder(busy));
        waitUntil(10, () -> vm.folderCheck().needsChoice());
        assertTrue(robot.lookup("#" + DumpDialog.ID_START).queryButton().isDisabled(), "no dump into a non-empty folder");
        assertTrue(robot.lookup("#" + DumpDialog.ID_SUB_FOLDER).queryButton().isVisible());

        robot.clickOn("#" + DumpDialog.ID_SUB_FOLDER);
        waitUntil(10, () -> vm.folderCheck().usable());
        Path sub = fx(() -> vm.folderProperty().get());
        assertEquals(busy, sub.getParent());

        robot.clickOn("#" + DumpDialog.ID_START);
        waitUntil(20, () -> vm.phase() == DumpViewModel.Phase.FAILED);
        screenshot(stage, "dump-dialog-failed");
        fx(() -> themes.set(Theme.DARK));
        screenshot(stage, "dump-dialog-failed-dark");
        fx(() -> themes.set(Theme.LIGHT));
        Button fix = robot.lookup("." + DumpDialog.STYLE_FIX).queryButton();
        assertEquals("Tick socket:[" + INSIDE + "] as external and retry", fix.getText());
        assertEquals("socket:[" + INSIDE + "]", pinned.get(0).get(0));
        String target = robot.lookup("#" + DumpDialog.ID_TARGET).queryAs(Label.class).getText();
        assertTrue(target.startsWith("The target is still running"), target);
        assertTrue(fx(() -> vm.stages().size()) >= 2);
        assertTrue(fx(() -> vm.logTail().stream().anyMatch(l -> l.contains("External socket is used"))));

        // "Save bug report…" on the failure: a .tar.gz whose files GNU tar lists
        Path report = tmp.resolve("bug.tar.gz");
        fx(() -> robot.lookup("#" + DumpDialog.ID).queryAs(DumpDialog.class).setBugReportChooser(w -> report.toFile()));
        robot.clickOn("#" + DumpDialog.ID_BUG_REPORT);
        waitUntil(60, () -> vm.messageProperty().get().startsWith("Bug report saved to "));
        Process tar = new ProcessBuilder("tar", "-tzf", report.toString()).redirectErrorStream(true).start();
        String names = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS) && tar.exitValue() == 0, names);
        for (String f : List.of("README.txt", "versions.txt", "criu-check.txt", "plan.md", "plan.json", "scan.json", "dump.log",
                "diagnosis.txt", "command.txt")) {
            assertTrue(names.lines().anyMatch(l -> l.endsWith("/" + f)), f + " in " + names);
        }

        robot.clickOn(fix);
        waitUntil(20, () -> vm.phase() == DumpViewModel.Phase.SUCCEEDED);
        screenshot(stage, "dump-dialog-succeeded");
        fx(() -> themes.set(Theme.DARK));
        screenshot(stage, "dump-dialog-succeeded-dark");
        fx(() -> themes.set(Theme.LIGHT));
        assertEquals(2, started.size());
        assertTrue(started.get(1).external().contains("unix[" + INSIDE + "]"));
        String summary = robot.lookup("#" + DumpDialog.ID_SUMMARY).queryAs(Label.class).getText();
        assertTrue(summary.contains("42.0 ms") && summary.contains("953 pages"), summary);
        // The dialog then checks the folder it dumped into, in the background, and says it now holds images
        // (a row of choices appears above, moving the buttons below). Click once that is in: a click aimed while
        // the row was still coming missed the button under load (CI, reproduced with 3 busy loops on 2 cores).
        Path dumped = sub.resolveSibling(sub.getFileName() + "-2");
        waitUntil(20, () -> dumped.equals(vm.folderCheck().folder()) && vm.folderCheck().needsChoice());
        assertTrue(robot.lookup("#" + DumpDialog.ID_START).queryButton().isDisabled(), "no second dump into the images");
        robot.clickOn("#" + DumpDialog.ID_OPEN_IMAGES);
        waitUntil(20, () -> !opened.isEmpty());
        assertEquals(dumped, opened.get(0));
        assertEquals("mine", Files.readString(busy.resolve("keep.txt")));
    }

    @Test
    void cancelKeepsTheTargetRunning() throws Exception {
        DumpViewModel vm = open(true);
        fx(() -> vm.chooseFolder(tmp.resolve("new")));
        waitUntil(10, () -> vm.canStartProperty().get());
        robot.clickOn("#" + DumpDialog.ID_START);
        waitUntil(10, () -> vm.phase() == DumpViewModel.Phase.RUNNING && !vm.stages().isEmpty() && vm.canCancelProperty().get());
        robot.clickOn("#" + DumpDialog.ID_CANCEL);
        waitUntil(20, () -> vm.phase() == DumpViewModel.Phase.CANCELLED);
        String target = robot.lookup("#" + DumpDialog.ID_TARGET).queryAs(Label.class).getText();
        assertTrue(target.startsWith("The target is still running: pid " + SELF), target);
        assertTrue(robot.lookup("#" + DumpDialog.ID_MESSAGE).queryAs(Label.class).getText().startsWith("Cancelled."));
    }
}
