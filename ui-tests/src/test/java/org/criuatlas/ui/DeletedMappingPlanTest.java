package org.criuatlas.ui;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.testing.ElfFiles;
import org.criuatlas.testing.TestProcs;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A process that maps a 2 MiB file whose name is gone (as after an upgrade replaced its library):
 * a person finds it, plans it from the graph, and reads that the dump fails, on that mapping, with
 * the line CRIU prints (DeletedMappingCriuTest shows real CRIU printing it).
 */
class DeletedMappingPlanTest {
    // DeletedMappingPlanScreenshotTest runs this same test on a real X server and saves the screenshots
    private final FxRobot robot = new FxRobot();

    @Test
    void aReplacedLibraryIsAnObjectThatFailsTheDump() throws Exception {
        AtlasApp.Window window = null;
        Path dir = Files.createDirectories(Path.of("target", "deleted-mapping-plan-" + System.nanoTime()).toAbsolutePath());
        Path lib = dir.resolve("libatlas-old.so.1"), ready = dir.resolve("ready");
        try (TestProcs.Proc p = TestProcs.python(ElfFiles.MAP_DELETED_FILE, List.of(lib.toString(), ready.toString()), Map.of(), null);
             LiveScanner scanner = new LiveScanner()) {
            assertTrue(TestProcs.waitCounterAbove(ready, 0, Duration.ofSeconds(20)) > 0, "the mapper did not start");
            int pid = p.pid;
            window = UiTestSupport.open(scanner::scan);
            AtlasApp.Window w = window;
            UiTestSupport.waitUntil(30, () -> w.vm().getGraph() != null && w.vm().getGraph().process(pid) != null);
            GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);

            robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(pid)).type(KeyCode.ENTER);
            UiTestSupport.waitUntil(5, () -> SelectedItem.process(pid).equals(w.vm().getSelection()));
            // the inspector lists the mapping beside the fds
            assertTrue(robot.lookup(".label").queryAllAs(Label.class).stream()
                    .anyMatch(l -> l.getText().equals(lib + "  " + (2 << 20) + " bytes")), "the inspector shows the deleted mapping");
            robot.clickOn(UiTestSupport.onGraph(graph, pid), MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_PLAN);
            String row = "#" + Styles.idFor("object", "map-deleted-large-" + pid + "--1");
            UiTestSupport.waitUntil(10, () -> robot.lookup(row).tryQuery().isPresent());

            Label verdict = robot.lookup("#" + Styles.ID_PLAN_VERDICT).queryAs(Label.class);
            assertTrue(verdict.getText().contains("fail"), verdict.getText());
            Node r = robot.lookup(row).query();
            assertTrue(r.getStyleClass().contains("verdict-fail"), r.getStyleClass().toString());
            String line = "Can't dump ghost file " + lib + " of " + (2 << 20) + " size, increase limit";
            Label criuLine = robot.lookup("#" + Styles.ID_PLAN_CRIU_LINE).queryAs(Label.class);
            assertTrue(criuLine.isVisible() && criuLine.getText().contains(line), criuLine.getText());
            assertTrue(robot.from(r).lookup(".label").queryAllAs(Label.class).stream()
                    .anyMatch(l -> l.getText().contains("mapping of " + lib + " (deleted, " + (2 << 20) + " bytes)")), "the row names it");
            if (!UiTestSupport.headless()) {
                UiTestSupport.screenshotsLightAndDark(w.stage(), w.view().themesForTests(), "plan-deleted-mapping");
            }
        } finally {
            UiTestSupport.close(window);
        }
    }
}
