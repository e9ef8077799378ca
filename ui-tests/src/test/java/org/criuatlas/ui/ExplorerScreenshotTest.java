package org.criuatlas.ui;

import org.criuatlas.ui.theme.Theme;
import org.criuatlas.ui.theme.Styles;
import javafx.scene.control.TitledPane;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.Verdict;
import org.criuatlas.ui.graph.SelectedItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs on a real X server (Xvfb under scripts/test.sh) and saves screenshots of the main states to
 * docs/screenshots (written under target/screenshots-x; scripts/refresh-screenshots.sh copies them): a ~300-process workstation at the default zoom, a plan with failing edges, the
 * same plan resolved, and the dark theme.
 */
class ExplorerScreenshotTest {
    private AtlasApp.Window window;
    private final FxRobot robot = new FxRobot();

    @AfterEach
    void close() throws Exception {
        UiTestSupport.close(window);
    }

    // no pauses before a screenshot: UiTestSupport.screenshot waits until the graph's last frame is on screen
    @Test
    void mainStates() throws Exception {
        IpcGraph g = SyntheticGraphs.workstation(300, 7);
        window = UiTestSupport.open(() -> g);
        GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
        UiTestSupport.waitUntil(10, () -> graph.getRender().nodeCount > 250);
        assertPng(UiTestSupport.screenshot(window.stage(), "01-overview"));

        // plan the python server with a socketpair to its worker, from the worker down: it dangles
        int worker = g.processes().values().stream()
                .filter(p -> p.comm().equals("python3") && p.cmdline().contains("worker.py"))
                .mapToInt(ProcessInfo::pid).findFirst().orElseThrow();
        UiTestSupport.fx(() -> {
            window.vm().plan().planSubtree(worker);
            window.vm().jumpTo(SelectedItem.process(worker));
        });
        UiTestSupport.waitUntil(5, () -> window.vm().plan().getOutcome() != null);
        UiTestSupport.fx(() -> graph.fitPids(java.util.Set.of(worker, g.process(worker).ppid(), g.process(g.process(worker).ppid()).ppid())));
        assertPng(UiTestSupport.screenshot(window.stage(), "02-plan-failing"));

        UiTestSupport.fx(() -> {
            for (CrossingRow c : window.vm().plan().getOutcome().crossings()) {
                if (c.verdict() == Verdict.FAIL && c.choices().contains(Choice.EXTERNAL)) {
                    window.vm().plan().setChoice(c.key(), Choice.EXTERNAL, true);
                }
            }
        });
        UiTestSupport.waitUntil(5, () -> window.vm().plan().getOutcome().verdict() != Verdict.FAIL);
        assertPng(UiTestSupport.screenshot(window.stage(), "03-plan-resolved"));

        UiTestSupport.fx(() -> {
            window.view().applyTheme(Theme.DARK);
            robot.lookup("#" + Styles.ID_LEGEND).queryAs(TitledPane.class).setExpanded(true);
            graph.fit();
        });
        assertPng(UiTestSupport.screenshot(window.stage(), "04-dark-legend"));
    }

    private static void assertPng(Path p) throws Exception {
        assertTrue(Files.size(p) > 10_000, p + " is suspiciously small");
    }
}
