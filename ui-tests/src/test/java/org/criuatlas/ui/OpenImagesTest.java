package org.criuatlas.ui;

import org.awaitility.Awaitility;
import org.criuatlas.ui.theme.Styles;
import com.sun.javafx.scene.input.DragboardHelper;
import com.sun.javafx.tk.TKClipboard;
import javafx.event.Event;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.image.Image;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import javafx.util.Pair;
import org.criuatlas.Main;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.images.SyntheticDump;
import org.criuatlas.model.RestoreObligation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.criuatlas.ui.UiTestSupport.fx;
import static org.criuatlas.ui.UiTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7: an image directory opens three ways: {@code ./criu-atlas DIR}, drag and drop onto the
 * window, File → Open images…. Each opens the image view with its banner, the dump's processes in
 * the table and its restore obligations. A damaged directory shows which file and byte, in plain
 * words, and changes nothing. The directories are written by {@link SyntheticDump} (no root, no CRIU).
 */
class OpenImagesTest {
    private final FxRobot robot = new FxRobot();
    @TempDir Path tmp;
    private Stage stage;
    private AtlasApp.Window window;
    private MainWindow ops;
    private final List<ImageWindow> shown = new CopyOnWriteArrayList<>();
    /** What the live window shows: made up, far more processes than the dump, so the two tables differ. */
    private int liveProcesses;
    /** The rows the live window's table shows for it (the table leaves some processes out). */
    private int liveRows;

    @BeforeEach
    void openWindow() throws Exception {
        stage = UiTestSupport.primaryStage();
        var live = SyntheticGraphs.workstation(40, 7);
        liveProcesses = live.processes().size();
        // what AtlasApp.start does, with a made-up live source and no saved window state
        ops = UiTestSupport.openMain(stage, UiTestSupport.services(tmp.resolve("dumps")), () -> live);
        ops.setOnImagesShown(shown::add);
        window = ops.window();
        waitUntil(20, () -> window.vm().getGraph() != null && !table(stage).getItems().isEmpty());
        liveRows = fx(() -> table(stage).getItems().size());
        assertTrue(liveRows > 3, "the live table differs from the dump's");
    }

    @AfterEach
    void closeWindow() throws Exception {
        // -Dtest also selects this class for the screenshots-on-x run: without DISPLAY it is skipped there
        if (stage == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) {
            if (w != stage) fx(w::hide);
        }
        if (ops != null) ops.stopDemos(); // blocks on the demos (none ran): off the FX thread
        UiTestSupport.close(window);
    }

    @Test
    void theDirectoryArgumentOpensTheImageView() throws Exception {
        Path dir = SyntheticDump.write(tmp.resolve("arg-images"));
        String[] argv = {dir.toString()};
        assertTrue(Main.opensWindow(argv), "./criu-atlas DIR opens the window, not a sub-command");
        // AtlasApp.start hands its raw parameters to this; a non-directory or two arguments open nothing
        assertTrue(fx(() -> ops.openArguments(List.of(tmp.resolve("absent").toString()))).isEmpty());
        assertTrue(fx(() -> ops.openArguments(List.of(dir.toString(), dir.toString()))).isEmpty());
        Optional<CompletableFuture<ImageWindow>> opening = fx(() -> ops.openArguments(List.of(argv)));
        assertTrue(opening.isPresent());
        ImageWindow iw = opening.get().get(20, TimeUnit.SECONDS);
        assertImageView(iw, dir);
    }

    @Test
    void droppingTheDirectoryOnTheWindowOpensTheImageView() throws Exception {
        Path dir = SyntheticDump.write(tmp.resolve("dropped-images"));
        Scene scene = stage.getScene();
        // no OS drag under Monocle: the events the explorer under the pointer gets from one, carrying a real Dragboard
        DragEvent over = fx(() -> {
            DragEvent e = dragEvent(scene, DragEvent.DRAG_OVER, dir.toFile());
            Event.fireEvent(scene.getRoot(), e);
            return e;
        });
        assertTrue(over.isAccepted(), "dragging a directory over the window is accepted");
        assertTrue(Set.of(TransferMode.LINK, TransferMode.COPY).contains(over.getAcceptedTransferMode()));
        // a plain file is not offered as an image directory
        Path file = Files.writeString(tmp.resolve("not-a-dir.txt"), "x");
        DragEvent overFile = fx(() -> {
            DragEvent e = dragEvent(scene, DragEvent.DRAG_OVER, file.toFile());
            Event.fireEvent(scene.getRoot(), e);
            return e;
        });
        assertFalse(overFile.isAccepted(), "a plain file is not accepted");

        DragEvent drop = fx(() -> {
            DragEvent e = dragEvent(scene, DragEvent.DRAG_DROPPED, dir.toFile());
            Event.fireEvent(scene.getRoot(), e);
            return e;
        });
        assertTrue(drop.isDropCompleted(), "the drop is taken");
        waitUntil(20, () -> shown.size() == 1);
        assertImageView(shown.get(0), dir);
    }

