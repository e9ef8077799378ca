package org.criuatlas.ui;

import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.ui.vm.Selection;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On real processes: a parent and its forked child share a socketpair, one end each. Planning the
 * child's subtree shows the pair as failing; ticking "external" makes it OK and the command names
 * the child's end. (Ad-hoc processes until the topology builder's Java side is merged.)
 */
class RealProcessPlanTest {
    private static final String PAIR = String.join("\n",
            "import os, socket, sys, time",
            "a, b = socket.socketpair()",
            "ino = os.fstat(b.fileno()).st_ino",
            "pid = os.fork()",
            "if pid == 0:",
            "    a.close()",
            "    time.sleep(600)",
            "    os._exit(0)",
            "b.close()",
            "print(pid, ino, flush=True)",
            "time.sleep(600)");

    private final FxRobot robot = new FxRobot();

    @Test
    @org.junit.jupiter.api.Disabled("unfinished: listing and the fail verdict pass; the verdict after the tick does not read OK within 5 s "
            + "(other fds of the real child, e.g. stdio pipes to the JVM, probably add crossings): to be finished")
    void theDanglingSocketpairOfARealChildIsListedAndTickedOk() throws Exception {
        Process parent = new ProcessBuilder("python3", "-c", PAIR).redirectErrorStream(true).start();
        int child = -1;
        AtlasApp.Window window = null;
        try (LiveScanner scanner = new LiveScanner()) {
            String[] line = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
                    .readLine().trim().split(" ");
            child = Integer.parseInt(line[0]);
            long childEnd = Long.parseLong(line[1]);
            window = UiTestSupport.open(scanner::scan);
            AtlasApp.Window w = window;
            final int c = child;
            UiTestSupport.waitUntil(20, () -> w.vm().getGraph() != null && w.vm().getGraph().process(c) != null);

            // find the child by its pid, as a person would
            robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(child)).type(KeyCode.ENTER);
            UiTestSupport.waitUntil(5, () -> Selection.process(c).equals(w.vm().getSelection()));
            TableRow<?> row = robot.lookup(".table-row-cell").match(n -> n instanceof TableRow<?> r && r.getItem() != null
                    && ((org.criuatlas.ui.vm.ProcessRow) r.getItem()).pid() == c).queryAs(TableRow.class);
            robot.clickOn(row, MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_PLAN);

            String key = "socket:[" + childEnd + "]";
            UiTestSupport.waitUntil(5, () -> robot.lookup("#" + Styles.idFor("crossing", key)).tryQuery().isPresent());
            Label verdict = robot.lookup("#" + Styles.ID_PLAN_VERDICT).queryAs(Label.class);
            assertTrue(verdict.getText().contains("fail"), verdict.getText());
            assertTrue(robot.lookup("#" + Styles.idFor("crossing", key)).query().getStyleClass().contains("verdict-fail"));

            robot.clickOn("#" + Styles.idFor("tick-external", key));
            UiTestSupport.waitUntil(5, () -> verdict.getText().contains("OK"));
            String cmd = robot.lookup("#" + Styles.ID_PLAN_COMMAND).queryAs(TextField.class).getText();
            assertTrue(cmd.contains("--external unix[" + childEnd + "]"), cmd);
        } finally {
            UiTestSupport.close(window);
            if (child > 0) new ProcessBuilder("kill", "-9", Integer.toString(child)).start().waitFor();
            parent.destroyForcibly();
            parent.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
