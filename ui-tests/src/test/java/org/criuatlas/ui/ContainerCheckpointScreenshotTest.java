package org.criuatlas.ui;

import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.criuatlas.host.ContainerOutcome;
import org.criuatlas.plan.container.ContainerCheckpoint;
import org.criuatlas.plan.container.ContainerMonitor;
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
import java.util.Map;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A container as a unit of the live graph, with real podman, runc and CRIU (scripts/setup-podman.sh) on a
 * real X server: a busybox counter container is found in the live graph by its conmon, its checkpoint is
 * planned from the graph's menu (the planner on the container's init with podman's and runc's options,
 * said as assumed), "Checkpoint container…" runs podman from the same menu, then File → "Restore
 * container from archive…" restores the archive as a new container; its log (read with podman) shows
 * the counter going on from where the checkpoint stopped it, and the live graph shows the new container.
 * Screenshots (light and dark) of the plan, the checkpoint running and done, and the restore.
 */
@Tag("criu")
class ContainerCheckpointScreenshotTest {
    private final FxRobot robot = new FxRobot();
    @TempDir
    Path tmp;

    @Test
    void aCounterContainerIsPlannedCheckpointedAndRestoredFromTheWindow() throws Exception {
        long me = ProcessHandle.current().pid();
        String name = "atlas-counter-" + me, restored = "atlas-counter-" + me + "-again";
        try (PodmanWindow pw = PodmanWindow.start(tmp, name, restored)) {
            Map<String, String> env = pw.env;
            Stage stage = pw.stage;
            WindowServices services = pw.services;
            var run = PodmanSetup.podman("run", "-d", "--name", name, env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "i=0; while :; do i=$((i+1)); echo $i; sleep 0.2; done");
            assertEquals(0, run.code(), run.out());
            String[] pids = PodmanSetup.podman("inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", name).out().split("\\s+");
            int conmon = Integer.parseInt(pids[0]), init = Integer.parseInt(pids[1]);

            MainWindow main = pw.open();
            AtlasApp.Window w = main.window();
            List<ContainerDialog> dialogs = pw.dialogs;
            waitUntil(60, () -> w.vm().getGraph() != null && w.vm().getGraph().process(init) != null
                    && w.vm().criuStatusProperty().get() != null);
            // the live graph names the container on its conmon
            ContainerMonitor seen = fx(() -> ContainerMonitor.of(w.vm().getGraph(), init).orElseThrow());
            assertEquals(new ContainerMonitor(name, "podman", conmon, init), seen);

            // find it like a person: search the conmon's pid, then its menu on the graph
            robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(conmon)).type(KeyCode.ENTER);
            waitUntil(10, () -> SelectedItem.process(conmon).equals(w.vm().getSelection()));
            GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
            robot.clickOn(UiTestSupport.onGraph(graph, conmon), MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_PLAN_CONTAINER);
            waitUntil(10, () -> w.vm().plan().containerProperty().get() != null && w.vm().plan().getOutcome() != null);
            ContainerCheckpoint planned = fx(() -> w.vm().plan().containerProperty().get());
            assertEquals(init, planned.container().initPid());
            assertEquals(init, fx(() -> w.vm().plan().rootPidProperty().get()));
            assertTrue(fx(() -> w.vm().plan().getOutcome().pids()).contains(init));
            String verdict = robot.lookup("#" + Styles.ID_PLAN_VERDICT).queryAs(Label.class).getText();
            assertTrue(verdict.startsWith("Container " + name + ": "), verdict);
            String assumed = robot.lookup("#" + Styles.ID_PLAN_CONTAINER_ASSUMED).queryAs(Label.class).getText();
            assertTrue(assumed.contains("--manage-cgroups") && assumed.contains("mnt[DEST]:DEST"), assumed);
            // podman's own network: a namespace of the container's own, which runc marks external
            long netns = fx(() -> w.vm().getGraph().process(init).namespaces().net());
            assertTrue(assumed.contains("--external net[" + netns + "]:extRootNetNS"), assumed);
            String cmd = robot.lookup("#" + Styles.ID_PLAN_COMMAND).queryAs(javafx.scene.control.TextInputControl.class).getText();
            assertTrue(cmd.startsWith("podman container checkpoint --export " + name + ".tar.zst " + name), cmd);
            assertTrue(cmd.contains("criu dump -t " + init), cmd);
            System.out.println("container plan verdict: " + verdict);
            UiTestSupport.screenshotsLightAndDark(stage, services.themes(), "container-plan");

            // "Checkpoint container…" from the graph's menu: podman runs with what the dialog says
            robot.clickOn(UiTestSupport.onGraph(graph, conmon), MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_CHECKPOINT_CONTAINER);
            waitUntil(10, () -> !dialogs.isEmpty() && dialogs.get(0).stage().isShowing());
            ContainerDialog cd = dialogs.get(0);
            Path archive = tmp.resolve("counter.tar.zst");
            fx(() -> ((TextField) cd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).clear());
            robot.clickOn(cd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).write(archive.toString());
            assertEquals("podman container checkpoint --export " + archive + " " + name,
                    ((Label) cd.stage().getScene().lookup("#" + ContainerDialog.ID_COMMAND)).getText());
            robot.clickOn(cd.stage().getScene().lookup("#" + ContainerDialog.ID_START));
            waitUntil(20, () -> cd.runningProperty().get() || cd.outcomeProperty().get() != null);
            if (cd.runningProperty().get()) UiTestSupport.screenshotsLightAndDark(cd.stage(), services.themes(), "container-checkpoint-running");
            waitUntil(180, () -> cd.outcomeProperty().get() != null);
            ContainerOutcome done = cd.outcomeProperty().get();
            assertTrue(done.ok(), done.toString());
            assertTrue(Files.size(archive) > 0 && done.bytes() == Files.size(archive));
            String status = ((Label) cd.stage().getScene().lookup("#" + ContainerDialog.ID_STATUS)).getText();
            assertTrue(status.startsWith("Checkpointed: " + archive), status);
            UiTestSupport.screenshotsLightAndDark(cd.stage(), services.themes(), "container-checkpoint-done");
            // podman says so, and the counter stopped where the archive has it
            assertEquals("true", PodmanSetup.podman("inspect", "--format", "{{.State.Checkpointed}}", name).out());
            List<Long> before = PodmanSetup.counted(name);
            assertFalse(before.isEmpty());
            long last = before.get(before.size() - 1);
            fx(() -> cd.stage().close());

            // File → Restore container from archive…: a new container from the archive
            robot.clickOn("File");
            robot.clickOn("#" + MainWindow.ID_RESTORE_CONTAINER);
            waitUntil(10, () -> dialogs.size() == 2 && dialogs.get(1).stage().isShowing());
            ContainerDialog rd = dialogs.get(1);
            assertEquals(ContainerDialog.Mode.RESTORE, rd.mode());
            robot.clickOn(rd.stage().getScene().lookup("#" + ContainerDialog.ID_ARCHIVE)).write(archive.toString());
            robot.clickOn(rd.stage().getScene().lookup("#" + ContainerDialog.ID_NAME)).write(restored);
            assertEquals("podman container restore --import " + archive + " --name " + restored,
                    ((Label) rd.stage().getScene().lookup("#" + ContainerDialog.ID_COMMAND)).getText());
            robot.clickOn(rd.stage().getScene().lookup("#" + ContainerDialog.ID_START));
            waitUntil(180, () -> rd.outcomeProperty().get() != null);
            ContainerOutcome back = rd.outcomeProperty().get();
            assertTrue(back.ok(), back.toString() + "\n" + ((TextArea) rd.stage().getScene().lookup("#" + ContainerDialog.ID_OUTPUT)).getText());
            String id = PodmanSetup.podman("inspect", "--format", "{{.Id}}", restored).out();
            assertEquals(id, back.result(), "podman printed the restored container's id");
            UiTestSupport.screenshotsLightAndDark(rd.stage(), services.themes(), "container-restore-done");

            // the counter goes on from where it stopped: no restart from 1, consecutive after the checkpoint's last
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> PodmanSetup.counted(restored).stream().filter(n -> n > last).count() >= 5);
            List<Long> after = PodmanSetup.counted(restored);
            int first = -1;
            for (int i = 0; i < after.size(); i++) if (after.get(i) > last) { first = i; break; }
            assertEquals(last + 1, after.get(first), "the first number after the restore follows the checkpoint's last: " + after);
            for (int i = first + 1; i < after.size(); i++) assertEquals(after.get(i - 1) + 1, after.get(i), "consecutive: " + after);
            assertEquals("running", PodmanSetup.podman("inspect", "--format", "{{.State.Status}}", restored).out());
            // and the live graph shows the restored container under its name
            fx(() -> w.refresh().refreshNow());
            waitUntil(60, () -> w.vm().getGraph() != null && ContainerMonitor.named(w.vm().getGraph(), restored).isPresent());
        }
    }
}
