package org.criuatlas.ui.loglens;

import javafx.scene.Scene;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The log lens on a real failed-dump log (CRIU 4.1.1 on this machine: an echo worker holding one end
 * of a socketpair whose other end stayed outside; captured by the app's DumpViewModelCriuTest): the
 * diagnosis at the top, "Errors only" shows the Error lines, an inode is a link to the graph's socket.
 */
class LogLensViewTest {
    static final long INSIDE = 1194854, OUTSIDE = 1194853;

    Stage stage;
    final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    final org.criuatlas.ui.theme.Themes themes = new org.criuatlas.ui.theme.Themes();
    final FxRobot robot = new FxRobot();
    final List<LogLink> followed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void toolkit() throws Exception {
        stage = primaryStage();
    }

    @AfterEach
    void close() throws Exception {
        if (stage != null) FxToolkit.cleanupStages();
    }

    /** The table keeps spare cells out of sight; only a link on screen can be clicked. */
    static boolean shown(javafx.scene.Node n) {
        for (javafx.scene.Node p = n; p != null; p = p.getParent()) if (!p.isVisible()) return false;
        return true;
    }

    static IpcGraph graph() {
        var meta = new IpcGraph.Meta(IpcGraph.Source.LIVE, "test", Instant.now(), true, 0);
        var in = new UnixSocket(INSIDE, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, OUTSIDE, 0, 0, List.of(),
                List.of(new Holder(30304, 3)), false);
        var out = new UnixSocket(OUTSIDE, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, INSIDE, 0, 0, List.of(),
                List.of(new Holder(1, 9)), false);
        var p = new ProcessInfo(30304, 1, "python3", List.of("python3"), 0, 'S', 30304, 30304, 0, 0, List.of(), true);
        return IpcGraph.of(meta, List.of(p), List.of(in, out), List.of(), List.of());
    }

    @Test
    void realFailedDumpLog() throws Exception {
        Path log = Path.of(LogLensViewTest.class.getResource("/criu-logs/dump-external-socketpair.log").toURI());
        LogLensViewModel vm = fx(() -> {
            LogLensViewModel m = new LogLensViewModel(pool, org.criuatlas.ui.fx.FxThread.EXECUTOR);
            m.graphProperty().set(graph());
            m.linkTargetProperty().set(followed::add);
            stage.setScene(themes.style(new Scene(LogLensView.create(m), 1200, 760)));
            stage.show();
            m.open(log);
            return m;
        });
        waitUntil(20, () -> !vm.loadingProperty().get() && vm.rows().size() == 1036);
        screenshotsLightAndDark(stage, themes, "log-lens-all");

        // the diagnosis, in plain words, at the top
        javafx.scene.Node box = robot.lookup("#" + LogLensView.ID_DIAGNOSES).query();
        Set<String> top = fx(() -> box.lookupAll(".label").stream().filter(n -> n instanceof Label)
                .map(n -> ((Label) n).getText()).collect(Collectors.toSet()));
        assertTrue(top.stream().anyMatch(t -> t.contains("inode " + INSIDE) && t.contains("connected to a socket outside")), top.toString());
        assertTrue(top.stream().anyMatch(t -> t.startsWith("Fix:") && t.contains("unix[" + INSIDE + "]")), top.toString());

        // errors only: exactly the Error lines of the log
        robot.clickOn("#" + LogLensView.ID_ERRORS_ONLY);
        waitUntil(10, () -> vm.visible().size() == 3);
        @SuppressWarnings("unchecked")
        TableView<LogRow> table = robot.lookup("#" + LogLensView.ID_TABLE).queryAs(TableView.class);
        List<String> shown = fx(() -> table.getItems().stream().map(r -> r.levelText() + " " + r.source()).toList());
        assertEquals(List.of("Error criu/util.c:1533", "Error criu/sk-unix.c:874", "Error criu/cr-dump.c:2111"), shown);
        assertTrue(robot.lookup(".table-row-cell").queryAll().stream().anyMatch(n -> n.lookupAll(".text").stream()
                .anyMatch(t -> t instanceof javafx.scene.text.Text tx && tx.getText() != null && tx.getText().contains("External socket is used"))
                || n.lookupAll(".label").stream().anyMatch(l -> ((javafx.scene.control.Labeled) l).getText() != null
                && ((javafx.scene.control.Labeled) l).getText().contains("External socket is used"))),
                "the error line is on screen");
        screenshotsLightAndDark(stage, themes, "log-lens-errors");

        // an inode is a link: clicking it hands the graph's object to the window
        robot.clickOn("#" + LogLensView.ID_ERRORS_ONLY);
        robot.clickOn("#" + LogLensView.ID_FILTER).write("Runaway");
        waitUntil(10, () -> vm.visible().size() == 1);
        screenshot(stage, "log-lens-link");
        waitUntil(10, () -> table.lookupAll("." + LogLensView.STYLE_LINK).stream()
                .anyMatch(h -> ((Hyperlink) h).getText().equals(Long.toString(INSIDE))));
        Hyperlink link = fx(() -> table.lookupAll("." + LogLensView.STYLE_LINK).stream().map(h -> (Hyperlink) h)
                .filter(h -> h.getText().equals(Long.toString(INSIDE)) && shown(h)).findFirst().orElseThrow());
        robot.clickOn(link);
        waitUntil(5, () -> !followed.isEmpty());
        assertEquals(1, followed.size());
        assertEquals("socket:[" + INSIDE + "]", followed.get(0).objectKey());
        assertEquals(LogLink.Kind.SOCKET, followed.get(0).kind());
        assertEquals(INSIDE, followed.get(0).value());
    }
}
