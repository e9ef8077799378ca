package org.criuatlas.ui;

import org.criuatlas.ui.theme.Styles;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.MouseButton;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.graph.SelectedItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives the window as a person would on a snapshot with a dangling socketpair: click the
 * worker in the graph, plan its subtree from the context menu, see the failing edge, tick it.
 */
class PlanDanglingSocketTest {
    private AtlasApp.Window window;
    private final FxRobot robot = new FxRobot();

    @AfterEach
    void close() throws Exception {
        UiTestSupport.close(window);
    }

    @Test
    void tickingTheDanglingSocketpairMakesTheDumpOk() throws Exception {
        Fixtures.Dangling f = Fixtures.dangling();
        window = UiTestSupport.open(() -> f.graph());
        GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
        UiTestSupport.waitUntil(10, () -> graph.getRender().nodeCount == 4 && graph.screenPointOf(f.worker()) != null);

        // the table lists the processes
        TableView<?> table = robot.lookup("#" + Styles.ID_PROCESS_TABLE).queryAs(TableView.class);
        assertEquals(4, table.getItems().size());

        // click the worker node in the graph: it is selected in the table and the inspector
        robot.clickOn(UiTestSupport.onGraph(graph, f.worker()));
        UiTestSupport.waitUntil(5, () -> SelectedItem.process(f.worker()).equals(window.vm().getSelection()));
        assertEquals("worker (pid 101)", robot.lookup("#" + Styles.ID_INSPECTOR_TITLE).queryAs(Label.class).getText());
        assertEquals(f.worker(), ((org.criuatlas.ui.vm.ProcessRow) table.getSelectionModel().getSelectedItem()).pid());

        // plan a dump of its subtree from the context menu
        robot.clickOn(UiTestSupport.onGraph(graph, f.worker()), MouseButton.SECONDARY);
        robot.clickOn("#" + Styles.ID_MENU_PLAN);
        String key = "socket:[" + f.workerEnd() + "]";
        UiTestSupport.waitUntil(5, () -> robot.lookup("#" + Styles.idFor("crossing", key)).tryQuery().isPresent());

        // the dangling edge is listed as failing and drawn as failing
        Label verdict = robot.lookup("#" + Styles.ID_PLAN_VERDICT).queryAs(Label.class);
        assertTrue(verdict.getText().contains("fail"), verdict.getText());
        Node row = robot.lookup("#" + Styles.idFor("crossing", key)).query();
        assertTrue(row.getStyleClass().contains("verdict-fail"), row.getStyleClass().toString());
        Node badge = robot.lookup("#" + Styles.idFor("badge", key)).query();
        assertTrue(badge.getStyleClass().contains("verdict-fail"));
        assertTrue(badge.isVisible());
        assertEquals(GraphPaint.E_FAIL, UiTestSupport.markOfEdge(graph, f.supervisor(), f.worker()));

        // tick "external": the verdict turns OK and the command names our end of the pair
        robot.clickOn("#" + Styles.idFor("tick-external", key));
        UiTestSupport.waitUntil(5, () -> verdict.getText().contains("OK"));
        javafx.scene.control.TextInputControl command = robot.lookup("#" + Styles.ID_PLAN_COMMAND).queryAs(javafx.scene.control.TextInputControl.class);
        assertTrue(command.getText().contains("--external 'unix[" + f.workerEnd() + "]'"), command.getText());
        assertTrue(command.getText().startsWith("criu dump -t " + f.worker()), command.getText());
        assertEquals(GraphPaint.E_RESOLVED, UiTestSupport.markOfEdge(graph, f.supervisor(), f.worker()));
        assertTrue(robot.lookup("#" + Styles.idFor("badge", key)).query().getStyleClass().contains("verdict-resolved"));
    }

}
