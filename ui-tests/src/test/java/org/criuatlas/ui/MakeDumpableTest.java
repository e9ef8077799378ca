package org.criuatlas.ui;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.TargetProbe;
import org.criuatlas.model.SocketType;
import org.criuatlas.testing.Requirements;
import org.criuatlas.ui.fx.FxThread;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.plan.SuggestionRow;
import org.criuatlas.ui.plan.Verdict;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.theme.Themes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * "Make it dumpable" as a person uses it, on real processes: a worker whose stream socketpair's
 * other end is held by its parent. Right-click the worker → "Plan dump of this subtree": the plan
 * fails and offers "Make it dumpable…"; the suggestions window lists, cheapest at restore first,
 * "dump from the parent" (no connection lost) before "mark the worker's end external"; Apply on
 * the first moves the root to the parent and the verdict turns OK; and the plan the window now
 * shows really dumps with CRIU ({@code --leave-running}), the tree running afterwards.
 */
@Tag("criu")
class MakeDumpableTest {
    private final FxRobot robot = new FxRobot();
    @TempDir Path tmp;
    private Stage stage;
    private MainWindow main;
    private ExecutorService pool;
    private Preferences prefs;

    @AfterEach
    void close() throws Exception {
        if (stage == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) if (w != stage) fx(w::hide);
        if (main != null) main.window().close();
        fx(() -> stage.hide());
        if (pool != null) pool.shutdownNow();
        if (prefs != null) prefs.removeNode();
    }

    @Test
    void theSuggestionIsAppliedWithOneClickAndTheAppliedPlanReallyDumps() throws Exception {
        Path criu = Requirements.requireCriu();
        Requirements.requireRoot();
        TopologySpec spec = new TopologySpec().process("parent").process("worker", "parent")
                .socketpair("pair", SocketType.STREAM, "worker", "parent");
        try (Topology t = Topology.start(spec); LiveScanner scanner = new LiveScanner()) {
            int parent = t.pid("parent"), worker = t.pid("worker");
            long workerEnd = t.inode("pair", "worker");
            open(scanner);
            AtlasApp.Window w = main.window();
            waitUntil(30, () -> w.vm().getGraph() != null && w.vm().getGraph().process(worker) != null);

            // find the worker and plan its subtree from the graph's context menu
            robot.clickOn("#" + Styles.ID_SEARCH).write(Integer.toString(worker)).type(KeyCode.ENTER);
            waitUntil(5, () -> SelectedItem.process(worker).equals(w.vm().getSelection()));
            GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
            robot.clickOn(onGraph(graph, worker), MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_PLAN);
            waitUntil(5, () -> w.vm().plan().getOutcome() != null && w.vm().plan().getOutcome().rootPid() == worker);
            assertEquals(Verdict.FAIL, w.vm().plan().getOutcome().verdict(), "a dangling socketpair fails the dump");
            Node ask = robot.lookup("#" + Styles.ID_MAKE_DUMPABLE).query();
            assertTrue(ask.isVisible() && !ask.isDisabled(), "a failing plan offers Make it dumpable");

            // ask: the search runs in the background, then the suggestions are listed
            robot.clickOn(ask);
            waitUntil(5, () -> main.suggestionSearch() != null);
            List<SuggestionRow> rows = main.suggestionSearch().get(60, TimeUnit.SECONDS);
            assertTrue(rows.size() >= 2, "two ways at least: a higher root, the end marked external: " + rows);
            SuggestionRow first = rows.get(0);
            assertEquals(parent, first.root(), "cheapest at restore: dump from the parent, no connection lost: " + rows);
            assertTrue(rows.stream().anyMatch(r -> r.root() == worker && r.commandText().contains("unix[" + workerEnd + "]")),
                    "marking the worker's end external is offered too: " + rows);
            waitUntil(5, () -> robot.lookup("#" + Styles.ID_SUGGESTION_APPLY + "-1").tryQuery().isPresent());
            Label status = robot.lookup("#" + Styles.ID_SUGGESTIONS_STATUS).queryAs(Label.class);
            assertTrue(status.getText().contains("ways to make it dump"), status.getText());
            Stage suggestions = (Stage) status.getScene().getWindow();
            screenshotsLightAndDark(suggestions, main.services().themes(), "make-dumpable-suggestions");

            // one click applies it: the root moves to the parent and the dump is planned to succeed
            robot.clickOn("#" + Styles.ID_SUGGESTION_APPLY + "-1");
            waitUntil(5, () -> w.vm().plan().getOutcome() != null && w.vm().plan().getOutcome().rootPid() == parent);
            assertEquals(Set.of(parent, worker), w.vm().plan().getOutcome().pids());
            assertNotEquals(Verdict.FAIL, w.vm().plan().getOutcome().verdict());
            Label verdict = robot.lookup("#" + Styles.ID_PLAN_VERDICT).queryAs(Label.class);
            assertTrue(verdict.getText().startsWith("OK"), verdict.getText());
            assertFalse(robot.lookup("#" + Styles.ID_MAKE_DUMPABLE).query().isVisible(), "nothing left to make dumpable");
            assertFalse(suggestions.isShowing(), "the suggestions window closed on Apply");
            screenshotsLightAndDark(stage, main.services().themes(), "make-dumpable-applied");

            // the plan the window shows now really dumps
            Path images = tmp.resolve("applied");
            Files.createDirectories(images);
            CriuOptions o = w.vm().plan().getOutcome().plan().options().withImagesDir(images).withLeaveRunning(true)
                    .withLogFile("dump.log");
            CriuResult r;
            try (CriuSession session = CriuSession.dump(criu, o, null)) {
                r = session.await(Duration.ofSeconds(90));
            }
            assertTrue(r.success(), "the applied plan dumps: " + r.diagnoses() + " log " + r.logFile());
            for (int pid : List.of(parent, worker)) {
                Character st = TargetProbe.PROC.state(pid);
                assertTrue(st != null && st != 'T' && st != 'Z', "pid " + pid + " runs after the dump: " + st);
            }
        }
    }

    private void open(LiveScanner scanner) throws Exception {
        stage = primaryStage();
        prefs = Preferences.userRoot().node("org/criuatlas/test-" + java.util.UUID.randomUUID());
        pool = WindowServices.newPool();
        LocalHost host = new LocalHost(pool);
        WindowServices services = new WindowServices(host, pool, FxThread.EXECUTOR, new PlannerAdapter(tmp.resolve("dumps")),
                new org.criuatlas.ui.demos.DemoRunner(), new Themes(), () -> {}, () -> java.util.Optional.of(tmp.resolve("atlas.log")));
        MainWindow[] m = new MainWindow[1];
        FxToolkit.setupFixture(() -> {
            AtlasApp.Window w = AtlasApp.open(stage, services, scanner::scan, new WindowState(prefs), false);
            stage.setWidth(1400);
            stage.setHeight(880);
            m[0] = MainWindow.install(w, services);
        });
        main = m[0];
    }
}