    @Test
    void aCheckpointArchiveOpensInTheSameImageViewByDropAndByMenu() throws Exception {
        Path dir = SyntheticDump.write(tmp.resolve("archived-images"));
        List<org.criuatlas.bridge.archive.TestArchives.Member> members =
                new java.util.ArrayList<>(org.criuatlas.bridge.archive.TestArchives.podmanMetadata("counter"));
        members.addAll(org.criuatlas.bridge.archive.TestArchives.checkpoint(dir));
        Path archive = org.criuatlas.bridge.archive.TestArchives.write(tmp.resolve("counter.tar.zst"), members,
                org.criuatlas.bridge.archive.CheckpointArchive.Compression.ZSTD);
        Scene scene = stage.getScene();
        DragEvent over = fx(() -> {
            DragEvent e = dragEvent(scene, DragEvent.DRAG_OVER, archive.toFile());
            Event.fireEvent(scene.getRoot(), e);
            return e;
        });
        assertTrue(over.isAccepted(), "a .tar.zst is offered like an image folder");
        DragEvent drop = fx(() -> {
            DragEvent e = dragEvent(scene, DragEvent.DRAG_DROPPED, archive.toFile());
            Event.fireEvent(scene.getRoot(), e);
            return e;
        });
        assertTrue(drop.isDropCompleted());
        waitUntil(20, () -> shown.size() == 1);
        assertArchiveView(shown.get(0), archive, dir);

        robot.clickOn("#" + MainWindow.ID_IMAGES_BACK);
        waitUntil(5, () -> ops.imageWindows().isEmpty());
        ops.setArchiveChooser(owner -> archive.toFile());
        robot.clickOn("File");
        robot.clickOn("#" + MainWindow.ID_OPEN_ARCHIVE);
        waitUntil(20, () -> shown.size() == 2);
        assertArchiveView(shown.get(1), archive, dir);
    }

