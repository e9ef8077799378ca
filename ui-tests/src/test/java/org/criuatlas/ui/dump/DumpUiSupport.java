package org.criuatlas.ui.dump;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Toolkit start-up (Monocle headless unless ui.headless=false) and small helpers for the dump and log-lens UI tests. */
public final class DumpUiSupport {
    private DumpUiSupport() {}

    public static Stage primaryStage() throws Exception {
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.lcdtext", "false");
        if (!"false".equalsIgnoreCase(System.getProperty("ui.headless", "true"))) {
            System.setProperty("testfx.robot", "glass");
            System.setProperty("testfx.headless", "true");
            System.setProperty("glass.platform", "Monocle");
            System.setProperty("monocle.platform", "Headless");
            System.setProperty("headless.geometry", "1600x1000-32");
            System.setProperty("java.awt.headless", "true");
        } else {
            org.criuatlas.testing.Requirements.require(System.getenv("DISPLAY") != null, "ui.headless=false needs DISPLAY");
        }
        return FxToolkit.registerPrimaryStage();
    }

    /** Waits until {@code cond} holds (checked on the FX thread). */
    public static void waitUntil(int seconds, BooleanSupplier cond) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(cond::getAsBoolean).get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    public static <T> T fx(Callable<T> c) throws Exception {
        T t = WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return t;
    }

    public static void fxRun(Runnable r) throws Exception {
        fx(() -> { r.run(); return null; });
    }

    public static Path screenshot(Stage stage, String name) throws Exception {
        Path dir = Path.of(System.getProperty("ui.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".png");
        WritableImage img = fx(() -> stage.getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", file.toFile());
        return file;
    }
}
