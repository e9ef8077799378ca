package org.criuatlas.ui;

import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.stage.Stage;
import org.criuatlas.bridge.calibrate.CalibrationFacts;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.testing.Requirements;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Help &gt; Calibrate CRIU… as a person uses it, with the real CRIU on two probe kinds (the cache
 * under target/): the status bar first says what the plans are based on without a calibration,
 * the dialog's progress bar counts the cells, and when it is done the facts are in the cache, the
 * planner's default target uses them and the status bar says "calibrated against CRIU X on Linux Y".
 */
@Tag("criu")
class CalibrateDialogTest {
    static final List<String> KINDS = List.of("eventfd", "udp-bound");

    private final FxRobot robot = new FxRobot();
    @TempDir Path tmp;
    private Stage stage;
    private MainWindow main;
    private Path cache;
    private String oldProperty;

    @BeforeEach
    void open() throws Exception {
        Requirements.requireRoot();
        Requirements.requireCriu();
        cache = Path.of("target", "calibrate-dialog-test").toAbsolutePath();
        if (Files.exists(cache)) {
            try (Stream<Path> s = Files.walk(cache)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        oldProperty = System.getProperty(CalibrationReport.CACHE_DIR_PROPERTY);
        System.setProperty(CalibrationReport.CACHE_DIR_PROPERTY, cache.toString());
        stage = primaryStage();
        WindowServices services = UiTestSupport.services(tmp.resolve("dumps"));
        var g = SyntheticGraphs.workstation(40, 7);
        main = UiTestSupport.openMain(stage, services, () -> g);
    }

    @AfterEach
    void close() throws Exception {
        if (oldProperty == null) System.clearProperty(CalibrationReport.CACHE_DIR_PROPERTY);
        else System.setProperty(CalibrationReport.CACHE_DIR_PROPERTY, oldProperty);
        DumpPlanner.setDefaultTarget(null);
        if (stage == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) if (w != stage) fx(w::hide);
        main.window().close();
        fx(() -> stage.hide());
    }

    @Test
    void calibratingFromTheHelpMenuMakesThePlansCalibrated() throws Exception {
        String version = CriuLocator.version(Requirements.requireCriu()).toString();
        String kernel = CalibrationReport.kernelRelease();
        String calibrated = "calibrated against CRIU " + version + " on Linux " + kernel;
        Label basis = robot.lookup("#" + Styles.ID_STATUS_BASIS).queryAs(Label.class);
        // at start-up, off the FX thread: the built-in measurements or the rules, never "calibrated" (empty cache)
        waitUntil(60, () -> !basis.getText().isEmpty());
        assertNotEquals(calibrated, fx(basis::getText));
        assertTrue(fx(basis::isVisible));

        robot.clickOn("Help");
        robot.clickOn("#" + MainWindow.ID_CALIBRATE);
        waitUntil(20, () -> dialog() != null);
        Stage dialog = fx(this::dialog);
        robot.clickOn("#" + CalibrateDialog.ID_KINDS).write(String.join(", ", KINDS));
        screenshotsLightAndDark(dialog, main.services().themes(), "calibrate-dialog-ready");
        robot.clickOn("#" + CalibrateDialog.ID_START);

        Label state = (Label) dialog.getScene().lookup("#" + CalibrateDialog.ID_STATE);
        ProgressBar bar = (ProgressBar) dialog.getScene().lookup("#" + CalibrateDialog.ID_PROGRESS);
        waitUntil(180, () -> state.getText().startsWith("Done") || state.getText().startsWith("Failed")
                || state.getText().startsWith("Cannot") || state.getText().startsWith("Cancelled"));
        int cells = ProbeCatalogue.builtIn().only(KINDS).variantCount();
        assertTrue(fx(state::getText).startsWith("Done: " + cells + " cells in "), fx(state::getText));
        assertTrue(fx(state::getText).contains(calibrated), fx(state::getText));
        assertEquals(1.0, fx(bar::getProgress));
        assertEquals(cells, fx(() -> ((javafx.scene.control.TextArea) dialog.getScene().lookup("#" + CalibrateDialog.ID_CELLS))
                .getText().lines().count()), "one line per cell");
        assertEquals("Close", fx(() -> ((javafx.scene.control.Button) dialog.getScene().lookup("#" + CalibrateDialog.ID_CANCEL)).getText()));

        // the facts are kept where the planner reads them, and the window re-read its basis
        Path file = CalibrationReport.cacheFile(version, kernel);
        assertTrue(file.startsWith(cache) && Files.isRegularFile(file), file.toString());
        assertEquals(cells, CalibrationReport.read(file).entries().size());
        waitUntil(30, () -> basis.getText().equals(calibrated));
        var target = DumpPlanner.defaultTarget();
        assertNotNull(target.facts());
        assertEquals(CalibrationFacts.Source.calibrated, target.facts().source());
        screenshotsLightAndDark(dialog, main.services().themes(), "calibrate-dialog-done");
        fx(dialog::close);
        screenshotsLightAndDark(stage, main.services().themes(), "calibrate-status-bar");
    }

    @Test
    void cancelStopsTheRunWritesNothingAndKeepsTheBasis() throws Exception {
        Label basis = robot.lookup("#" + Styles.ID_STATUS_BASIS).queryAs(Label.class);
        waitUntil(60, () -> !basis.getText().isEmpty());
        String before = fx(basis::getText);
        CalibrateDialog d = fx(main::openCalibrate);
        Stage dialog = d.stage();
        ProgressBar bar = (ProgressBar) dialog.getScene().lookup("#" + CalibrateDialog.ID_PROGRESS);
        Label state = (Label) dialog.getScene().lookup("#" + CalibrateDialog.ID_STATE);
        robot.clickOn("#" + CalibrateDialog.ID_START); // the whole catalogue
        waitUntil(60, () -> bar.getProgress() > 0 && bar.getProgress() < 1);
        assertEquals("Cancel", fx(() -> ((javafx.scene.control.Button) dialog.getScene().lookup("#" + CalibrateDialog.ID_CANCEL)).getText()));
        robot.clickOn("#" + CalibrateDialog.ID_CANCEL);
        // bounded, not instant: criu gets up to 20 s to unwind (RpcConversation.UNWIND_GRACE), then each running
        // probe's tree up to 10 s to end and 20 s to be torn down; two probes run at once (one CI run took over 60 s)
        waitUntil(150, () -> d.reportProperty().get() != null);
        assertTrue(fx(state::getText).startsWith("Cancelled after "), fx(state::getText));
        assertFalse(fx(() -> d.reportProperty().get().complete()));
        if (Files.exists(cache)) {
            try (Stream<Path> s = Files.list(cache)) {
                assertEquals(List.of(), s.toList(), "nothing written");
            }
        }
        assertEquals("Close", fx(() -> ((javafx.scene.control.Button) dialog.getScene().lookup("#" + CalibrateDialog.ID_CANCEL)).getText()));
        assertTrue(dialog.isShowing(), "Cancel stops the run, the dialog stays");
        assertEquals(before, fx(basis::getText), "the plans keep their basis");
    }

    private Stage dialog() {
        return javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && CalibrateDialog.TITLE.equals(s.getTitle()) && s.isShowing())
                .map(Stage.class::cast).findFirst().orElse(null);
    }
}
