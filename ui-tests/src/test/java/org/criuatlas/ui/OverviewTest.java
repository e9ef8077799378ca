package org.criuatlas.ui;

import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.Overview;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The overview at workstation scale (issue 15): at the first view of 300 and 1,000 processes the
 * graph shows groups with their counts, hubs with their names; a search jumps to its match, which
 * is drawn as itself (never folded) and selected. Screenshots, light and dark, under target/.
 */
class OverviewTest {
    private final FxRobot robot = new FxRobot();
    private AtlasApp.Window window;

    @AfterEach
    void close() throws Exception {
        UiTestSupport.close(window);
    }

    private GraphView open(IpcGraph g) throws Exception {
        window = UiTestSupport.open(() -> g);
        GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
        waitUntil(20, () -> graph.getRender().nodeCount >= g.processes().size() / 2);
        fx(graph::fit);
        waitUntil(10, () -> !graph.framePending());
        return graph;
    }

    @Test
    void overviewOf300And1000ProcessesShowsGroupsAndHubs() throws Exception {
        for (int size : new int[]{300, 1000}) {
            IpcGraph g = SyntheticGraphs.workstation(size, 7);
            GraphView graph = open(g);
            Overview ov = fx(graph::overview);
            assertTrue(ov.groups.length >= 5, size + ": groups at fit: " + ov.groups.length);
            boolean dbusHub = false;
            for (int i = 0; i < graph.getRender().nodeCount; i++) dbusHub |= ov.hub[i] && "dbus-daemon".equals(graph.getRender().comm[i]);
            assertTrue(dbusHub, "the D-Bus daemon is a hub");
            screenshotsLightAndDark(window.stage(), window.view().themesForTests(), "overview-" + size);
            UiTestSupport.close(window);
            window = null;
        }
    }

    @Test
    void searchJumpsToTheMatchAndOpensItsGroup() throws Exception {
        IpcGraph g = SyntheticGraphs.workstation(300, 7);
        GraphView graph = open(g);
        // a compiler deep in a build under a terminal: folded into its group at fit
        int cc1 = g.processes().values().stream().filter(p -> p.comm().equals("cc1")).mapToInt(ProcessInfo::pid).max().orElseThrow();
        assertTrue(fx(() -> graph.folded(cc1)), "at fit the compiler is inside a group");
        robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(cc1)).push(KeyCode.ENTER);
        waitUntil(10, () -> SelectedItem.process(cc1).equals(window.vm().getSelection()));
        waitUntil(10, () -> !graph.folded(cc1) && !graph.framePending());
        var p = fx(() -> graph.screenPointOf(cc1));
        assertTrue(p.getX() > 0 && p.getX() < graph.getWidth() && p.getY() > 0 && p.getY() < graph.getHeight(), "in view: " + p);
        assertEquals(cc1, fx(() -> graph.pidAt(p.getX(), p.getY())), "drawn as itself where it is");
        screenshotsLightAndDark(window.stage(), window.view().themesForTests(), "overview-search-jump");
        fx(() -> robot.lookup("#" + Styles.ID_SEARCH).queryAs(TextField.class).clear());
    }

    /** Enter on a pid goes to that process, not to an earlier row whose command line only mentions the number. */
    @Test
    void enterOnAPidGoesToThatProcessNotToARowThatMentionsIt() throws Exception {
        IpcGraph base = SyntheticGraphs.workstation(300, 7);
        int cc1 = base.processes().values().stream().filter(p -> p.comm().equals("cc1")).mapToInt(ProcessInfo::pid).max().orElseThrow();
        int free = 3;
        while (base.processes().containsKey(free)) free++;
        java.util.List<ProcessInfo> ps = new java.util.ArrayList<>(base.processes().values());
        ps.add(new ProcessInfo(free, 1, "tail", java.util.List.of("tail", "--pid=" + cc1, "-f", "/dev/null"), 0, 'S', free, free, 0, 0,
                java.util.List.of(), true));
        IpcGraph g = IpcGraph.builder(base.meta()).processes(ps).unixSockets(base.sockets().values()).pipes(base.pipes().values()).build();
        open(g);
        int watcher = free;
        robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(cc1));
        waitUntil(10, () -> window.vm().visibleRows().size() == 2);
        assertEquals(watcher, fx(() -> window.vm().visibleRows().get(0).pid()), "the row that only mentions the pid comes first");
        robot.push(KeyCode.ENTER);
        waitUntil(10, () -> SelectedItem.process(cc1).equals(window.vm().getSelection()));
        fx(() -> robot.lookup("#" + Styles.ID_SEARCH).queryAs(TextField.class).clear());
    }
}
