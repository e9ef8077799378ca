package org.criuatlas.ui;

import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.vm.ProcessRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Steady under the hand (issue 15), on a real population of ~300 processes (the topology builder)
 * and the whole machine around it, scanned live: a context menu stays open across three refreshes
 * with changes and "Plan dump of this subtree" then plans the process that was right-clicked; a
 * refresh that adds 50 processes and removes 50 others leaves the selection, the focused row, the
 * scroll position and the sort order as they were.
 */
class SteadyRefreshTest {
    private final FxRobot robot = new FxRobot();
    @TempDir Path tmp;
    private Stage stage;
    private MainWindow main;
    private final List<Topology> topologies = new ArrayList<>();
    private final AtomicInteger refreshes = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        stage = primaryStage();
        WindowServices services = UiTestSupport.services(tmp.resolve("dumps"));
        main = UiTestSupport.openMain(stage, services, services.host()::scan);
        fx(() -> main.window().vm().graphProperty().addListener((o, a, b) -> refreshes.incrementAndGet()));
    }

    @AfterEach
    void close() throws Exception {
        for (Topology t : topologies) t.close();
        if (main == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) if (w != stage) fx(w::hide);
        main.stopDemos();
        main.window().close();
        fx(() -> stage.hide());
    }

    private Topology population(int procs) {
        Topology t = Topology.population(procs, procs * 2);
        topologies.add(t);
        return t;
    }

    /** Scans again and waits until the window shows that scan. */
    private IpcGraph refresh() throws Exception {
        int before = refreshes.get();
        fx(() -> main.window().refresh().refreshNow());
        waitUntil(60, () -> refreshes.get() > before && !main.window().refresh().busyProperty().get());
        return fx(() -> main.window().vm().getGraph());
    }

    @SuppressWarnings("unchecked")
    private TableView<ProcessRow> table() {
        return (TableView<ProcessRow>) stage.getScene().lookup("#" + Styles.ID_PROCESS_TABLE);
    }

    private TableRow<?> row(int pid) {
        for (Node n : table().lookupAll(".table-row-cell")) {
            if (n instanceof TableRow<?> r && r.isVisible() && r.getItem() instanceof ProcessRow p && p.pid() == pid) return r;
        }
        return null;
    }

    private void scrollTo(int pid) throws Exception {
        fx(() -> {
            TableView<ProcessRow> t = table();
            for (int i = 0; i < t.getItems().size(); i++) if (t.getItems().get(i).pid() == pid) t.scrollTo(Math.max(0, i - 8));
        });
        waitUntil(10, () -> row(pid) != null);
    }

    @Test
    void aContextMenuStaysOpenAcrossThreeRefreshesAndPlansTheProcessRightClicked() throws Exception {
        Topology pop = population(300);
        IpcGraph g = refresh();
        int target = pop.pid("p150");
        assertNotNull(g.process(target));
        scrollTo(target);
        robot.rightClickOn(fx(() -> row(target)));
        waitUntil(10, () -> main.window().view().tableMenu() != null && main.window().view().tableMenu().isShowing());
        ContextMenu menu = fx(() -> main.window().view().tableMenu());
        assertEquals(target, menu.getUserData(), "the menu names the process right-clicked");
        screenshotsLightAndDark(stage, main.services().themes(), "steady-menu-open");

        for (int round = 1; round <= 3; round++) {
            // changes: a few processes start (and, from the second round, the previous few end)
            if (round > 1) topologies.remove(topologies.size() - 1).close();
            population(5);
            IpcGraph now = refresh();
            var diff = fx(() -> main.window().vm().diffProperty().get());
            assertTrue(diff.appearedPids().size() >= 5, "round " + round + ": processes appeared " + diff.appearedPids().size());
            assertNotSame(g, now);
            g = now;
            assertTrue(fx(menu::isShowing), "round " + round + ": the menu is still open after the refresh");
        }
        robot.clickOn("#" + Styles.ID_MENU_PLAN);
        waitUntil(10, () -> main.window().vm().plan().getOutcome() != null);
        assertEquals(target, (int) fx(() -> main.window().vm().plan().rootPidProperty().get()),
                "the plan is of the process that was right-clicked");
    }

    @Test
    void aRefreshAdding50AndRemoving50KeepsSelectionFocusScrollAndSortOrder() throws Exception {
        Topology steady = population(250);
        Topology leaving = population(50);
        refresh();
        int chosen = steady.pid("p120");
        scrollTo(chosen);
        robot.clickOn(fx(() -> row(chosen)));
        waitUntil(10, () -> table().getSelectionModel().getSelectedItem() != null
                && table().getSelectionModel().getSelectedItem().pid() == chosen);
        double[] topBefore = fx(() -> main.window().view().tableTopRow());
        double[] chosenBefore = fx(() -> main.window().view().tableRowPosition(chosen));
        int focusedBefore = fx(() -> table().getFocusModel().getFocusedItem().pid());
        assertEquals(chosen, focusedBefore);

        leaving.close();
        topologies.remove(leaving);
        Topology arriving = population(50);
        refresh();
        var diff = fx(() -> main.window().vm().diffProperty().get());
        assertTrue(diff.appearedPids().size() >= 50 && diff.vanishedPids().size() >= 50,
                "+" + diff.appearedPids().size() + " / -" + diff.vanishedPids().size());
        fx(() -> table().layout()); // the pulse after the refresh has laid the rows out
        assertEquals(chosen, fx(() -> table().getSelectionModel().getSelectedItem().pid()), "the selection");
        assertEquals(chosen, fx(() -> table().getFocusModel().getFocusedItem().pid()), "the focused row");
        double[] chosenAfter = fx(() -> main.window().view().tableRowPosition(chosen));
        assertNotNull(chosenAfter, "the chosen row is still on screen");
        assertEquals(chosenBefore[1], chosenAfter[1], 1.0, "the row under the pointer keeps its place on screen");
        double[] topAfter = fx(() -> main.window().view().tableTopRow());
        assertEquals((int) topBefore[0], (int) topAfter[0], "the same row at the top: the scroll position is unchanged");
        assertEquals(topBefore[1], topAfter[1], 1.0);
        // the processes that left are still listed, marked gone, while the pointer is on the table
        int gonePid = diff.vanishedPids().stream().filter(p -> fx0(() -> main.window().vm().isGone(p))).findFirst().orElse(-1);
        assertTrue(gonePid > 0, "rows of ended processes are kept, marked");
        screenshotsLightAndDark(stage, main.services().themes(), "steady-after-refresh");

        // sorted by PID (a click on the header): a refresh keeps that order
        robot.clickOn(fx(() -> table().getColumns().get(0)).getText());
        TableColumn<ProcessRow, ?> pidColumn = fx(() -> table().getColumns().get(0));
        waitUntil(10, () -> table().getSortOrder().contains(pidColumn));
        population(5);
        refresh();
        assertEquals(List.of(pidColumn), fx(() -> List.copyOf(table().getSortOrder())), "the sort order");
        List<Integer> pids = fx(() -> table().getItems().stream().map(ProcessRow::pid).toList());
        List<Integer> sorted = new ArrayList<>(pids);
        sorted.sort(pidColumn.getSortType() == TableColumn.SortType.ASCENDING ? null : java.util.Comparator.reverseOrder());
        assertEquals(sorted, pids, "rows in PID order after the refresh");
        assertEquals(chosen, fx(() -> table().getSelectionModel().getSelectedItem().pid()), "the selection, sorted");
        assertNotNull(arriving);
    }

    private static <T> T fx0(java.util.concurrent.Callable<T> c) {
        try {
            return fx(c);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
