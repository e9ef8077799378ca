package org.criuatlas.ui.demos;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** The lesson pane and the Demos menu driven by clicking, with real demo processes behind them. */
class DemoLessonPaneTest extends FxRobot {
    Stage stage;
    DemoRunner runner;
    DemoLessonPane pane;
    final List<StartedDemo> started = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void toolkit() throws Exception {
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.lcdtext", "false");
        if (!"false".equalsIgnoreCase(System.getProperty("ui.headless", "true"))) {
            System.setProperty("testfx.robot", "glass");
            System.setProperty("testfx.headless", "true");
            System.setProperty("glass.platform", "Monocle");
            System.setProperty("monocle.platform", "Headless");
            System.setProperty("headless.geometry", "1600x1000-32");
            System.setProperty("java.awt.headless", "true");
        } else {
            org.criuatlas.testing.Requirements.require(System.getenv("DISPLAY") != null,
                    "ui.headless=false needs an X server in DISPLAY (scripts/test.sh starts Xvfb)");
        }
        FxToolkit.registerPrimaryStage();
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
            }));
            BorderPane root = new BorderPane(new Label("graph goes here"));
            root.setTop(bar);
            root.setRight(pane);
            s.setScene(new Scene(root, 1100, 800));
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

    private static void waitUntil(int seconds, BooleanSupplier cond) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> {
            boolean[] ok = new boolean[1];
            WaitForAsyncUtils.asyncFx(() -> ok[0] = cond.getAsBoolean()).get();
            return ok[0];
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** A scene snapshot (works on Monocle and on X) into the screenshots folder. */
    private void screenshot(String name) throws Exception {
        Path dir = Path.of(System.getProperty("ui.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        javafx.scene.image.WritableImage[] img = new javafx.scene.image.WritableImage[1];
        WaitForAsyncUtils.asyncFx(() -> img[0] = stage.getScene().snapshot(null)).get(10, TimeUnit.SECONDS);
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img[0], null), "png", dir.resolve(name + ".png").toFile());
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

        screenshot("demo-1-running");
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
