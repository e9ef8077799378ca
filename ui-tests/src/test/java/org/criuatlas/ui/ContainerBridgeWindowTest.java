package org.criuatlas.ui;

import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.criuatlas.bridge.trust.FileTrust;
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
import java.util.List;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A container checkpoint and restore from the window when its host is a bridge (the window as an ordinary user, its
 * bridge root through pkexec: here a real bridge process told the request came from {@code nobody}): the container is
 * found in the graph the bridge scanned, "Checkpoint container…" offers the bridge's own dumps folder, podman runs in
 * the bridge, the archive is the requesting user's, and File → "Restore container from archive…" brings it back as a
 * new container that counts on. Before, a bridge answered "not supported" and the window could not checkpoint a
 * container unless it ran as root. Screenshots light and dark.
 */
@Tag("criu")
class ContainerBridgeWindowTest {
    private final FxRobot robot = new FxRobot();
    @TempDir
    Path tmp;

    @Test
    void aContainerIsCheckpointedAndRestoredThroughTheBridge() throws Exception {
        long me = ProcessHandle.current().pid();
        String name = "atlas-bridged-" + me, restored = name + "-again";
        try (PodmanWindow pw = PodmanWindow.startThroughBridge(tmp, name, restored)) {
            var run = PodmanSetup.podman("run", "-d", "--name", name, pw.env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "i=0; while :; do i=$((i+1)); echo $i; sleep 0.2; done");
            assertEquals(0, run.code(), run.out());
            String[] pids = PodmanSetup.podman("inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", name).out().split("\\s+");
            int conmon = Integer.parseInt(pids[0]), init = Integer.parseInt(pids[1]);

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
            TextField archiveField = (TextField) cd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE);
            assertTrue(archiveField.getText().startsWith(pw.host.dumpsFolder() + "/" + name + "-"),
                    "the bridge's own dumps folder (" + pw.host.dumpsFolder() + "): " + archiveField.getText());

            // a folder of the requesting user's (nobody's): the only kind the bridge exports into for them
            Path mine = Files.createDirectory(tmp.resolve("mine"));
            Files.setAttribute(mine, "unix:uid", PodmanWindow.NOBODY);
            Path archive = mine.resolve("bridged.tar.zst");
            fx(archiveField::clear);
            robot.clickOn(archiveField).write(archive.toString());
            robot.clickOn(cd.stage().getScene().lookup("#" + ContainerDialog.ID_START));
            waitUntil(180, () -> cd.outcomeProperty().get() != null);
            ContainerOutcome done = cd.outcomeProperty().get();
            assertTrue(done.ok(), done.toString());
            assertTrue(Files.size(archive) > 0);
            assertEquals(PodmanWindow.NOBODY, FileTrust.lstat(archive).uid(), "the archive is the requesting user's");
            assertEquals("true", PodmanSetup.podman("inspect", "--format", "{{.State.Checkpointed}}", name).out());
            String status = ((Label) cd.stage().getScene().lookup("#" + ContainerDialog.ID_STATUS)).getText();
            assertTrue(status.startsWith("Checkpointed: " + archive), status);
            UiTestSupport.screenshotsLightAndDark(cd.stage(), pw.services.themes(), "container-checkpoint-bridge");
            List<Long> before = PodmanSetup.counted(name);
            long last = before.get(before.size() - 1);
            fx(() -> cd.stage().close());

            robot.clickOn("File");
            robot.clickOn("#" + MainWindow.ID_RESTORE_CONTAINER);
            waitUntil(10, () -> pw.dialogs.size() == 2 && pw.dialogs.get(1).stage().isShowing());
            ContainerDialog rd = pw.dialogs.get(1);
            robot.clickOn(rd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).write(archive.toString());
            robot.clickOn(rd.stage().getScene().lookup("#" + ContainerDialog.ID_NAME)).write(restored);
            robot.clickOn(rd.stage().getScene().lookup("#" + ContainerDialog.ID_START));
            waitUntil(180, () -> rd.outcomeProperty().get() != null);
            ContainerOutcome back = rd.outcomeProperty().get();
            assertTrue(back.ok(), back + "\n" + ((TextInputControl) rd.stage().getScene().lookup("#" + ContainerDialog.ID_OUTPUT)).getText());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> PodmanSetup.counted(restored).stream().filter(n -> n > last).count() >= 3);
            List<Long> after = PodmanSetup.counted(restored);
            assertEquals(1, after.stream().filter(n -> n == 1).count(), "counted from 1 once only: " + after);
            assertTrue(after.contains(last + 1), "goes on from " + last + ": " + after);
        }
    }
}
