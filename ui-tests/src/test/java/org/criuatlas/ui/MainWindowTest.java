package org.criuatlas.ui;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.images.SyntheticDump;
import org.criuatlas.host.DumpRunner;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.TargetProbe;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.ui.dump.DumpDialog;
import org.criuatlas.ui.dump.DumpViewModel;
import org.criuatlas.ui.fx.FxThread;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.theme.Theme;
import org.criuatlas.ui.theme.Themes;
import org.criuatlas.ui.vm.ProcessRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.prefs.Preferences;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The main window as a person uses it (issue 11): the status bar's counts agree with the table,
 * File &gt; Quit / Ctrl+Q and the window's close button take one close path (a running dump is
 * confirmed and cancelled, the window's state saved, the application ended), the About box says
 * which versions run and where the log is, the theme reaches every window, and a selected new row
 * stays readable in both themes. Every window it opens is saved as a screenshot, light and dark,
 * under target/screenshots.
 */
class MainWindowTest {
    private final FxRobot robot = new FxRobot();
    @TempDir Path tmp;
    private Stage stage;
    private MainWindow main;
    private Preferences prefs;
    private final AtomicInteger exits = new AtomicInteger();
    private final AtomicReference<IpcGraph> live = new AtomicReference<>(SyntheticGraphs.workstation(300, 7));
    private final CountDownLatch dumpCancelled = new CountDownLatch(1);
    private final List<CriuOptions> dumps = new ArrayList<>();
    private ExecutorService pool;

    @BeforeEach
    void open() throws Exception {
        stage = primaryStage();
        prefs = Preferences.userRoot().node("org/criuatlas/test-" + UUID.randomUUID());
        pool = WindowServices.newPool();
        // this machine's host: its real criu for the status (when there is one), a scripted dump that
        // runs until cancelled, the real /proc for the target check (the target is this JVM)
        Path criu = CriuLocator.locate().map(CriuLocator.Located::path).orElse(Path.of("/bin/true"));
        LocalHost host = new LocalHost(LocalHost.Parts.real(pool).withCriu(criu, runUntilCancelled(), TargetProbe.PROC));
        WindowServices services = new WindowServices(host, pool, FxThread.EXECUTOR, new PlannerAdapter(tmp.resolve("dumps")),
                new org.criuatlas.ui.demos.DemoRunner(), new Themes(), exits::incrementAndGet, () -> java.util.Optional.of(tmp.resolve("atlas.log")));
        WindowState state = new WindowState(prefs);
        MainWindow[] m = new MainWindow[1];
        FxToolkit.setupFixture(() -> {
            AtlasApp.Window w = AtlasApp.open(stage, services, live::get, state, false);
            stage.setWidth(1400);
            stage.setHeight(880);
            m[0] = MainWindow.install(w, services);
        });
        main = m[0];
        waitUntil(20, () -> main.window().vm().getGraph() != null && !table().getItems().isEmpty()
                && main.window().vm().criuStatusProperty().get().found());
    }

    @AfterEach
    void close() throws Exception {
        if (stage == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) if (w != stage) fx(w::hide);
        main.stopDemos();
        main.window().close();
        fx(() -> stage.hide());
        pool.shutdownNow();
        prefs.removeNode();
    }

