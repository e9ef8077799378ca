package org.criuatlas.ui;

import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.criuatlas.host.ContainerOutcome;
import org.criuatlas.testing.PodmanSetup;
import org.criuatlas.ui.container.ContainerDialog;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Cancel in the checkpoint dialog never ends the container, with real podman, runc and CRIU on a real X
 * server: a counter container is checkpointed from the graph's menu and Cancel is clicked the moment
 * CRIU's dump.log says the dump finished (CRIU has then stopped the container; podman is still
 * exporting). The dialog says the container was restored from podman's images, podman says it runs, and
 * its counter goes on from where it was. Screenshots of the cancelled dialog, light and dark.
 */
@Tag("criu")
class ContainerCancelScreenshotTest {
    private final FxRobot robot = new FxRobot();
    @TempDir
    Path tmp;

    @Test
    void cancelAfterCriusDumpBringsTheContainerBack() throws Exception {
        String name = "atlas-cancel-ui-" + ProcessHandle.current().pid();
        try (PodmanWindow pw = PodmanWindow.start(tmp, name)) {
            var run = PodmanSetup.podman("run", "-d", "--name", name, pw.env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done");
            assertEquals(0, run.code(), run.out());
            String[] pids = PodmanSetup.podman("inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", name).out().split("\\s+");
            int conmon = Integer.parseInt(pids[0]), init = Integer.parseInt(pids[1]);
            Path dumpLog = Path.of(PodmanSetup.podman("inspect", "--format", "{{.StaticDir}}", name).out().trim()).resolve("dump.log");

            MainWindow main = pw.open();
            AtlasApp.Window w = main.window();
            waitUntil(60, () -> w.vm().getGraph() != null && w.vm().getGraph().process(init) != null);
            robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(conmon)).type(KeyCode.ENTER);
            waitUntil(10, () -> SelectedItem.process(conmon).equals(w.vm().getSelection()));
            GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
            robot.clickOn(UiTestSupport.onGraph(graph, conmon), MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_CHECKPOINT_CONTAINER);
            waitUntil(10, () -> !pw.dialogs.isEmpty() && pw.dialogs.get(0).stage().isShowing());
            ContainerDialog cd = pw.dialogs.get(0);
            Path archive = tmp.resolve("cancelled.tar.zst");
            fx(() -> ((TextField) cd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).clear());
            robot.clickOn(cd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).write(archive.toString());
            robot.clickOn(cd.stage().getScene().lookup("#" + ContainerDialog.ID_START));

            // the pointer waits on Cancel, as a person's would
            robot.moveTo(cd.stage().getScene().lookup("#" + ContainerDialog.ID_CANCEL));
            // CRIU is done (and has stopped the container); podman is still exporting: Cancel now
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5))
                    .until(() -> Files.isRegularFile(dumpLog) && Files.readString(dumpLog).contains("Dumping finished successfully"));
            assertTrue(fx(() -> cd.runningProperty().get()), "podman still runs when CRIU's dump has finished");
            robot.clickOn(MouseButton.PRIMARY);
            waitUntil(180, () -> cd.outcomeProperty().get() != null);
            ContainerOutcome o = cd.outcomeProperty().get();
            String state = PodmanSetup.podman("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", name).out().trim();
            System.out.println("cancelled in the dialog: " + o.kind() + ", " + state + ": " + o.reason());
            if (o.kind() == ContainerOutcome.Kind.DONE) {
                // the click came after podman had finished: a whole checkpoint, kept
                assertEquals("exited true", state);
                return;
            }
            assertEquals(ContainerOutcome.Kind.CANCELLED, o.kind(), o.toString());
            String reason = ((Label) cd.stage().getScene().lookup("#" + ContainerDialog.ID_REASON)).getText();
            assertTrue(reason.startsWith("Cancelled: CRIU had already dumped container " + name), reason);
            assertTrue(reason.contains("restored from the images podman keeps (podman container restore " + name + ")"), reason);
            assertTrue(state.startsWith("running"), state);
            String output = ((javafx.scene.control.TextArea) cd.stage().getScene().lookup("#" + ContainerDialog.ID_OUTPUT)).getText();
            assertTrue(output.contains("\n$ podman container restore " + name + "\n"), "the restore is shown as a command: " + output);
            assertFalse(Files.exists(archive), "the unfinished archive podman began is removed");
            UiTestSupport.screenshotsLightAndDark(cd.stage(), pw.services.themes(), "container-checkpoint-cancelled");

            // the same counter goes on: past the last number before the cancel, consecutive, never from 1 again
            List<Long> seen = PodmanSetup.counted(name);
            long last = seen.get(seen.size() - 1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<Long> c = PodmanSetup.counted(name);
                return c.get(c.size() - 1) > last + 2;
            });
            List<Long> n = PodmanSetup.counted(name);
            assertEquals(1L, n.get(0));
            for (int i = 1; i < n.size(); i++) assertEquals(n.get(i - 1) + 1, n.get(i), "consecutive: " + n);
        }
    }
}