    /** The archive's dump in the image view: its processes, titled by the archive, its restore is podman's ("Restore container…"). */
    private void assertArchiveView(ImageWindow iw, Path archive, Path dir) throws Exception {
        Stage s = iw.window().stage();
        assertTrue(fx(s::isShowing));
        assertEquals(archive, iw.dump().dir());
        assertEquals(ImageReader.open(dir).graph().summary(), iw.dump().graph().summary(), "the archive shows what its folder holds");
        Node banner = fx(() -> s.getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_BANNER));
        List<String> texts = fx(() -> labels(banner));
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("Images: " + archive + " ")), texts.toString());
        waitUntil(20, () -> table(s).getItems().size() == 3);
        Node restore = fx(() -> s.getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_RESTORE));
        assertFalse(fx(restore::isDisabled), "a container archive is restored by podman, from here");
        assertEquals("Restore container\u2026", fx(() -> ((javafx.scene.control.Button) restore).getText()));
    }

    @Test
    void fileOpenImagesOpensTheChosenDirectory() throws Exception {
        Path dir = SyntheticDump.write(tmp.resolve("menu-images"));
        List<javafx.stage.Window> owners = new CopyOnWriteArrayList<>();
        ops.setDirectoryChooser(owner -> {
            owners.add(owner);
            return dir.toFile();
        });
        robot.clickOn("File");
        robot.clickOn("#" + MainWindow.ID_OPEN_IMAGES);
        waitUntil(20, () -> shown.size() == 1);
        assertEquals(List.of(stage), owners, "the chooser was asked once, over the main window");
        assertImageView(shown.get(0), dir);

        // back to the live window (the image view covers it); cancelling the chooser opens nothing
        robot.clickOn("#" + MainWindow.ID_IMAGES_BACK);
        waitUntil(5, () -> ops.imageWindows().isEmpty() && !shown.get(0).window().stage().isShowing());
        ops.setDirectoryChooser(owner -> {
            owners.add(owner);
            return null;
        });
        robot.clickOn("File");
        robot.clickOn("#" + MainWindow.ID_OPEN_IMAGES);
        waitUntil(5, () -> owners.size() == 2);
        // a read, if one wrongly started, would show within this: nothing opens and stays so
        Awaitility.await().during(java.time.Duration.ofMillis(300)).atMost(java.time.Duration.ofSeconds(5))
                .until(() -> fx(() -> shown.size() == 1 && ops.imageWindows().isEmpty()));
        assertEquals(1, shown.size());
        assertTrue(ops.imageWindows().isEmpty());
        assertFalse(fx(() -> stage.getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_PROGRESS).isVisible()));
    }

    @Test
    void aDamagedDirectoryNamesFileAndByteAndChangesNothing() throws Exception {
        Path dir = SyntheticDump.write(tmp.resolve("damaged-images"));
        Path files = dir.resolve("files.img");
        byte[] good = Files.readAllBytes(files);
        byte[] bad = good.clone();
        bad[4] ^= 1; // the second magic word: not FILES any more
        Files.write(files, bad);
        Map<Path, byte[]> before = contents(dir);
        ops.setDirectoryChooser(owner -> dir.toFile());

        robot.clickOn("File");
        robot.clickOn("#" + MainWindow.ID_OPEN_IMAGES);
        waitUntil(20, () -> errorDialogOnFx().isPresent());
        DialogPane pane = fx(OpenImagesTest::errorDialogOnFx).orElseThrow();
        String text = fx(pane::getContentText);
        assertEquals("Cannot read these images", fx(pane::getHeaderText));
        assertTrue(text.startsWith(dir + " is not a readable CRIU image directory."), text);
        assertTrue(text.contains("In " + files + " at byte 4: expected the "), text);
        assertEquals(1, text.split("at byte", -1).length - 1, "the place is said once: " + text);
        assertTrue(text.contains("(bad magic)"), text);

        // nothing lost: no image view, the live window as it was, the directory untouched
        assertTrue(shown.isEmpty());
        assertTrue(ops.imageWindows().isEmpty());
        assertFalse(fx(() -> stage.getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_PROGRESS).isVisible()));
        assertEquals(liveProcesses, fx(() -> window.vm().getGraph().processes().size()));
        assertEquals(liveRows, fx(() -> table(stage).getItems().size()));
        Map<Path, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet());
        for (Path p : before.keySet()) assertArrayEquals(before.get(p), after.get(p), p.toString());

        // dismiss it; once repaired, the same menu opens the same directory
        robot.clickOn(fx(() -> pane.lookupButton(javafx.scene.control.ButtonType.OK)));
        waitUntil(5, () -> errorDialogOnFx().isEmpty());
        Files.write(files, good);
        robot.clickOn("File");
        robot.clickOn("#" + MainWindow.ID_OPEN_IMAGES);
        waitUntil(20, () -> shown.size() == 1);
        assertImageView(shown.get(0), dir);
    }

    // ---- checks --------------------------------------------------------------------------------

    /** The image view: banner "Images: DIR", the dump's processes in its table, every obligation listed. */
    private void assertImageView(ImageWindow iw, Path dir) throws Exception {
        ImageDump expected = ImageReader.open(dir); // read again here, independently of the window
        // SyntheticDump: a parent, its child and a zombie
        assertEquals(3, expected.graph().processes().size());
        assertFalse(expected.obligations().isEmpty(), "the fixture has an external peer: at least one obligation");
        Stage s = iw.window().stage();
        assertTrue(fx(s::isShowing));
        assertTrue(ops.imageWindows().contains(iw));
        assertEquals(dir, iw.dump().dir());

        Node banner = fx(() -> s.getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_BANNER));
        assertNotNull(banner, "the images banner is shown");
        List<String> texts = fx(() -> labels(banner));
        String title = texts.stream().filter(t -> t.startsWith("Images: ")).findFirst().orElse("");
        assertTrue(title.startsWith("Images: " + dir + " "), texts.toString());
        assertTrue(title.contains("3 process(es)"), title);

        // the table lists the dump's processes, not the live ones
        waitUntil(20, () -> table(s).getItems().size() == expected.graph().processes().size());
        Set<Integer> pids = fx(() -> {
            Set<Integer> out = new java.util.HashSet<>();
            for (Object r : table(s).getItems()) out.add(((org.criuatlas.ui.vm.ProcessRow) r).pid());
            return out;
        });
        assertEquals(Set.of(100, 101, 102), pids);
        assertEquals(liveRows, fx(() -> table(stage).getItems().size()), "the live window keeps its own table");

        Node obligations = fx(() -> s.getScene().getRoot().lookup("#" + MainWindow.ID_IMAGES_OBLIGATIONS));
        List<String> lines = fx(() -> labels(obligations));
        assertEquals("Restore obligations (" + expected.obligations().size() + "): the restore must be handed", lines.get(0));
        assertEquals(expected.obligations().size() + 1, lines.size(), lines.toString());
        for (RestoreObligation ob : expected.obligations()) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(ob.key()) && l.contains(ob.explanation())
                    && l.contains(ob.kind().toString())), ob.key() + " is listed: " + lines);
        }
    }

    private static TableView<?> table(Stage s) {
        return (TableView<?>) s.getScene().getRoot().lookup("#" + Styles.ID_PROCESS_TABLE);
    }

    private static List<String> labels(Node root) {
        List<String> out = new ArrayList<>();
        for (Node n : root.lookupAll(".label")) if (n instanceof Label l) out.add(l.getText());
        return out;
    }

    /** The shown dialog, if any; on the FX thread. */
    private static Optional<DialogPane> errorDialogOnFx() {
        return javafx.stage.Window.getWindows().stream()
                .filter(javafx.stage.Window::isShowing)
                .map(w -> w.getScene() == null ? null : w.getScene().getRoot())
                .filter(r -> r instanceof DialogPane)
                .map(r -> (DialogPane) r)
                .findFirst();
    }

    private static Map<Path, byte[]> contents(Path dir) throws Exception {
        Map<Path, byte[]> m = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) m.put(p.getFileName(), Files.readAllBytes(p));
        }
        return m;
    }

    // ---- a drag from the OS, as the scene receives it ------------------------------------------

    /** A drag event at the window's centre whose dragboard holds {@code file}, offering LINK and COPY. */
    private static DragEvent dragEvent(Scene scene, javafx.event.EventType<DragEvent> type, File file) {
        Dragboard db = DragboardHelper.createDragboard(new MemoryClipboard(EnumSet.of(TransferMode.LINK, TransferMode.COPY)));
        ClipboardContent c = new ClipboardContent();
        c.putFiles(List.of(file));
        db.setContent(c);
        double x = scene.getWidth() / 2, y = scene.getHeight() / 2;
        return new DragEvent(scene, scene.getRoot(), type, db, x, y, x, y, TransferMode.COPY, null, null, null);
    }

    /** The toolkit's side of a dragboard, in memory (Monocle has no OS drag source). */
    private static final class MemoryClipboard implements TKClipboard {
        private final Map<DataFormat, Object> content = new HashMap<>();
        private final Set<TransferMode> modes;
        private Image view;
        private double ox, oy;

        MemoryClipboard(Set<TransferMode> modes) { this.modes = modes; }

        @Override public void setSecurityContext(java.security.AccessControlContext ctx) { }
        @Override public Set<DataFormat> getContentTypes() { return Set.copyOf(content.keySet()); }
        @SafeVarargs
        @Override public final boolean putContent(Pair<DataFormat, Object>... pairs) {
            content.clear();
            for (Pair<DataFormat, Object> p : pairs) content.put(p.getKey(), p.getValue());
            return true;
        }
        @Override public Object getContent(DataFormat f) { return content.get(f); }
        @Override public boolean hasContent(DataFormat f) { return content.containsKey(f); }
        @Override public Set<TransferMode> getTransferModes() { return modes; }
        @Override public void setDragView(Image image) { view = image; }
        @Override public void setDragViewOffsetX(double x) { ox = x; }
        @Override public void setDragViewOffsetY(double y) { oy = y; }
        @Override public Image getDragView() { return view; }
        @Override public double getDragViewOffsetX() { return ox; }
        @Override public double getDragViewOffsetY() { return oy; }
    }
}