    /** A dump that reports its first stage, then runs until it is cancelled. */
    private DumpRunner runUntilCancelled() {
        return (options, listener) -> {
            synchronized (dumps) {
                dumps.add(options);
            }
            return new DumpRunner.Running() {
                @Override
                public CriuResult await() {
                    listener.onEvent(new CriuEvent.Stage("pre-dump", null, Instant.now()));
                    try {
                        if (!dumpCancelled.await(30, TimeUnit.SECONDS)) throw new AssertionError("never cancelled");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    throw new CriuException.Cancelled("dump", "criu was told to stop and gave up cleanly");
                }

                @Override
                public void cancel() {
                    dumpCancelled.countDown();
                }
            };
        };
    }

    @SuppressWarnings("unchecked")
    private TableView<ProcessRow> table() {
        return (TableView<ProcessRow>) stage.getScene().lookup("#" + Styles.ID_PROCESS_TABLE);
    }

    /** The status bar's counts (read on the FX thread, or from a wait's check, which runs there). */
    private String statusCounts() {
        return ((Label) stage.getScene().lookup("#" + Styles.ID_STATUS_COUNTS)).getText();
    }

    // ---- counts ------------------------------------------------------------------------------

    @Test
    void theStatusBarCountsWhatTheTableShows() throws Exception {
        IpcGraph g = live.get();
        int rows = fx(() -> table().getItems().size());
        long kernel = g.processes().values().stream().filter(p -> p.pid() == 2 || p.ppid() == 2).count();
        assertEquals(g.processes().size() - kernel, rows, "the table hides the kernel threads");
        String counts = fx(this::statusCounts);
        assertTrue(counts.startsWith(rows + " processes (+" + kernel + " kernel threads hidden)"), counts);

        robot.clickOn("#" + Styles.ID_KERNEL_THREADS);
        waitUntil(10, () -> table().getItems().size() == g.processes().size());
        waitUntil(10, () -> statusCounts().startsWith(g.processes().size() + " processes,"));
        assertTrue(fx(() -> ((CheckBox) stage.getScene().lookup("#" + Styles.ID_KERNEL_THREADS)).isSelected()));
    }

    // ---- the close path ----------------------------------------------------------------------

    @Test
    void quitWithARunningDumpAsksThenCancelsItSavesTheWindowAndEnds() throws Exception {
        int worker = workerPid();
        fx(() -> main.window().vm().plan().planSubtree(worker));
        waitUntil(10, () -> !robot.lookup("#" + Styles.ID_DUMP).queryButton().isDisabled());
        robot.clickOn("#" + Styles.ID_DUMP);
        waitUntil(10, () -> main.lastDumpStage() != null && main.lastDumpStage().isShowing());
        Stage dumpStage = main.lastDumpStage();
        DumpViewModel[] vm = {null};
        // the folder: a new one in the test's directory (typed as a person would)
        Path folder = tmp.resolve("images");
        var field = robot.from(dumpStage.getScene().getRoot()).lookup("#" + DumpDialog.ID_FOLDER).queryTextInputControl();
        fx(() -> field.setText(folder.toString()));
        robot.clickOn(field).push(KeyCode.ENTER);
        Button start = robot.from(dumpStage.getScene().getRoot()).lookup("#" + DumpDialog.ID_START).queryButton();
        waitUntil(10, () -> !start.isDisabled());
        robot.clickOn(start);
        waitUntil(10, () -> dumps.size() == 1);
        Button cancel = robot.from(dumpStage.getScene().getRoot()).lookup("#" + DumpDialog.ID_CANCEL).queryButton();
        waitUntil(10, () -> !cancel.isDisabled());
        screenshotsLightAndDark(dumpStage, main.services().themes(), "window-dump-running");

        // Ctrl+Q on the main window: asked first, nothing closes
        fx(() -> stage.toFront());
        robot.clickOn("#" + Styles.ID_SEARCH);
        robot.press(KeyCode.CONTROL, KeyCode.Q).release(KeyCode.Q, KeyCode.CONTROL);
        waitUntil(10, () -> main.quitConfirmation() != null && main.quitConfirmation().isShowing());
        Stage confirm = (Stage) fx(() -> main.quitConfirmation().getDialogPane().getScene().getWindow());
        screenshotsLightAndDark(confirm, main.services().themes(), "window-confirm-quit");
        robot.clickOn("Keep it running");
        waitUntil(10, () -> !main.quitConfirmation().isShowing());
        assertTrue(stage.isShowing());
        assertTrue(dumpStage.isShowing());
        assertEquals(1, dumpCancelled.getCount(), "the dump still runs");
        assertEquals(0, exits.get());

        // File > Quit this time, and the dump goes: cancelled, the state saved, the application ended
        fx(() -> stage.toFront());
        robot.clickOn("File");
        robot.clickOn("#" + MainWindow.ID_QUIT);
        waitUntil(10, () -> main.quitConfirmation().isShowing());
        robot.clickOn("Cancel it and quit");
        waitUntil(20, () -> exits.get() == 1 && !stage.isShowing());
        assertEquals(0, dumpCancelled.getCount(), "the running dump was cancelled");
        assertFalse(dumpStage.isShowing());
        assertEquals(1400, prefs.getDouble("width", -1), 1.0, "the window's size was saved");
        assertNotNull(prefs.get("dividers.main", null));
        assertEquals(Theme.LIGHT.name(), prefs.get("theme", null));
    }

    @Test
    void theCloseButtonTakesTheSamePath() throws Exception {
        fx(() -> main.services().themes().set(Theme.DARK));
        // what the window manager's close button sends; nothing runs, so nothing is asked
        fx(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        waitUntil(5, () -> !stage.isShowing());
        assertNull(main.quitConfirmation());
        assertEquals(1, exits.get());
        assertEquals(Theme.DARK.name(), prefs.get("theme", null), "the theme was saved");
        assertEquals(1400, prefs.getDouble("width", -1), 1.0);
    }

    // ---- About -------------------------------------------------------------------------------

    @Test
    void theAboutBoxSaysWhatRuns() throws Exception {
        robot.clickOn("Help");
        robot.clickOn("#" + MainWindow.ID_ABOUT);
        waitUntil(20, () -> robot.lookup("#" + AboutBox.ID).tryQuery().isPresent());
        Node about = robot.lookup("#" + AboutBox.ID).query();
        String expected = System.getProperty("criuatlas.build.version");
        assertNotNull(expected, "the build passes its version (ui-tests/pom.xml)");
        assertEquals(expected, text(about, AboutBox.ID_VERSION), "the version this build made");
        assertEquals(System.getProperty("javafx.runtime.version"), text(about, AboutBox.ID_JAVAFX));
        assertTrue(text(about, AboutBox.ID_JDK).startsWith(System.getProperty("java.runtime.version")));
        String criu = text(about, AboutBox.ID_CRIU);
        var status = fx(() -> main.window().vm().criuStatusProperty().get());
        assertTrue(criu.contains(status.path().toString()) && criu.contains("found via"), criu);
        assertTrue(text(about, AboutBox.ID_KERNEL).startsWith(System.getProperty("os.version")), text(about, AboutBox.ID_KERNEL));
        assertEquals(tmp.resolve("atlas.log").toString(), text(about, AboutBox.ID_LOG));
        // every name in the left column is shown whole, however long the values beside it
        for (Node n : about.lookupAll(".label"))
            if (n instanceof javafx.scene.control.Label l && l.getStyleClass().contains(Styles.TITLE) && l.getParent() instanceof javafx.scene.layout.GridPane)
                assertTrue(l.getWidth() >= l.prefWidth(-1) - 0.5, () -> "'" + l.getText() + "' is squeezed to " + l.getWidth());
        screenshotsLightAndDark((Stage) about.getScene().getWindow(), main.services().themes(), "window-about");
    }

    private String text(Node root, String id) throws Exception {
        return fx(() -> ((Label) root.lookup("#" + id)).getText());
    }

    // ---- themes ------------------------------------------------------------------------------

    @Test
    void theThemeReachesEveryWindow() throws Exception {
        screenshotsLightAndDark(stage, main.services().themes(), "window-main");
        // windows that stay open beside the main one: an image view, its restore board, the log lens
        Path dir = SyntheticDump.write(tmp.resolve("images"));
        ImageWindow iw = fx(() -> main.openImages(dir)).get(20, TimeUnit.SECONDS);
        var board = fx(() -> main.openRestore(iw));
        Path log = Path.of(MainWindowTest.class.getResource("/criu-logs/dump-external-socketpair.log").toURI());
        Stage lens = fx(() -> main.openLog(log));
        List<Scene> scenes = fx(() -> javafx.stage.Window.getWindows().stream().filter(javafx.stage.Window::isShowing)
                .map(javafx.stage.Window::getScene).toList());
        assertEquals(4, scenes.size(), "main, image view, restore board, log lens");

        // Ctrl+D in the main window: all of them turn dark
        fx(() -> stage.toFront());
        robot.clickOn("#" + Styles.ID_SEARCH);
        robot.press(KeyCode.CONTROL, KeyCode.D).release(KeyCode.D, KeyCode.CONTROL);
        waitUntil(10, () -> main.services().themes().get() == Theme.DARK);
        for (Scene s : scenes) assertDark(s);
        screenshotsLightAndDark(iw.window().stage(), main.services().themes(), "window-image-view");
        Stage boardStage = (Stage) fx(() -> board.node().getScene().getWindow());
        screenshotsLightAndDark(boardStage, main.services().themes(), "window-restore-board");
        screenshotsLightAndDark(lens, main.services().themes(), "window-log-lens");

        // the modal ones open in the theme of the moment
        fx(() -> stage.toFront());
        robot.clickOn("Help");
        robot.clickOn("How to read the graph");
        waitUntil(20, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        Node pane = robot.lookup(".dialog-pane").query();
        assertDark(pane.getScene());
        screenshotsLightAndDark((Stage) pane.getScene().getWindow(), main.services().themes(), "window-how-to-read");
        fx(() -> main.services().themes().set(Theme.DARK));
        robot.clickOn("OK");
        robot.clickOn("Help");
        robot.clickOn("#" + MainWindow.ID_ABOUT);
        waitUntil(20, () -> robot.lookup("#" + AboutBox.ID).tryQuery().isPresent());
        assertDark(robot.lookup("#" + AboutBox.ID).query().getScene());
    }

    private static void assertDark(Scene s) throws Exception {
        List<String> sheets = fx(() -> List.copyOf(s.getRoot() instanceof javafx.scene.control.DialogPane d
                ? d.getStylesheets() : s.getStylesheets()));
        assertTrue(sheets.stream().anyMatch(u -> u.endsWith("atlas-dark.css")), s.getRoot().getId() + ": " + sheets);
    }

    // ---- a selected new row ------------------------------------------------------------------

    @Test
    void aSelectedNewRowIsReadableInBothThemes() throws Exception {
        IpcGraph before = live.get();
        List<ProcessInfo> ps = new ArrayList<>(before.processes().values());
        int pid = 64000;
        ps.add(new ProcessInfo(pid, 1, "newcomer", List.of("/usr/bin/newcomer"), 1000, 'S', pid, pid, 0, 0, List.of(), true));
        live.set(IpcGraph.of(before.meta(), ps, before.sockets().values(), before.pipes().values(), List.of()));
        fx(() -> main.window().refresh().refreshNow());
        waitUntil(10, () -> main.window().vm().diffProperty().get().appearedPids().contains(pid));
        // the person scrolls to the new row (marked) and clicks it
        fx(() -> table().scrollTo(table().getItems().stream().filter(r -> r.pid() == pid).findFirst().orElseThrow()));
        waitUntil(5, () -> rowOf(pid) != null);
        robot.clickOn(fx(() -> rowOf(pid)));
        waitUntil(5, () -> newRow(pid) != null);
        // the table focused (clicked) and not (the selection came from the graph, the search field has focus)
        for (boolean focused : new boolean[]{true, false}) {
            if (!focused) robot.clickOn("#" + Styles.ID_SEARCH);
            for (Theme t : Theme.values()) {
                fx(() -> main.services().themes().set(t));
                fx(() -> table().refresh());
                try {
                    waitUntil(5, () -> newRow(pid) != null && table().isFocused() == focused);
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("no selected new row for " + pid + " (table focused: " + focused + ")");
                }
                double ratio = fx(() -> contrast(newRow(pid)));
                System.out.printf("selected new row, %s, table %s: contrast %.2f%n", t, focused ? "focused" : "not focused", ratio);
                assertTrue(ratio >= 4.5, t + (focused ? ", focused" : ", not focused") + ": a selected new row's text has contrast "
                        + ratio + " (needs 4.5)");
            }
        }
        screenshotsLightAndDark(stage, main.services().themes(), "window-main-selected-new-row");
    }

    private TableRow<?> rowOf(int pid) {
        for (Node n : table().lookupAll(".table-row-cell")) {
            if (n instanceof TableRow<?> r && r.getItem() instanceof ProcessRow p && p.pid() == pid && r.isVisible()) return r;
        }
        return null;
    }

    private TableRow<?> newRow(int pid) {
        for (Node n : table().lookupAll(".table-row-cell")) {
            if (n instanceof TableRow<?> r && r.getItem() instanceof ProcessRow p && p.pid() == pid
                    && r.getStyleClass().contains(Styles.NEW_ROW) && r.isSelected()) return r;
        }
        return null;
    }

    /** WCAG contrast between the row's text and its painted background. */
    private static double contrast(TableRow<?> row) {
        row.applyCss();
        TableCell<?, ?> cell = (TableCell<?, ?>) row.lookupAll(".table-cell").stream().filter(c -> c instanceof TableCell<?, ?> tc
                && tc.getText() != null && !tc.getText().isBlank()).findFirst().orElseThrow();
        Color text = (Color) cell.getTextFill();
        List<BackgroundFill> fills = row.getBackground().getFills();
        Color bg = (Color) fills.get(fills.size() - 1).getFill();
        double a = luminance(text), b = luminance(bg);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * lin(c.getRed()) + 0.7152 * lin(c.getGreen()) + 0.0722 * lin(c.getBlue());
    }

    private static double lin(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    private int workerPid() {
        return live.get().processes().values().stream()
                .filter(p -> p.comm().equals("python3") && p.cmdline().contains("worker.py"))
                .mapToInt(ProcessInfo::pid).findFirst().orElseThrow();
    }
}
