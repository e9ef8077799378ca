package org.criuatlas.ui.restore;

import javafx.scene.control.TitledPane;
import javafx.stage.Stage;
import org.criuatlas.cli.AtlasCommand;
import org.criuatlas.testing.TestProcs;
import org.criuatlas.ui.ImageWindow;
import org.criuatlas.ui.MainWindow;
import org.criuatlas.ui.UiTestSupport;
import org.criuatlas.ui.WindowServices;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.graph.RestoreMarks;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The restore preview drawn on the image graph, after a real dump: a client of a syslog-like datagram
 * server is dumped with --leave-running --ext-unix-sk (so its pid stays taken), then the server's socket
 * path is removed. When the restore board compares the images with this machine, the image view marks the
 * client's process (pid in use: blocks) and the client's socket (socket path gone: blocks), with captions,
 * and the legend explains the marks. Screenshots light and dark on a real X server.
 */
@Tag("criu")
class RestorePreviewGraphScreenshotTest {
    @TempDir
    Path tmp;

    @Test
    void takenPidAndGoneSocketPathAreMarkedOnTheImageGraph() throws Exception {
        TestProcs.criuAsSubreaper();
        Path sock = tmp.resolve("log.sock"), lines = tmp.resolve("lines.txt"), images = tmp.resolve("img");
        Stage stage = UiTestSupport.primaryStage();
        WindowServices services = UiTestSupport.services(tmp.resolve("dumps"));
        MainWindow main = null;
        try (TestProcs.Proc server = TestProcs.python(TestProcs.DGRAM_SERVER, List.of(sock.toString(), lines.toString()), Map.of(), null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(sock));
            try (TestProcs.Proc client = TestProcs.python(TestProcs.DGRAM_CLIENT, List.of(sock.toString()), Map.of(), null)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(lines) && Files.size(lines) > 0);
                String[] dump = {"dump", "--pid", "" + client.pid, "--images", images.toString(), "--leave-running", "--ext-unix-sk"};
                assertEquals(0, AtlasCommand.commandLine(dump).execute(dump), "the dump succeeds");
                assertTrue(client.alive(), "--leave-running keeps the client: its pid stays taken");
                Files.delete(sock);

                main = UiTestSupport.openMain(stage, services, services.host()::scan);
                MainWindow m = main;
                ImageWindow iw = fx(() -> m.openImages(images)).get(60, TimeUnit.SECONDS);
                Stage is = iw.window().stage();
                fx(() -> {
                    is.setWidth(1400);
                    is.setHeight(900);
                });
                RestoreBoard board = fx(() -> m.openRestore(iw));
                waitUntil(60, () -> board.model().previewProperty().get() != null
                        && !iw.window().vm().restoreMarksProperty().get().isEmpty());

                RestoreMarks marks = fx(() -> iw.window().vm().restoreMarksProperty().get());
                assertEquals(Boolean.TRUE, marks.pids().get(client.pid), "the client's pid is taken: a blocking mark " + marks);
                GraphView g = iw.window().view().graph();
                waitUntil(10, () -> g.getPaint() != null && g.getPaint().tags.size() >= 2);
                GraphPaint paint = fx(g::getPaint);
                RenderGraph rg = fx(g::getRender);
                int node = rg.indexOf(client.pid);
                assertTrue(node >= 0, "the client is drawn");
                assertEquals(GraphPaint.CONFLICT | GraphPaint.CONFLICT_BLOCKS,
                        paint.nodeFlags[node] & (GraphPaint.CONFLICT | GraphPaint.CONFLICT_BLOCKS));
                // the socket whose peer's path is gone: its edge is drawn as a conflict
                long conflictEdges = java.util.stream.IntStream.range(0, rg.edgeCount).filter(e -> paint.edgeMark[e] == GraphPaint.E_CONFLICT).count();
                assertTrue(conflictEdges >= 1, "an edge of the client's socket is marked: " + marks.keys());
                for (int e = 0; e < rg.edgeCount; e++) {
                    if (paint.edgeMark[e] != GraphPaint.E_CONFLICT) continue;
                    String k = rg.key[e], pk = rg.peerKey[e];
                    assertTrue(marks.keys().containsKey(k) || marks.keys().containsKey(pk), k + " / " + pk);
                }
                waitUntil(10, () -> g.conflictCaptions().stream().anyMatch(c -> c.contains("pid " + client.pid + " in use"))
                        && g.conflictCaptions().stream().anyMatch(c -> c.contains("socket path gone: " + sock)));
                UiTestSupport.screenshotsLightAndDark(is, services.themes(), "restore-preview-graph");
                // the legend says what the marks mean
                TitledPane legend = (TitledPane) is.getScene().lookup("#" + Styles.ID_LEGEND);
                fx(() -> legend.setExpanded(true));
                assertTrue(fx(() -> legend.getContent().lookupAll(".label").stream()
                        .anyMatch(n -> ((javafx.scene.control.Label) n).getText().startsWith("restore conflict"))));
                UiTestSupport.screenshotsLightAndDark(is, services.themes(), "restore-preview-graph-legend");
                fx(() -> board.model().close());
            }
        } finally {
            if (main != null) {
                MainWindow m = main;
                FxToolkit.setupFixture(() -> {
                    // the board's and the image view's windows
                    for (javafx.stage.Window w : List.copyOf(javafx.stage.Window.getWindows()))
                        if (w != stage && w instanceof Stage s) s.close();
                    m.window().close();
                    stage.hide();
                });
            }
            services.host().close();
            services.background().shutdownNow();
        }
    }
}
