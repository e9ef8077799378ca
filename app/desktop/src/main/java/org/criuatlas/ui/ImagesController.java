package org.criuatlas.ui;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.vm.ImageFacts;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Image views: File &gt; Open images…, a folder dropped on the window, {@code ./criu-atlas DIR} and a
 * dump's "Open images". The host reads the images (a progress banner shows meanwhile); each dump
 * opens in an explorer window of its own with a banner of its restore obligations and "Restore…".
 */
final class ImagesController {
    private final AtlasApp.Window main;
    private final WindowServices services;
    private final Consumer<ImageWindow> openRestore;
    /** An archive's "Restore container…": podman restores it (set by the main window). */
    private Consumer<Path> restoreArchive = p -> {};
    private final HBox progressBanner;
    private final Label progressText = new Label();
    private final List<ImageWindow> imageWindows = new ArrayList<>();
    private Consumer<ImageWindow> onImagesShown = w -> {};
    /** "Open images…" asks this for the folder (null = cancelled); tests replace the OS dialog, which cannot run headless. */
    private Function<javafx.stage.Window, File> archiveChooser = ImagesController::chooseArchive;
    private Function<javafx.stage.Window, File> directoryChooser = ImagesController::chooseImageDirectory;

    /** {@code dropFiles}: whether files dropped on the window open (this machine's window; another host's files are not this desktop's). */
    ImagesController(AtlasApp.Window main, WindowServices services, Consumer<ImageWindow> openRestore, boolean dropFiles) {
        this.main = main;
        this.services = services;
        this.openRestore = openRestore;
        ProgressIndicator spin = new ProgressIndicator();
        spin.setPrefSize(18, 18);
        progressBanner = new HBox(8, spin, progressText);
        progressBanner.setId(MainWindow.ID_IMAGES_PROGRESS);
        progressBanner.getStyleClass().addAll(Styles.BANNER, Styles.BANNER_PROGRESS);
        progressBanner.setAlignment(Pos.CENTER_LEFT);
        progressBanner.setVisible(false);
        progressBanner.managedProperty().bind(progressBanner.visibleProperty());
        if (dropFiles) wireDragAndDrop(main.view());
    }

    Node progressBanner() { return progressBanner; }

    void setRestoreArchive(Consumer<Path> c) { restoreArchive = c == null ? p -> {} : c; }

    List<ImageWindow> imageWindows() { return List.copyOf(imageWindows); }

    void setOnImagesShown(Consumer<ImageWindow> c) { onImagesShown = c == null ? w -> {} : c; }

    /** Replaces the folder dialog of "Open images…" (null restores the OS dialog). */
    void setDirectoryChooser(Function<javafx.stage.Window, File> c) {
        directoryChooser = c == null ? ImagesController::chooseImageDirectory : c;
    }

    /** Replaces the file dialog of "Open checkpoint archive…" (null restores the OS dialog). */
    void setArchiveChooser(Function<javafx.stage.Window, File> c) {
        archiveChooser = c == null ? ImagesController::chooseArchive : c;
    }

    /** File &gt; Open checkpoint archive…: asks for a file, then opens it like an image folder. */
    void chooseArchiveAndOpen() {
        File f = archiveChooser.apply(main.stage());
        if (f != null) openImages(f.toPath());
    }

    /** A file named like a checkpoint archive (podman --export, kubelet): offered for a drop. */
    static boolean isArchiveName(File f) {
        String n = f.getName();
        return n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar.zst");
    }

