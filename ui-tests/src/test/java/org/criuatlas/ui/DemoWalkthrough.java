package org.criuatlas.ui;

import org.criuatlas.bridge.os.Processes;
import org.criuatlas.ui.theme.Styles;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.testing.Requirements;
import org.criuatlas.ui.demos.DemoCatalog;
import org.criuatlas.ui.demos.DemoIds;
import org.criuatlas.ui.demos.StartedDemo;
import org.criuatlas.ui.dump.DumpDialog;
import org.criuatlas.ui.restore.RestoreBoard;
import org.criuatlas.ui.restore.RestoreBoardIds;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Acceptance walkthrough of issue 7: demo 1 through the window with real CRIU, the way a person
 * would. Demos menu → plan of the demo's root → Dump… into a fresh folder → the external-socket
 * failure pinned on the worker's socket, target still running → the fix button → dump succeeds →
 * Open images → one INHERIT_SOCKET obligation → Restore… → console → the restored worker echoes.
 * Subclasses choose where it runs (Monocle, or the X server for the README's screenshots).
 */
abstract class DemoWalkthrough extends FxRobot {
    private int step;

    void shot(Stage stage, String name) throws Exception {
        UiTestSupport.screenshot(stage, String.format("walkthrough-%02d-%s", ++step, name));
    }

    void walkthrough() throws Exception {
        Requirements.requireRoot();
        Requirements.requireCriu();
        Stage mainStage = UiTestSupport.primaryStage();
        AtlasApp.Window w = null;
        MainWindow ops = null;
        List<Integer> restored = new CopyOnWriteArrayList<>();
        Path tmp = Files.createTempDirectory("atlas-walkthrough");
        try {
            AtlasApp.Window[] wa = new AtlasApp.Window[1];
            MainWindow[] oa = new MainWindow[1];
            List<ImageWindow> images = new CopyOnWriteArrayList<>();
            List<RestoreBoard> boards = new CopyOnWriteArrayList<>();
            WindowServices services = UiTestSupport.services(tmp.resolve("dumps"));
            org.testfx.api.FxToolkit.setupFixture(() -> {
                wa[0] = AtlasApp.open(mainStage, services, services.host()::scan, null, false);
                mainStage.setWidth(1500);
                mainStage.setHeight(920);
                oa[0] = MainWindow.install(wa[0], services);
                oa[0].setOnImagesShown(images::add);
                oa[0].setOnRestoreBoard(b -> {
                    boards.add(b);
                    b.model().restoredPidsProperty().addListener((o, a, p) -> { if (p != null) restored.addAll(p); });
                });
            });
            w = wa[0];
            ops = oa[0];
            AtlasApp.Window win = w;
            MainWindow o = ops;
            waitUntil(30, () -> win.vm().getGraph() != null);
            // "Dump…" waits for criu to be located
            shot(mainStage, "window");

            // 1. Demos → demo 1
            clickOn("Demos");
            clickOn("#" + DemoIds.menuItem(DemoCatalog.SEED));
            waitUntil(30, () -> o.services().demos().running(DemoCatalog.SEED).isPresent());
            StartedDemo demo = o.services().demos().running(DemoCatalog.SEED).orElseThrow();
            int app = demo.rootPid();
            int worker = demo.pids().get("worker");
            long workerIno = demo.inode("seed", "worker");
            // the window plans the demo's root by itself and shows the lesson beside the graph
            waitUntil(30, () -> win.vm().plan().rootPidProperty().get() == app && win.vm().plan().getOutcome() != null);
            assertNotNull(lookup("#" + DemoIds.PANE).query(), "the lesson is shown");
            assertEquals(org.criuatlas.ui.plan.Verdict.FAIL, win.view().planPanel().verdictOf("socket:[" + workerIno + "]"),
                    "the worker's socket is planned as a failing crossing");
            waitUntil(20, () -> !lookup("#" + Styles.ID_DUMP).queryButton().isDisabled());
            shot(mainStage, "demo1-planned");

            // 2. Dump… into a fresh folder: fails on the external socket
            clickOn("#" + Styles.ID_DUMP);
            waitUntil(10, () -> o.lastDumpStage() != null && o.lastDumpStage().isShowing());
            Stage dumpStage = o.lastDumpStage();
            Path folder = tmp.resolve("images");
            TextInputControl field = lookup("#" + DumpDialog.ID_FOLDER).queryTextInputControl();
            doubleClickOn(field);
            fx(() -> field.clear());
            clickOn(field).write(folder.toString()).push(KeyCode.ENTER);
            waitUntil(10, () -> !lookup("#" + DumpDialog.ID_START).queryButton().isDisabled());
            clickOn("#" + DumpDialog.ID_START);
            waitUntil(60, () -> !lookup("." + DumpDialog.STYLE_FIX).queryAll().isEmpty()
                    && lookup("#" + DumpDialog.ID_TARGET).queryAs(Label.class).getText().startsWith("The target is still running"));
            Button fix = lookup("." + DumpDialog.STYLE_FIX).queryButton();
            assertEquals("Tick socket:[" + workerIno + "] as external and retry", fix.getText());
            // pinned on the right edge: the worker's end of the socketpair is selected on the graph
            org.criuatlas.ui.graph.SelectedItem[] sel = new org.criuatlas.ui.graph.SelectedItem[1];
            fx(() -> sel[0] = win.vm().getSelection());
            assertEquals(org.criuatlas.ui.graph.SelectedItem.socket(workerIno), sel[0]);
            assertTrue(o.pinnedText().contains("socket:[" + workerIno + "]"), o.pinnedText());
            // the target still runs, and the window says so
            assertTrue(Files.exists(Path.of("/proc/" + app)) && Files.exists(Path.of("/proc/" + worker)));
            String target = lookup("#" + DumpDialog.ID_TARGET).queryAs(Label.class).getText();
            assertTrue(target.contains(Integer.toString(app)), target);
            shot(mainStage, "failure-pinned");
            shot(dumpStage, "dump-failed");

            // 3. the fix: tick external and retry; the plan panel shows the tick too
            clickOn(fix);
            try {
                waitUntil(90, () -> lookup("#" + DumpDialog.ID_OPEN_IMAGES).queryAll().stream().anyMatch(n -> n.isVisible() && !n.isDisabled()));
            } catch (java.util.concurrent.TimeoutException e) {
                shot(dumpStage, "debug-retry");
                fail("the retry did not succeed: " + lookup("#" + DumpDialog.ID_MESSAGE).queryAs(Label.class).getText()
                        + " / " + lookup("#" + DumpDialog.ID_COMMAND).queryTextInputControl().getText());
            }
            assertEquals(org.criuatlas.ui.plan.Verdict.RESOLVED, win.view().planPanel().verdictOf("socket:[" + workerIno + "]"));
            shot(dumpStage, "dump-succeeded");
            // the dump took the tree down (no "leave running"): a fresh scan no longer shows it
            clickOn(lookup("#" + Styles.ID_REFRESH).queryButton());
            waitUntil(20, () -> win.vm().getGraph().process(app) == null && win.vm().getGraph().process(worker) == null);
            shot(mainStage, "dumped-tree-gone");

            // 4. Open images
            clickOn("#" + DumpDialog.ID_OPEN_IMAGES);
            waitUntil(30, () -> !images.isEmpty());
            ImageWindow iw = images.get(0);
            List<RestoreObligation> obs = iw.dump().obligations();
            assertEquals(1, obs.size(), obs.toString());
            assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, obs.get(0).kind());
            assertEquals("socket:[" + workerIno + "]", obs.get(0).key());
            waitUntil(20, () -> iw.window().vm().getGraph() != null);
            Label banner = (Label) iw.window().stage().getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_OBLIGATIONS)
                    .lookupAll(".label").stream().filter(n -> ((Label) n).getText().contains("INHERIT_SOCKET")).findFirst().orElseThrow();
            assertTrue(banner.getText().contains("socket:[" + workerIno + "]"), banner.getText());
            // offline: no live controls, no plan panel, a status line about the images, and the
            // worker's socket drawn to an "outside the dump" node instead of to nothing
            javafx.scene.Parent imageRoot = iw.window().stage().getScene().getRoot();
            assertFalse(imageRoot.lookup("#" + Styles.ID_REFRESH).isVisible(), "no Refresh now in an image view");
            assertFalse(imageRoot.lookup("#" + Styles.ID_PAUSE).isVisible(), "no Pause in an image view");
            assertFalse(iw.window().view().centreSplit().getItems().contains(iw.window().view().planPanel()));
            waitUntil(10, () -> ((Label) imageRoot.lookup("#" + Styles.ID_STATUS_PRIVILEGE)).getText().startsWith("Images: "));
            assertTrue(((Label) imageRoot.lookup("#" + Styles.ID_STATUS_COUNTS)).getText().contains("1 outside the dump"));
            waitUntil(10, () -> iw.window().vm().renderProperty().get().outsideCount == 1);
            org.criuatlas.ui.graph.RenderGraph irg = iw.window().vm().renderProperty().get();
            int outside = irg.nodeCount - 1;
            assertEquals(org.criuatlas.ui.graph.RenderGraph.OUTSIDE_DUMP, irg.kind[outside]);
            assertEquals("socket:[" + workerIno + "]", irg.nodeKey[outside]);
            assertEquals(irg.indexOf(worker), irg.anchor[outside]);
            fx(() -> iw.window().view().graph().fit());
            // the socket that leaves the dump: the inspector says what the restore must hand in
            fx(() -> iw.window().vm().select(org.criuatlas.ui.graph.SelectedItem.socket(workerIno)));
            assertTrue(iw.window().vm().inspectionProperty().get().properties().stream()
                    .anyMatch(p -> p.value().contains("replacement: socket:[" + workerIno + "]")));
            shot(iw.window().stage(), "image-view");

            // 5. Restore… → the board with a console destination → Restore
            Button restoreButton = (Button) iw.window().stage().getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_RESTORE);
            clickOn(restoreButton);
            waitUntil(10, () -> !boards.isEmpty());
            RestoreBoard board = boards.get(0);
            assertTrue(board.model().planProperty().get().restoreSibling(), "restores from the window are siblings");
            assertTrue(((javafx.scene.control.CheckBox) board.node().lookup("#" + RestoreBoardIds.SIBLING)).isSelected());
            Window boardWindow = board.node().getScene().getWindow();
            waitUntil(10, () -> board.model().canRestoreProperty().get());
            assertEquals(org.criuatlas.plan.restore.Destination.Kind.CONSOLE, board.model().rows().get(0).destinationProperty().get());
            shot((Stage) boardWindow, "restore-board");
            clickOn(board.node().lookup("#" + RestoreBoardIds.RESTORE));
            waitUntil(60, () -> !board.model().restoredPidsProperty().get().isEmpty() && !board.model().runningProperty().get());
            List<Integer> pids = board.model().restoredPidsProperty().get();
            assertTrue(pids.contains(app), pids + " should bring back " + app);

            // 6. type in the console, see the echo
            try {
                waitUntil(10, () -> board.node().lookup("#" + RestoreBoardIds.CONSOLE_INPUT) != null);
            } catch (java.util.concurrent.TimeoutException e) {
                shot((Stage) boardWindow, "debug-restore");
                fail("no console after the restore: " + board.model().statusProperty().get() + " / " + board.model().timeline()
                        + " / consoles " + board.model().consoles().size());
            }
            clickOn(board.node().lookup("#" + RestoreBoardIds.CONSOLE_INPUT)).write("hello after restore").push(KeyCode.ENTER);
            try {
                waitUntil(20, () -> board.model().consoles().size() == 1
                        && board.model().consoles().get(0).receivedProperty().get().contains("hello after restore"));
            } catch (java.util.concurrent.TimeoutException e) {
                shot((Stage) boardWindow, "debug-console");
                fail("no echo: " + board.model().statusProperty().get() + " / restored " + pids + " / consoles "
                        + board.model().consoles().stream().map(c -> c.receivedProperty().get() + " " + c.bytesOutProperty().get()).toList());
            }
            // the transcript tells what was typed from what came back
            org.criuatlas.ui.restore.vm.ConsoleTranscript transcript = board.model().consoles().get(0).transcript();
            waitUntil(10, () -> transcript.text().contains("← hello after restore"));
            assertTrue(transcript.text().startsWith("→ hello after restore\n"), transcript.text());
            shot((Stage) boardWindow, "console-echo");

            // 7. the live graph shows the restored tree, selected
            waitUntil(40, () -> win.vm().getGraph().process(app) != null
                    && win.vm().getSelection() != null && win.vm().getSelection().pid() == app);
            // restored as a sibling: the tree hangs under this JVM, which appears in the live graph
            long self = ProcessHandle.current().pid();
            assertEquals(self, win.vm().getGraph().process(app).ppid(), "the restored root is a child of CRIU Atlas");
            assertNotNull(win.vm().getGraph().process((int) self));
            // the new wiring edge: the worker's restored socket has its peer in our JVM (the console's end)
            org.criuatlas.model.IpcGraph live = win.vm().getGraph();
            long ino4 = live.process(worker).fds().stream().filter(fd -> fd.fd() == 4).findFirst().orElseThrow().inode();
            org.criuatlas.model.UnixSocket peer = live.peerOf(live.socket(ino4));
            assertNotNull(peer, "the worker's restored fd 4 has a peer");
            assertTrue(peer.holders().stream().anyMatch(h -> h.pid() == self), "the console end is held by this JVM: " + peer.holders());
            fx(() -> win.stage().toFront());
            shot(mainStage, "restored-live");
        } finally {
            List<Integer> leftovers = new ArrayList<>(restored);
            if (ops != null) {
                MainWindow o = ops;
                o.stopDemos(); // stops the demo, adopted restored pids included
            }
            for (int pid : leftovers) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            if (w != null) UiTestSupport.close(w);
            org.testfx.api.FxToolkit.cleanupStages();
            for (int pid : leftovers) Processes.awaitEnd(pid, java.time.Duration.ofSeconds(5)); // woken by its pidfd
        }
    }
}
