package org.criuatlas.ui;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.bridge.AtlasVersion;
import org.criuatlas.ui.demos.DemoRunner;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Help > About shows Maven's version (the same string as --version and the package) in the
 * window's theme; Help > Set up CRIU… opens the dialog that asks before it downloads anything.
 * Screenshots of the About box, light and dark: target/screenshots/about-{light,dark}.png.
 */
class AboutAndSetupTest {
    @TempDir Path tmp;
    private AtlasApp.Window window;
    private WindowOperations ops;

    @AfterEach
    void close() throws Exception {
        if (window == null) return;
        for (javafx.stage.Window w : fx(() -> java.util.List.copyOf(javafx.stage.Window.getWindows())))
            if (w != window.stage()) fx(w::hide);
        if (ops != null) ops.close();
        UiTestSupport.close(window);
    }

    private void open() throws Exception {
        var g = SyntheticGraphs.workstation(40, 7);
        window = UiTestSupport.open(() -> g);
        WindowOperations[] o = new WindowOperations[1];
        fx(() -> o[0] = WindowOperations.install(window, new PlannerAdapter(tmp.resolve("dumps")), new DemoRunner()));
        ops = o[0];
    }

    private MenuItem helpItem(String id) throws Exception {
        return fx(() -> window.stage().getScene().getRoot().lookupAll("#" + WindowOperations.ID_MENU_BAR).stream()
                .map(MenuBar.class::cast).flatMap(b -> b.getMenus().stream()).flatMap(m -> m.getItems().stream())
                .filter(i -> id.equals(i.getId())).findFirst().orElseThrow());
    }

    @Test
    void aboutShowsMavensVersionInBothThemes() throws Exception {
        open();
        for (Theme theme : Theme.values()) {
            fx(() -> window.view().applyTheme(theme));
            MenuItem about = helpItem(WindowOperations.ID_ABOUT);
            fx(about::fire);
            Stage box = fx(() -> javafx.stage.Window.getWindows().stream()
                    .filter(w -> w instanceof Stage s && "About CRIU Atlas".equals(s.getTitle()) && s.isShowing())
                    .map(Stage.class::cast).findFirst().orElseThrow());
            Label version = fx(() -> (Label) box.getScene().lookup("#" + AboutDialog.ID_VERSION));
            assertEquals("Version " + System.getProperty("criuatlas.projectVersion"), fx(version::getText));
            assertEquals("Version " + AtlasVersion.version(), fx(version::getText));
            assertTrue(fx(() -> box.getScene().getStylesheets().contains(theme.stylesheetUrl())), "the box follows the theme");
            assertFalse(fx(box::getIcons).isEmpty(), "the box has the app icon");
            waitUntil(10, () -> box.getIcons().stream().allMatch(i -> i.getProgress() >= 1.0));
            Path png = UiTestSupport.screenshot(box, "about-" + theme.name().toLowerCase());
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img);
            assertTrue(img.getWidth() >= 600, "the About box is laid out: " + img.getWidth());
            fx(box::close);
        }
    }

    @Test
    void setupCriuAsksBeforeDoingAnything() throws Exception {
        open();
        fx(helpItem(WindowOperations.ID_SETUP_CRIU)::fire);
        Stage dialog = fx(() -> javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && "Set up CRIU".equals(s.getTitle()) && s.isShowing())
                .map(Stage.class::cast).findFirst().orElseThrow());
        Button download = fx(() -> (Button) dialog.getScene().lookup("#" + CriuSetupDialog.ID_DOWNLOAD));
        Button use = fx(() -> (Button) dialog.getScene().lookup("#" + CriuSetupDialog.ID_USE));
        // the checkout's provision-criu.sh is found, so both ways are offered; nothing ran yet
        assertFalse(fx(download::isDisabled));
        assertFalse(fx(use::isDisabled));
        assertEquals("", fx(() -> ((javafx.scene.control.TextArea) dialog.getScene().lookup("#" + CriuSetupDialog.ID_LOG)).getText()));
        assertEquals("Close", fx(() -> ((Button) dialog.getScene().lookup("#" + CriuSetupDialog.ID_CANCEL)).getText()));
    }
}