    private static File chooseArchive(javafx.stage.Window owner) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a container checkpoint archive");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Checkpoint archives (podman, CRI-O)", "*.tar", "*.tar.gz", "*.tgz", "*.tar.zst"),
                new FileChooser.ExtensionFilter("All files", "*"));
        return fc.showOpenDialog(owner);
    }

    /** File &gt; Open images…: asks for a folder, then opens it. */
    void chooseAndOpen() {
        File f = directoryChooser.apply(main.stage());
        if (f != null) openImages(f.toPath());
    }

    private static File chooseImageDirectory(javafx.stage.Window owner) {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open a CRIU image directory");
        // the OS dialog checks the folder itself: no file system access on the FX thread here
        return dc.showDialog(owner);
    }

    /** On this machine's explorer, not its scene: another host's tab shares the scene and takes no folder of this desktop. */
    private void wireDragAndDrop(Node view) {
        view.setOnDragOver(e -> {
            // a folder or a file named like a checkpoint archive is offered (one stat of the path the
            // desktop's file manager hands over; the images themselves are read by the host, off the FX thread)
            if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1
                    && (e.getDragboard().getFiles().get(0).isDirectory() || isArchiveName(e.getDragboard().getFiles().get(0))))
                e.acceptTransferModes(TransferMode.LINK, TransferMode.COPY);
            e.consume();
        });
        view.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1;
            if (ok) openImages(e.getDragboard().getFiles().get(0).toPath());
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    /** Reads {@code dir} on the host, off the FX thread (progress in the main window), then shows its image view. */
    CompletableFuture<ImageWindow> openImages(Path dir) {
        progressText.setText("Reading images in " + dir + "\u2026");
        progressBanner.setVisible(true);
        CompletableFuture<ImageWindow> shown = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> {
            try {
                return services.host().openImages(dir);
            } catch (ImageFormatException e) {
                throw new CompletionException(e);
            }
        }, services.background()).whenComplete((read, err) -> services.ui().execute(() -> {
            progressBanner.setVisible(false);
            if (err != null) {
                Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                Dialogs.error(main.stage(), services.themes(), "Cannot read these images", imageErrorText(dir, c));
                shown.completeExceptionally(c);
                return;
            }
            ImageWindow w = showImages(read);
            onImagesShown.accept(w);
            shown.complete(w);
        }));
        return shown;
    }

    /** Plain words for a failed read: which file, where, what. */
    static String imageErrorText(Path dir, Throwable t) {
        if (t instanceof ImageFormatException f) {
            // the exception's message starts with the file's name and offset: said once, with the full path
            String where = f.offset() >= 0 ? " at byte " + f.offset() : "";
            Path name = Path.of(f.file()).getFileName();
            String prefix = (name == null ? f.file() : name.toString()) + where + ": ";
            String what = f.getMessage().startsWith(prefix) ? f.getMessage().substring(prefix.length()) : f.getMessage();
            String what0 = isArchiveName(dir.toFile()) ? "checkpoint archive" : "CRIU image directory";
            return dir + " is not a readable " + what0 + ".\n\nIn " + f.file() + where
                    + ": " + what + "\n(" + f.kind().toString().toLowerCase().replace('_', ' ') + ")";
        }
        return dir + " could not be read: " + t;
    }

    private ImageWindow showImages(OpenedImages read) {
        ImageDump dump = read.dump();
        ImageFacts facts = new ImageFacts(dump.dir(), read.dumpedAt(), dump.dumpStats());
        Stage stage = new Stage();
        IpcGraph g = dump.graph();
        AtlasApp.Window w = AtlasApp.open(stage, services, () -> g, null, false);
        // before the first scan is applied: no refresh controls, no plan panel, the images' status line
        w.vm().showImages(facts);
        w.vm().criuStatusProperty().bind(main.vm().criuStatusProperty());
        stage.setTitle("CRIU Atlas \u2014 images " + dump.dir());
        ImageWindow iw = new ImageWindow(w, dump);
        Label title = new Label("Images: " + dump.dir() + "  \u2014  " + g.processes().size() + " process(es), offline view of the dump");
        title.getStyleClass().add(Styles.TITLE);
        // a container archive is restored by its engine (podman container restore --import), not by CRIU alone
        Button restore = new Button(read.archive() ? "Restore container\u2026" : "Restore\u2026");
        restore.setId(MainWindow.ID_IMAGES_RESTORE);
        restore.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> !read.archive() && !main.vm().criuStatusProperty().get().found(), main.vm().criuStatusProperty()));
        if (read.archive())
            restore.setTooltip(new javafx.scene.control.Tooltip("podman restores a container archive: podman container restore --import"));
        restore.setOnAction(e -> {
            if (read.archive()) restoreArchive.accept(dump.dir());
            else openRestore.accept(iw);
        });
        Button back = new Button("Back to live");
        back.setId(MainWindow.ID_IMAGES_BACK);
        back.setOnAction(e -> {
            stage.close();
            main.stage().toFront();
        });
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox head = new HBox(10, title, spring, restore, back);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox obligations = new VBox(2);
        obligations.setId(MainWindow.ID_IMAGES_OBLIGATIONS);
        obligations.getChildren().add(new Label(dump.obligations().isEmpty()
                ? "Restore obligations: none \u2014 the dump holds every end it needs."
                : "Restore obligations (" + dump.obligations().size() + "): the restore must be handed"));
        for (RestoreObligation ob : dump.obligations()) {
            Label l = new Label("\u2022 " + ob.kind() + "  " + ob.key() + ": " + ob.explanation());
            l.setWrapText(true);
            l.getStyleClass().add(Styles.OBLIGATION_ROW);
            obligations.getChildren().add(l);
        }
        VBox banner = new VBox(4, head, obligations);
        banner.setId(MainWindow.ID_IMAGES_BANNER);
        banner.getStyleClass().addAll(Styles.BANNER, Styles.BANNER_IMAGES);
        w.view().addTop(banner, true);
        stage.setOnHidden(e -> {
            w.close();
            imageWindows.remove(iw);
        });
        imageWindows.add(iw);
        return iw;
    }

    /** Closes every image view (the application ends). */
    void closeAll() {
        for (ImageWindow w : List.copyOf(imageWindows)) w.window().stage().close();
    }

    /** Whether a command-line argument names a folder (a single look at start-up). */
    static boolean isImageDir(Path p) {
        return p != null && Files.isDirectory(p);
    }

    /**
     * {@code ./criu-atlas DIR}: a single directory argument opens as an image view (what
     * {@link AtlasApp#start} does with its raw parameters); anything else opens nothing.
     */
    Optional<CompletableFuture<ImageWindow>> openArguments(List<String> args) {
        if (args.size() != 1 || !isImageDir(Path.of(args.get(0)))) return Optional.empty();
        return Optional.of(openImages(Path.of(args.get(0))));
    }
}
