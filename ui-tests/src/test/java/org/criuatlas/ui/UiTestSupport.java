package org.criuatlas.ui;

import org.criuatlas.ui.theme.Styles;
import javafx.geometry.Point2D;
import javafx.stage.Stage;
import org.criuatlas.host.LocalHost;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.vm.GraphSource;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one place every UI test starts the toolkit (Monocle headless unless ui.headless=false, which needs
 * an X server in DISPLAY), waits on the FX thread and saves screenshots; also opens explorer windows.
 */
public final class UiTestSupport {
    private UiTestSupport() {}

    public static boolean headless() {
        return !"false".equalsIgnoreCase(System.getProperty("ui.headless", "true"));
    }

    /** Must run before the toolkit starts. */
    public static void configureToolkit() {
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.lcdtext", "false");
        if (headless()) {
            System.setProperty("testfx.robot", "glass");
            System.setProperty("testfx.headless", "true");
            System.setProperty("glass.platform", "Monocle");
            System.setProperty("monocle.platform", "Headless");
            // the default 1280x800 headless screen is smaller than the window (the compositor then overflows)
            System.setProperty("headless.geometry", "1600x1000-32");
            System.setProperty("java.awt.headless", "true");
        }
    }

    public static Stage primaryStage() throws Exception {
        if (!headless()) {
            org.criuatlas.testing.Requirements.require(System.getenv("DISPLAY") != null,
                    "ui.headless=false needs an X server in DISPLAY (scripts/test.sh starts Xvfb)");
        }
        configureToolkit();
        return FxToolkit.registerPrimaryStage();
    }

    /**
     * The services of a test window: this machine's host on a fresh pool, the planner writing its
     * command for {@code dumps}, and an application end that only records (the toolkit lives on).
     */
    public static WindowServices services(Path dumps) {
        java.util.concurrent.ExecutorService pool = WindowServices.newPool();
        return new WindowServices(new LocalHost(pool), pool, org.criuatlas.ui.fx.FxThread.EXECUTOR, new PlannerAdapter(dumps),
                new org.criuatlas.ui.demos.DemoRunner(), new org.criuatlas.ui.theme.Themes(), () -> {}, null);
    }

    /** An explorer window with the main window's controllers on it (what AtlasApp.start does, without saved state). */
    public static MainWindow openMain(Stage stage, WindowServices services, GraphSource source) throws Exception {
        MainWindow[] m = new MainWindow[1];
        FxToolkit.setupFixture(() -> {
            AtlasApp.Window w = AtlasApp.open(stage, services, source, null, false);
            stage.setWidth(1400);
            stage.setHeight(880);
            m[0] = MainWindow.install(w, services);
        });
        return m[0];
    }

    static AtlasApp.Window open(GraphSource source) throws Exception {
        Stage stage = primaryStage();
        AtlasApp.Window[] w = new AtlasApp.Window[1];
        WindowServices services = services(Path.of("/tmp/criu-atlas-test-dumps"));
        FxToolkit.setupFixture(() -> {
            w[0] = AtlasApp.open(stage, services, source, null, false);
            stage.setWidth(1400);
            stage.setHeight(880);
        });
        return w[0];
    }

    static void close(AtlasApp.Window w) throws Exception {
        if (w == null) return;
        w.close();
        FxToolkit.setupFixture(() -> w.stage().hide());
    }

    /** Waits until {@code cond} holds (checked on the FX thread), failing after {@code seconds}. */
    public static void waitUntil(int seconds, BooleanSupplier cond) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> {
            boolean[] ok = new boolean[1];
            WaitForAsyncUtils.asyncFx(() -> ok[0] = cond.getAsBoolean()).get();
            return ok[0];
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Runs {@code r} on the FX thread and waits for it and the events it causes. */
    public static void fx(Runnable r) throws Exception {
        WaitForAsyncUtils.asyncFx(r).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Computes {@code c} on the FX thread and waits for it and the events it causes. */
    public static <T> T fx(Callable<T> c) throws Exception {
        T t = WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return t;
    }

    /** Saves what the window shows now as a PNG (a scene snapshot: works on Monocle and on X). */
    public static java.nio.file.Path screenshot(javafx.stage.Stage stage, String name) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("ui.screenshots", "target/screenshots"));
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path file = dir.resolve(name + ".png");
        // the graph's pixels come from the raster thread: wait until the last change is on screen
        waitUntil(10, () -> stage.getScene().getRoot().lookupAll("#" + Styles.ID_GRAPH).stream()
                .noneMatch(n -> n instanceof org.criuatlas.ui.graph.GraphView g && g.framePending()));
        javafx.scene.image.WritableImage[] img = new javafx.scene.image.WritableImage[1];
        fx(() -> img[0] = stage.getScene().snapshot(null));
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img[0], null), "png", file.toFile());
        return file;
    }

    /**
     * Two screenshots of what {@code stage} shows: {@code name} in the light theme and
     * {@code name-dark} in the dark one (the theme is left as it was).
     */
    public static void screenshotsLightAndDark(javafx.stage.Stage stage, org.criuatlas.ui.theme.Themes themes, String name)
            throws Exception {
        org.criuatlas.ui.theme.Theme was = fx(themes::get);
        fx(() -> themes.set(org.criuatlas.ui.theme.Theme.LIGHT));
        screenshot(stage, name);
        fx(() -> themes.set(org.criuatlas.ui.theme.Theme.DARK));
        screenshot(stage, name + "-dark");
        fx(() -> themes.set(was));
    }

    /** Where a process is drawn, in screen coordinates, for the robot to click. */
    public static Point2D onGraph(GraphView g, int pid) {
        Point2D p = g.screenPointOf(pid);
        org.junit.jupiter.api.Assertions.assertNotNull(p, "pid " + pid + " is not drawn");
        return g.localToScreen(p);
    }

    /** The verdict mark painted on the (non parent/child) edge between two processes, -1 when none. */
    public static byte markOfEdge(GraphView g, int a, int b) {
        RenderGraph r = g.getRender();
        GraphPaint p = g.getPaint();
        for (int e = 0; e < r.edgeCount; e++) {
            if (r.type[e] == RenderGraph.PARENT) continue;
            int pa = r.pid[r.from[e]], pb = r.pid[r.to[e]];
            if ((pa == a && pb == b) || (pa == b && pb == a)) return p.edgeMark[e];
        }
        return -1;
    }
}
