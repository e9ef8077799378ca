package org.criuatlas.ui;

import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.criuatlas.host.ContainerOutcome;
import org.criuatlas.testing.PodmanSetup;
import org.criuatlas.ui.container.ContainerDialog;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.plan.Verdict;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A container checkpoint that fails, from the window, on a real X server: a busybox container holds a TCP
 * connection to this test. The container's plan (from the process inside it) predicts the failure; the
 * checkpoint run from the plan panel fails with CRIU's reason from the dump.log runc left, shown in the
 * dialog and pinned on the container in the live graph. Screenshots light and dark.
 */
@Tag("criu")
class ContainerCheckpointFailureScreenshotTest {
    private final FxRobot robot = new FxRobot();
    @TempDir
    Path tmp;

    @Test
    void aTcpConnectionFailsTheCheckpointAsPlannedAndIsPinnedOnTheContainer() throws Exception {
        String name = "atlas-tcp-ui-" + ProcessHandle.current().pid();
        try (PodmanWindow pw = PodmanWindow.start(tmp, name);
             ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("0.0.0.0"))) {
            Map<String, String> env = pw.env;
            Stage stage = pw.stage;
            WindowServices services = pw.services;
            var run = PodmanSetup.podman("run", "-d", "--name", name, env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "gw=$(ip route | awk '/default/ {print $3}'); sleep 100000 | nc $gw " + server.getLocalPort());
            assertEquals(0, run.code(), run.out());
            server.setSoTimeout(60_000);
            try (Socket accepted = server.accept()) {
                String[] pids = PodmanSetup.podman("inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", name).out().split("\\s+");
                int conmon = Integer.parseInt(pids[0]), init = Integer.parseInt(pids[1]);
                MainWindow main = pw.open();
                AtlasApp.Window w = main.window();
                List<ContainerDialog> dialogs = pw.dialogs;
                // nc, the process holding the connection, inside the container
                waitUntil(60, () -> w.vm().getGraph() != null && w.vm().getGraph().processes().values().stream()
                        .anyMatch(p -> p.comm().equals("nc") && w.vm().getGraph().process(p.ppid()) != null
                                && p.ppid() == init));
                int nc = fx(() -> w.vm().getGraph().processes().values().stream().filter(p -> p.comm().equals("nc") && p.ppid() == init)
                        .findFirst().orElseThrow().pid());
                robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(nc)).type(KeyCode.ENTER);
                waitUntil(10, () -> SelectedItem.process(nc).equals(w.vm().getSelection()));
                GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
                robot.clickOn(UiTestSupport.onGraph(graph, nc), MouseButton.SECONDARY);
                robot.clickOn("#" + Styles.ID_MENU_PLAN_CONTAINER);
                waitUntil(10, () -> w.vm().plan().containerProperty().get() != null && w.vm().plan().getOutcome() != null);
                assertEquals(init, fx(() -> w.vm().plan().rootPidProperty().get()), "the container's init, not the process clicked");
                // the plan predicts it: a connected TCP socket without --tcp-established fails
                assertEquals(Verdict.FAIL, fx(() -> w.vm().plan().getOutcome().verdict()));
                String criuLine = robot.lookup("#" + Styles.ID_PLAN_CRIU_LINE).queryAs(Label.class).getText();
                System.out.println("container plan (tcp): " + criuLine);

                // "Checkpoint container…" of the plan panel
                robot.clickOn("#" + Styles.ID_PLAN_CONTAINER_CHECKPOINT);
                waitUntil(10, () -> !dialogs.isEmpty() && dialogs.get(0).stage().isShowing());
                ContainerDialog cd = dialogs.get(0);
                Path archive = tmp.resolve("tcp.tar.zst");
                fx(() -> ((javafx.scene.control.TextField) cd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).clear());
                robot.clickOn(cd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).write(archive.toString());
                robot.clickOn(cd.stage().getScene().lookup("#" + ContainerDialog.ID_START));
                waitUntil(180, () -> cd.outcomeProperty().get() != null);
                ContainerOutcome o = cd.outcomeProperty().get();
                assertEquals(ContainerOutcome.Kind.FAILED, o.kind(), o.toString());
                assertNotNull(o.criuLog(), o.toString());
                Label reason = (Label) cd.stage().getScene().lookup("#" + ContainerDialog.ID_REASON);
                assertTrue(fx(reason::isVisible));
                assertTrue(reason.getText().startsWith("Why: ") && reason.getText().contains(o.criuLog().toString()), reason.getText());
                if (Files.readString(o.criuLog()).contains("Connected TCP socket"))
                    assertTrue(reason.getText().contains("connected TCP socket"), reason.getText());
                UiTestSupport.screenshotsLightAndDark(cd.stage(), services.themes(), "container-checkpoint-failed");
                // pinned on the container in the live graph
                String pinned = fx(main::pinnedText);
                assertTrue(pinned.contains("checkpoint of container " + name + " failed"), pinned);
                assertEquals("running", PodmanSetup.podman("inspect", "--format", "{{.State.Status}}", name).out());
                fx(() -> cd.stage().close());
                UiTestSupport.screenshotsLightAndDark(stage, services.themes(), "container-checkpoint-failed-pinned");
            }
        }
    }
}
