package org.criuatlas.ui;

import org.criuatlas.ui.theme.Styles;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.model.SocketType;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.vm.ProcessRow;
import org.criuatlas.ui.graph.SelectedItem;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On real processes from the topology builder, scanned from /proc by the live scanner: a root with
 * a worker child; the worker holds one end of a stream socketpair whose other end a separate
 * "outside" process holds. Driven as a person would: find the worker by its pid, follow its parent
 * link to the root, plan the root's subtree from the graph's context menu; the dangling pair is
 * listed and drawn as failing; tick "external"; the verdict turns OK and the command names the
 * worker's end.
 */
class RealProcessPlanTest {
    // RealProcessPlanScreenshotTest runs this same test on a real X server and saves 05-real-processes-plan.png
    private final FxRobot robot = new FxRobot();

    static TopologySpec spec() {
        return new TopologySpec()
                .process("root")
                .process("worker", "root")
                .process("outside")
                .socketpair("pair", SocketType.STREAM, "worker", "outside");
    }

    @Test
    void theDanglingSocketpairOfARealWorkerIsListedFailingAndTickedOk() throws Exception {
        AtlasApp.Window window = null;
        try (Topology t = Topology.start(spec()); LiveScanner scanner = new LiveScanner()) {
            int root = t.pid("root"), worker = t.pid("worker"), outside = t.pid("outside");
            long workerEnd = t.inode("pair", "worker");
            long outsideEnd = t.inode("pair", "outside");
            window = UiTestSupport.open(scanner::scan);
            AtlasApp.Window w = window;
            UiTestSupport.waitUntil(30, () -> w.vm().getGraph() != null && w.vm().getGraph().process(worker) != null);
            GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);

            // the app shows them: search the worker's pid
            robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(worker)).type(KeyCode.ENTER);
            UiTestSupport.waitUntil(5, () -> SelectedItem.process(worker).equals(w.vm().getSelection()));
            TableView<?> table = robot.lookup("#" + Styles.ID_PROCESS_TABLE).queryAs(TableView.class);
            assertEquals(worker, ((ProcessRow) table.getSelectionModel().getSelectedItem()).pid());
            assertNotNull(graph.screenPointOf(worker), "the worker is drawn");
            assertTrue(robot.lookup("#" + Styles.ID_INSPECTOR_TITLE).queryAs(Label.class).getText().contains("pid " + worker));

            // select the root: follow the worker's parent link in the inspector
            Hyperlink parent = robot.lookup(".hyperlink").match(n -> n instanceof Hyperlink h
                    && h.getText().endsWith("(" + root + ")")).queryAs(Hyperlink.class);
            robot.clickOn(parent);
            UiTestSupport.waitUntil(5, () -> SelectedItem.process(root).equals(w.vm().getSelection()));

            // plan its subtree from the graph's context menu
            robot.clickOn(UiTestSupport.onGraph(graph, root), MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_PLAN);
            String key = "socket:[" + workerEnd + "]";
            UiTestSupport.waitUntil(5, () -> robot.lookup("#" + Styles.idFor("crossing", key)).tryQuery().isPresent());
            assertEquals(root, w.vm().plan().rootPidProperty().get());
            assertEquals(java.util.Set.of(root, worker), w.vm().plan().getOutcome().pids());

            // the dangling edge is listed, failing, with the line CRIU will print, and drawn as failing
            Label verdict = robot.lookup("#" + Styles.ID_PLAN_VERDICT).queryAs(Label.class);
            assertTrue(verdict.getText().contains("fail"), verdict.getText());
            Node row = robot.lookup("#" + Styles.idFor("crossing", key)).query();
            assertTrue(row.getStyleClass().contains("verdict-fail"), row.getStyleClass().toString());
            Label criuLine = robot.lookup("#" + Styles.ID_PLAN_CRIU_LINE).queryAs(Label.class);
            assertTrue(criuLine.isVisible() && criuLine.getText().contains("unix: External socket is used"), criuLine.getText());
            assertTrue(robot.lookup("#" + Styles.idFor("badge", key)).query().getStyleClass().contains("verdict-fail"));
            assertEquals(GraphPaint.E_FAIL, UiTestSupport.markOfEdge(graph, worker, outside));
            // the other end's owner is the outside process
            Hyperlink owner = robot.lookup("#" + Styles.idFor("owner", key)).queryAs(Hyperlink.class);
            assertTrue(owner.getText().contains("pid " + outside), owner.getText());

            // tick external: the verdict turns OK, the command names the worker's end (not the outside one)
            robot.clickOn("#" + Styles.idFor("tick-external", key));
            UiTestSupport.waitUntil(5, () -> verdict.getText().startsWith("OK"));
            String cmd = robot.lookup("#" + Styles.ID_PLAN_COMMAND).queryAs(javafx.scene.control.TextInputControl.class).getText();
            assertTrue(cmd.startsWith("criu dump -t " + root + " "), cmd);
            assertTrue(cmd.contains("--external 'unix[" + workerEnd + "]'"), cmd);
            assertTrue(!cmd.contains(Long.toString(outsideEnd)), cmd);
            assertTrue(robot.lookup("#" + Styles.idFor("crossing", key)).query().getStyleClass().contains("verdict-resolved"));
            assertEquals(GraphPaint.E_RESOLVED, UiTestSupport.markOfEdge(graph, worker, outside));
            // the restore obligation the tick creates is listed
            assertTrue(robot.lookup("#" + Styles.idFor("obligation", key)).tryQuery().isPresent());
            if (!UiTestSupport.headless()) {
                UiTestSupport.screenshot(w.stage(), "05-real-processes-plan");
            }
        } finally {
            UiTestSupport.close(window);
        }
    }

}
