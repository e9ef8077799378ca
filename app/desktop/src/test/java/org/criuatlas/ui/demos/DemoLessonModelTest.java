package org.criuatlas.ui.demos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The lesson pane's state without a toolkit: a single thread stands in for the FX thread. */
class DemoLessonModelTest {
    ExecutorService ui;
    DemoRunner runner;
    DemoLessonModel model;
    final List<StartedDemo> handed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        ui = Executors.newSingleThreadExecutor();
        runner = new DemoRunner();
        model = onUi(() -> new DemoLessonModel(runner, DemoCatalog.SEED, ui, handed::add));
    }

    @AfterEach
    void tearDown() throws Exception {
        onUi(() -> {
            model.close();
            return null;
        });
        runner.close();
        ui.shutdownNow();
    }

    <T> T onUi(Callable<T> c) throws Exception {
        return ui.submit(c).get(10, TimeUnit.SECONDS);
    }

    void waitState(DemoRunner.State s) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (onUi(() -> model.stateProperty().get()) != s) {
            if (System.nanoTime() > end) fail("state stayed " + onUi(() -> model.stateProperty().get()) + ", wanted " + s
                    + "; status: " + onUi(() -> model.statusProperty().get()));
            Thread.sleep(20);
        }
    }

    @Test
    void startShowsPidsAndInodesThenStopRemovesEverything() throws Exception {
        assertEquals("Start", onUi(() -> model.buttonTextProperty().get()));
        assertEquals("stopped", onUi(() -> model.statusProperty().get()));
        assertTrue(onUi(() -> String.join("\n", model.steps())).contains("unix[<worker's inode>]"), "placeholder while stopped");

        onUi(() -> {
            model.startOrStop();
            return null;
        });
        waitState(DemoRunner.State.RUNNING);
        StartedDemo s = runner.running(DemoCatalog.SEED).orElseThrow();
        String status = onUi(() -> model.statusProperty().get());
        assertTrue(status.startsWith("running"), status);
        assertTrue(status.contains("pid " + s.rootPid()), status);
        assertTrue(status.contains("worker=" + s.topology().pid("worker")), status);
        String steps = onUi(() -> String.join("\n", model.steps()));
        assertTrue(steps.contains("unix[" + s.inode("seed", "worker") + "]"), steps);
        assertTrue(steps.contains("app (pid " + s.rootPid() + ")"), steps);
        assertEquals("Stop", onUi(() -> model.buttonTextProperty().get()));
        assertEquals(List.of(s), handed, "the window is told which demo to select");

        Set<Integer> pids = s.knownPids();
        onUi(() -> {
            model.startOrStop();
            return null;
        });
        waitState(DemoRunner.State.STOPPED);
        for (int pid : pids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " left");
        assertFalse(Files.exists(s.workDir()));
        assertEquals("Start", onUi(() -> model.buttonTextProperty().get()));
    }

    @Test
    void showingADemoStartedElsewhereSaysItRuns() throws Exception {
        StartedDemo s = runner.start(DemoCatalog.PIPELINE).get(60, TimeUnit.SECONDS);
        onUi(() -> {
            model.show(DemoCatalog.PIPELINE);
            return null;
        });
        assertEquals(DemoRunner.State.RUNNING, onUi(() -> model.stateProperty().get()));
        assertTrue(onUi(() -> String.join("\n", model.steps())).contains("pipe:[" + s.inode("out", "filter") + "]"));
        // stopped from elsewhere (the menu): the pane follows
        runner.stop(DemoCatalog.PIPELINE).get(60, TimeUnit.SECONDS);
        waitState(DemoRunner.State.STOPPED);
    }
}
