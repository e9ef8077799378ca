package org.criuatlas.ui.demos;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import org.criuatlas.ui.UiTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/** The lesson pane and the Demos menu driven by clicking, with real demo processes behind them. */
class DemoLessonPaneTest extends FxRobot {
    Stage stage;
    DemoRunner runner;
    DemoLessonPane pane;
    final List<StartedDemo> started = new CopyOnWriteArrayList<>();
    final List<String> failed = new CopyOnWriteArrayList<>();
    final org.criuatlas.ui.theme.Themes themes = new org.criuatlas.ui.theme.Themes();

    @BeforeAll
    static void toolkit() throws Exception {
        UiTestSupport.primaryStage();
    }

    @BeforeEach
    void open() throws Exception {
        runner = new DemoRunner();
        FxToolkit.setupStage(s -> {
            stage = s;
            pane = DemoLessonPane.create(runner, DemoCatalog.SEED, started::add);
            MenuBar bar = new MenuBar(DemoMenu.create(runner, st -> {
                started.add(st);
                pane.show(st.demo());
            }, (d, e) -> failed.add(d.id() + ": " + e), Runnable::run));
            BorderPane root = new BorderPane(new Label("graph goes here"));
            root.setTop(bar);
            root.setRight(pane);
            s.setScene(themes.style(new Scene(root, 1100, 800)));
            s.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.setupFixture(() -> {
            pane.dispose();
            stage.hide();
        });
        runner.close();
    }

    private String text(String id) {
        return lookup("#" + id).queryAs(Label.class).getText();
    }

    @Test
    void startShowsRunningWithPidsAndStopLeavesNoProcess() throws Exception {
        assertEquals("1. " + DemoCatalog.SEED.title(), text(DemoIds.TITLE));
        assertEquals("stopped", text(DemoIds.STATUS));
        Button button = lookup("#" + DemoIds.START_STOP).queryButton();
        assertEquals("Start", button.getText());
        assertTrue(lookup("#" + DemoIds.SELECT_ROOT).queryButton().isDisabled());

        clickOn(button);
        waitUntil(30, () -> text(DemoIds.STATUS).startsWith("running"));
        StartedDemo s = runner.running(DemoCatalog.SEED).orElseThrow();
        String status = text(DemoIds.STATUS);
        for (var e : s.pids().entrySet()) {
            assertTrue(status.contains(e.getKey() + "=" + e.getValue()), status);
            assertTrue(Files.exists(Path.of("/proc/" + e.getValue())), e.getKey() + " runs");
        }
        assertTrue(status.contains("plan from app (pid " + s.rootPid() + ")"), status);
        assertEquals("Stop", button.getText());
        assertEquals(List.of(s), started, "the window was told to select the demo's root");
        // the steps name the real inode to tick
        String allSteps = lookup("#" + DemoIds.STEPS).queryAs(javafx.scene.layout.VBox.class).getChildren().stream()
                .map(n -> ((Label) n).getText()).reduce("", (a, b) -> a + "\n" + b);
        assertTrue(allSteps.contains("unix[" + s.inode("seed", "worker") + "]"), allSteps);

        UiTestSupport.screenshotsLightAndDark(stage, themes, "demo-1-running");
        clickOn("#" + DemoIds.SELECT_ROOT);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, started.size());

        Set<Integer> pids = s.knownPids();
        clickOn(button);
        waitUntil(30, () -> text(DemoIds.STATUS).equals("stopped"));
        for (int pid : pids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " still exists");
        assertFalse(Files.exists(s.workDir()));
        assertFalse(Files.exists(s.socketDir()));
        assertEquals("Start", button.getText());
    }

    @Test
    void demosMenuStartsADemoAndThePaneFollows() throws Exception {
        clickOn("Demos");
        clickOn("#" + DemoIds.menuItem(DemoCatalog.PIPELINE));
        waitUntil(30, () -> !started.isEmpty() && text(DemoIds.STATUS).startsWith("running"));
        StartedDemo s = started.get(0);
        assertEquals(DemoCatalog.PIPELINE, s.demo());
        assertEquals("4. " + DemoCatalog.PIPELINE.title(), text(DemoIds.TITLE));
        Set<Integer> pids = s.knownPids();
        clickOn("Demos");
        clickOn("#" + DemoIds.STOP_ALL);
        waitUntil(30, () -> text(DemoIds.STATUS).equals("stopped"));
        for (int pid : pids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " still exists");
    }
}
