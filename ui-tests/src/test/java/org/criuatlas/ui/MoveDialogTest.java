package org.criuatlas.ui;

import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.stage.Stage;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.TestProcs;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * "Move to host…" as a person uses it, with real CRIU and a real ssh session: the sshd of
 * scripts/setup-sshd.sh on 127.0.0.1 is the target (the same machine: the dump frees the pids the
 * restore there takes again). A real tree is planned, the dialog's preflight runs on atlas-test,
 * Move dumps here, streams the images through the bridge, restores there and checks; the tree then
 * runs again (/proc). Screenshots of the preflight and of the finished move, light and dark.
 */
@Tag("criu")
class MoveDialogTest {
    static final Path OUT = Path.of("target", "move-dialog").toAbsolutePath();
    static SshTestHost sshd;
    private final FxRobot robot = new FxRobot();
    private final List<Integer> restored = new ArrayList<>();
    private Stage stage;
    private MainWindow main;

    @BeforeAll
    static void sshd() throws Exception {
        Requirements.requireCriu();
        sshd = SshTestHost.start();
        Files.createDirectories(OUT);
        TestProcs.becomeSubreaper();
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) sshd.stop();
    }

    @AfterEach
    void close() throws Exception {
        TestProcs.killAndReap(restored);
        if (stage == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) if (w != stage) fx(w::hide);
        if (main != null) main.window().close();
        fx(() -> stage.hide());
    }

    @Test
    void aPlannedTreeMovesToTheSshHostWithPreflightAndStages() throws Exception {
        try (Topology t = Topology.start(new TopologySpec().process("solo").process("kid", "solo").pipe("p", "solo", "kid"));
             LiveScanner scanner = new LiveScanner()) {
            int solo = t.pid("solo"), kid = t.pid("kid");
            stage = primaryStage();
            WindowServices services = UiTestSupport.services(OUT.resolve("dumps"));
            main = UiTestSupport.openMain(stage, services, scanner::scan);
            waitUntil(30, () -> main.window().vm().getGraph() != null && main.window().vm().getGraph().process(kid) != null);
            fx(() -> main.window().vm().plan().planSubtree(solo));
            javafx.scene.control.Button moveButton = robot.lookup("#" + Styles.ID_MOVE).queryButton();
            waitUntil(60, () -> !moveButton.isDisabled());
            robot.clickOn("#" + Styles.ID_MOVE);
            waitUntil(20, () -> dialog() != null);
            Stage d = fx(this::dialog);

            assertTrue(fx(() -> ((javafx.scene.control.RadioButton) d.getScene().lookup("#" + MoveDialog.ID_SSH)).isSelected()));
            robot.clickOn(d.getScene().lookup("#" + MoveDialog.ID_DEST)).write(SshTestHost.DEST);
            robot.clickOn(d.getScene().lookup("#" + MoveDialog.ID_SOURCE_DIR)).write(OUT.resolve("here").toString());
            robot.clickOn(d.getScene().lookup("#" + MoveDialog.ID_TARGET_DIR)).write(OUT.resolve("there").toString());
            robot.clickOn(d.getScene().lookup("#" + MoveDialog.ID_CHECK));
            Label state = (Label) d.getScene().lookup("#" + MoveDialog.ID_STATE);
            waitUntil(120, () -> state.getText().startsWith("Nothing blocks") || state.getText().contains("block")
                    || state.getText().startsWith("The check could not"));
            assertTrue(fx(state::getText).startsWith("Nothing blocks"), fx(state::getText));
            assertTrue(fx(state::getText).contains("same machine"), fx(state::getText));
            javafx.scene.layout.VBox findings = (javafx.scene.layout.VBox) d.getScene().lookup("#" + MoveDialog.ID_FINDINGS);
            String shown = fx(() -> findings.getChildren().stream().map(n -> ((Label) n).getText()).reduce("", (a, b) -> a + b + "\n"));
            assertTrue(shown.contains("CRIU") && shown.contains("criu check"), shown);
            assertTrue(shown.contains("pid " + solo + " is the tree's own"), shown);
            assertFalse(fx(() -> d.getScene().lookup("#" + MoveDialog.ID_START).isDisabled()), "Move is enabled");
            screenshotsLightAndDark(d, main.services().themes(), "move-dialog-preflight");

            robot.clickOn(d.getScene().lookup("#" + MoveDialog.ID_START));
            waitUntil(300, () -> state.getText().startsWith("Moved") || state.getText().startsWith("Not moved")
                    || state.getText().startsWith("Cancelled") || state.getText().startsWith("The move broke"));
            String end = fx(state::getText);
            if (end.startsWith("Moved")) {
                restored.add(solo);
                restored.add(kid);
            }
            assertTrue(end.startsWith("Moved: the tree runs on atlas-test as pid " + solo), end);
            for (String s : List.of("preflight", "dump", "transfer", "restore", "check")) {
                ProgressBar b = (ProgressBar) d.getScene().lookup("#" + MoveDialog.ID_PROGRESS + s);
                assertEquals(1.0, fx(b::getProgress), s);
            }
            String transfer = fx(() -> ((Label) d.getScene().lookup("#" + MoveDialog.ID_STAGE_TEXT + "transfer")).getText());
            assertTrue(transfer.contains("files") && transfer.contains("SHA-256"), transfer);
            assertTrue(TestProcs.alive(solo) && TestProcs.alive(kid), "the tree runs again (/proc), restored by the ssh host's bridge");
            assertTrue(Files.list(OUT.resolve("there")).findAny().isPresent(), "the images were received where asked");
            screenshotsLightAndDark(d, main.services().themes(), "move-dialog-done");
        }
    }

    private Stage dialog() {
        return javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && MoveDialog.TITLE.equals(s.getTitle()) && s.isShowing())
                .map(Stage.class::cast).findFirst().orElse(null);
    }
}
