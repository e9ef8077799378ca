package org.criuatlas.ui;

import javafx.scene.control.Button;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.criuatlas.sample.SyntheticGraphs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.nio.file.Path;
import java.util.List;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Help &gt; Set up CRIU… as a person opens it: the dialog offers both ways (download through the
 * checkout's provision-criu.sh, or use a criu you have) and has run nothing before you choose; its
 * stylesheet is the window's theme of the moment.
 */
class SetupCriuDialogTest {
    private final FxRobot robot = new FxRobot();
    @TempDir Path tmp;
    private Stage stage;
    private MainWindow main;

    @BeforeEach
    void open() throws Exception {
        stage = primaryStage();
        WindowServices services = UiTestSupport.services(tmp.resolve("dumps"));
        var g = SyntheticGraphs.workstation(40, 7);
        main = UiTestSupport.openMain(stage, services, () -> g);
    }

    @AfterEach
    void close() throws Exception {
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) if (w != stage) fx(w::hide);
        main.window().close();
        fx(() -> stage.hide());
    }

    @Test
    void setupCriuAsksBeforeDoingAnything() throws Exception {
        fx(() -> main.services().themes().set(org.criuatlas.ui.theme.Theme.DARK));
        robot.clickOn("Help");
        robot.clickOn("#" + MainWindow.ID_SETUP_CRIU);
        waitUntil(20, () -> javafx.stage.Window.getWindows().stream()
                .anyMatch(w -> w instanceof Stage s && "Set up CRIU".equals(s.getTitle()) && s.isShowing()));
        Stage dialog = fx(() -> javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && "Set up CRIU".equals(s.getTitle()) && s.isShowing())
                .map(Stage.class::cast).findFirst().orElseThrow());
        Button download = fx(() -> (Button) dialog.getScene().lookup("#" + CriuSetupDialog.ID_DOWNLOAD));
        Button use = fx(() -> (Button) dialog.getScene().lookup("#" + CriuSetupDialog.ID_USE));
        // the checkout's provision-criu.sh is found, so both ways are offered; nothing ran yet
        assertFalse(fx(download::isDisabled));
        assertFalse(fx(use::isDisabled));
        assertEquals("", fx(() -> ((TextArea) dialog.getScene().lookup("#" + CriuSetupDialog.ID_LOG)).getText()));
        assertEquals("Close", fx(() -> ((Button) dialog.getScene().lookup("#" + CriuSetupDialog.ID_CANCEL)).getText()));
        assertTrue(fx(() -> dialog.getScene().getStylesheets().contains(org.criuatlas.ui.theme.Theme.DARK.stylesheetUrl())),
                "the dialog opens in the window's theme");
        UiTestSupport.screenshotsLightAndDark(dialog, main.services().themes(), "setup-criu-dialog");
    }
}
