package org.criuatlas.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.ui.theme.Palette;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.theme.Theme;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * File → Export… in the main window: each format is written from what the window shows (a made-up
 * workstation, a plan of one subtree) off the FX thread, and read back by an independent reader:
 * the PNG by ImageIO (the plan's fill colour is in it; the dark theme gives a dark picture), the SVG
 * by an XML parser and rsvg-convert, the DOT by Graphviz, the JSON by Jackson, the plan's Markdown
 * as text. Files and window screenshots (light and dark) stay under target/.
 */
class ExportWindowTest {
    static final Path OUT = Path.of("target", "exports-window");
    private final FxRobot robot = new FxRobot();
    @TempDir Path tmp;
    private Stage stage;
    private AtlasApp.Window window;
    private MainWindow ops;
    private WindowServices services;
    private IpcGraph live;
    private final AtomicReference<File> next = new AtomicReference<>();

    @BeforeEach
    void openWindow() throws Exception {
        Files.createDirectories(OUT);
        stage = UiTestSupport.primaryStage();
        live = SyntheticGraphs.workstation(300, 7);
        services = UiTestSupport.services(tmp.resolve("dumps"));
        ops = UiTestSupport.openMain(stage, services, () -> live);
        window = ops.window();
        ops.setExportChooser(owner -> next.get());
        waitUntil(20, () -> window.vm().getGraph() != null);
    }

    @AfterEach
    void closeWindow() throws Exception {
        if (stage == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) {
            if (w != stage) fx(w::hide);
        }
        if (ops != null) ops.stopDemos();
        UiTestSupport.close(window);
    }

    /** File → Export… with the dialog answering {@code name}; waits until the file is written and the status bar says so. */
    private Path exportViaMenu(String name) throws Exception {
        Path f = OUT.resolve(name);
        Files.deleteIfExists(f);
        next.set(f.toFile());
        robot.clickOn("File");
        robot.clickOn("#" + MainWindow.ID_EXPORT);
        waitUntil(30, () -> robot.lookup("#" + Styles.ID_STATUS_BAR).queryAs(StatusBar.class).getText().endsWith(f.toString()));
        assertTrue(Files.size(f) > 0, name);
        return f;
    }

    @Test
    void everyFormatFromTheMenu() throws Exception {
        int root = live.processes().values().stream().filter(p -> p.comm().equals("python3") && p.cmdline().contains("worker.py"))
                .mapToInt(ProcessInfo::pid).findFirst().orElseThrow();
        fx(() -> window.vm().plan().planSubtree(root));
        waitUntil(10, () -> window.vm().plan().getOutcome() != null);
        int shown = fx(() -> window.vm().renderProperty().get().nodeCount);

        Path png = exportViaMenu("window-light.png");
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 300 && img.getHeight() > 200, img.getWidth() + "x" + img.getHeight());
        assertEquals(Palette.LIGHT.background() & 0xFFFFFF, img.getRGB(1, 1) & 0xFFFFFF);
        assertTrue(contains(img, Palette.LIGHT.planFill()), "the planned subtree is drawn with the plan's fill");

        Path svg = exportViaMenu("window-light.svg");
        var dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document d = dbf.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", d.getDocumentElement().getLocalName());
        String svgText = Files.readString(svg);
        assertTrue(svgText.contains(String.format("#%06X", Palette.LIGHT.planFill() & 0xFFFFFF)), "plan marks in the SVG");
        int nodes = 0;
        var gs = d.getElementsByTagNameNS("*", "g");
        for (int i = 0; i < gs.getLength(); i++) {
            String cls = ((org.w3c.dom.Element) gs.item(i)).getAttribute("class");
            if (!cls.isEmpty()) nodes++;
        }
        assertEquals(shown, nodes, "one <g> per node the view draws");
        Path rendered = OUT.resolve("window-light.svg.png");
        Process p = new ProcessBuilder("rsvg-convert", svg.toString(), "-o", rendered.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        BufferedImage r = ImageIO.read(rendered.toFile());
        assertEquals(img.getWidth(), r.getWidth());
        assertEquals(img.getHeight(), r.getHeight());

        Path json = exportViaMenu("window.json");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("scan", j.get("command").asText());
        assertEquals(live.processes().size(), j.get("processes").size());

        Path dot = exportViaMenu("window.dot");
        Process dp = new ProcessBuilder("dot", "-Tsvg", dot.toString(), "-o", OUT.resolve("window.dot.svg").toString())
                .redirectErrorStream(true).start();
        assertTrue(dp.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, dp.exitValue(), new String(dp.getInputStream().readAllBytes()));

        Path md = exportViaMenu("plan.md");
        String text = Files.readString(md);
        assertTrue(text.contains("## pid " + root + ": `"), text);
        assertTrue(text.contains("### What crosses the boundary"), text);

        fx(() -> services.themes().set(Theme.DARK));
        Path dark = exportViaMenu("window-dark.png");
        BufferedImage di = ImageIO.read(dark.toFile());
        assertEquals(Palette.DARK.background() & 0xFFFFFF, di.getRGB(1, 1) & 0xFFFFFF, "the window's theme");
        exportViaMenu("window-dark.svg");
        fx(() -> services.themes().set(Theme.LIGHT));

        UiTestSupport.screenshotsLightAndDark(stage, services.themes(), "export-window");
    }

    @Test
    void markdownWithoutAPlanIsRefusedInWords() throws Exception {
        Path f = OUT.resolve("no-plan.md");
        Files.deleteIfExists(f);
        var result = fx(() -> ops.export(f));
        assertTrue(result.isCompletedExceptionally());
        waitUntil(10, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        String says = fx(() -> robot.lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class).getContentText());
        assertTrue(says.contains("no plan to export"), says);
        assertFalse(Files.exists(f), "nothing written");
    }

    private static boolean contains(BufferedImage img, int argb) {
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == (argb & 0xFFFFFF)) return true;
        return false;
    }
}
