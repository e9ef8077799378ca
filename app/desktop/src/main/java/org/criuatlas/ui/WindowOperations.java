package org.criuatlas.ui;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuProvisioning;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.ui.demos.DemoCatalog;
import org.criuatlas.ui.demos.DemoLessonPane;
import org.criuatlas.ui.demos.DemoMenu;
import org.criuatlas.ui.demos.DemoRunner;
import org.criuatlas.ui.demos.StartedDemo;
import org.criuatlas.ui.dump.DumpDialog;
import org.criuatlas.ui.dump.GraphPin;
import org.criuatlas.ui.dump.PlanIntents;
import org.criuatlas.ui.loglens.LinkTarget;
import org.criuatlas.ui.loglens.LogLensView;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.Crossing;
import org.criuatlas.ui.plan.DumpPlanning;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.restore.RestoreBoard;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.ImageFacts;
import org.criuatlas.ui.vm.Selection;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The operations of the main window: the menu bar (File, View, Demos, Help), "Dump…" on the plan,
 * the window's side of the dump dialog ({@link GraphPin}, {@link PlanIntents}), image views, the
 * restore board, the log lens and the demo lessons. Wires the standalone components; decides nothing
 * they decide. Every blocking step runs on {@link #background()}; the FX thread only shows results.
 */
public final class WindowOperations implements GraphPin, PlanIntents, AutoCloseable {
    public static final String ID_MENU_BAR = "menu-bar";
    public static final String ID_OPEN_IMAGES = "menu-open-images";
    public static final String ID_OPEN_ARCHIVE = "menu-open-archive";
    public static final String ID_OPEN_LOG = "menu-open-log";
    public static final String ID_SETUP_CRIU = "menu-setup-criu";
    public static final String ID_ABOUT = "menu-about";
    public static final String ID_PIN_BANNER = "pin-banner";
    public static final String ID_IMAGES_BANNER = "images-banner";
    public static final String ID_IMAGES_OBLIGATIONS = "images-obligations";
    public static final String ID_IMAGES_RESTORE = "images-restore";
    public static final String ID_IMAGES_BACK = "images-back-to-live";
    public static final String ID_IMAGES_PROGRESS = "images-progress";
    public static final String ID_LESSON_TAB = "lesson-tab";

    private final AtlasApp.Window window;
    private final DumpPlanning planner;
    private final DemoRunner demos;
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "atlas-operations");
        t.setDaemon(true);
        return t;
    });
    private final Label pinBanner = new Label();
    private final HBox pinBar;
    private final HBox progressBar;
    private final Label progressText = new Label();
    private final List<ImageWindow> imageWindows = new ArrayList<>();
    private DemoLessonPane lesson;
    private Path criu;
    /** Opens images from "Open images" (the dialog) and the menu; tests may replace it to keep a handle. */
    private Consumer<ImageWindow> onImagesShown = w -> {};
    private Consumer<RestoreBoard> onRestoreBoard = b -> {};
    private Stage lastDumpStage;
    /** "Open images…" asks this for the folder (null = cancelled); tests replace the OS dialog, which cannot run headless. */
    private Function<javafx.stage.Window, File> directoryChooser = WindowOperations::chooseImageDirectory;
    /** "Open checkpoint archive…" asks this for the file (null = cancelled); tests replace the OS dialog. */
    private Function<javafx.stage.Window, File> archiveChooser = WindowOperations::chooseArchive;

    /** An image view: its own explorer window over the dump's graph, and the dump read from the folder. */
    public record ImageWindow(AtlasApp.Window window, ImageDump dump) {}

    private WindowOperations(AtlasApp.Window window, DumpPlanning planner, DemoRunner demos) {
        this.window = window;
        this.planner = planner;
        this.demos = demos;
        pinBanner.setWrapText(true);
        Button unpin = new Button("Unpin");
        unpin.setOnAction(e -> clearPins());
        pinBar = new HBox(8, pinBanner, spring(), unpin);
        pinBar.setId(ID_PIN_BANNER);
        pinBar.setAlignment(Pos.CENTER_LEFT);
        pinBar.setPadding(new Insets(4, 8, 4, 8));
        pinBar.setStyle("-fx-background-color: #fff3cd; -fx-border-color: #e0b84c; -fx-border-width: 0 0 1 0;");
        pinBar.setVisible(false);
        pinBar.managedProperty().bind(pinBar.visibleProperty());
        ProgressIndicator spin = new ProgressIndicator();
        spin.setPrefSize(18, 18);
        progressBar = new HBox(8, spin, progressText);
        progressBar.setId(ID_IMAGES_PROGRESS);
        progressBar.setAlignment(Pos.CENTER_LEFT);
        progressBar.setPadding(new Insets(4, 8, 4, 8));
        progressBar.setVisible(false);
        progressBar.managedProperty().bind(progressBar.visibleProperty());
    }

    /**
     * Installs the operations on an explorer window: the menu bar, "Dump…", drag and drop of an
     * image directory. On the FX thread.
     */
    public static WindowOperations install(AtlasApp.Window window, DumpPlanning planner, DemoRunner demos) {
        WindowOperations ops = new WindowOperations(window, planner, demos);
        ExplorerView view = window.view();
        view.addTop(ops.menuBar(), true);
        view.addTop(ops.pinBar, false);
        view.addTop(ops.progressBar, false);
        ops.wireDump();
        ops.wireDragAndDrop(window.stage().getScene());
        // criu is found once, off the FX thread ("Dump…" stays disabled until then)
        ops.background.execute(() -> {
            Optional<CriuLocator.Located> loc = CriuLocator.locate();
            UiThread.run(() -> {
                ops.criuPath.set(loc.map(CriuLocator.Located::path).orElse(null));
                ops.criuLocated.complete(null);
            });
        });
        return ops;
    }

    private final javafx.beans.property.ObjectProperty<Path> criuPath = new javafx.beans.property.SimpleObjectProperty<>();
    /** Done once the first look for criu has set {@link #criuPath}. */
    private final CompletableFuture<Void> criuLocated = new CompletableFuture<>();

    public ExecutorService background() { return background; }

    public DemoRunner demos() { return demos; }

    public void setOnImagesShown(Consumer<ImageWindow> c) { onImagesShown = c == null ? w -> {} : c; }

    /** Replaces the folder dialog of "Open images…" (null restores the OS dialog). */
    public void setDirectoryChooser(Function<javafx.stage.Window, File> c) {
        directoryChooser = c == null ? WindowOperations::chooseImageDirectory : c;
    }

    /** Replaces the file dialog of "Open checkpoint archive…" (null restores the OS dialog). */
    public void setArchiveChooser(Function<javafx.stage.Window, File> c) {
        archiveChooser = c == null ? WindowOperations::chooseArchive : c;
    }

    /** A file named like a checkpoint archive (podman --export, kubelet): offered for a drop. */
    static boolean isArchiveName(File f) {
        String n = f.getName();
        return f.isFile() && (n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar.zst"));
    }

    private static File chooseArchive(javafx.stage.Window owner) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a container checkpoint archive");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Checkpoint archives (podman, CRI-O)", "*.tar", "*.tar.gz", "*.tgz", "*.tar.zst"),
                new FileChooser.ExtensionFilter("All files", "*"));
        return fc.showOpenDialog(owner);
    }

    private static File chooseImageDirectory(javafx.stage.Window owner) {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open a CRIU image directory");
        File home = Path.of(System.getProperty("user.home"), "criu-atlas-dumps").toFile();
        if (home.isDirectory()) dc.setInitialDirectory(home);
        return dc.showDialog(owner);
    }

    public void setOnRestoreBoard(Consumer<RestoreBoard> c) { onRestoreBoard = c == null ? b -> {} : c; }

    /** The dump window opened last by "Dump…" (tests look into it). */
    public Stage lastDumpStage() { return lastDumpStage; }

    public List<ImageWindow> imageWindows() { return List.copyOf(imageWindows); }

    // ---- menus ---------------------------------------------------------------------------------

    private MenuBar menuBar() {
        ExplorerViewModel vm = window.vm();
        MenuItem openImages = new MenuItem("Open images\u2026");
        openImages.setId(ID_OPEN_IMAGES);
        openImages.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        openImages.setOnAction(e -> {
            File f = directoryChooser.apply(window.stage());
            if (f != null) openImages(f.toPath());
        });
        MenuItem openArchive = new MenuItem("Open checkpoint archive\u2026");
        openArchive.setId(ID_OPEN_ARCHIVE);
        openArchive.setOnAction(e -> {
            File f = archiveChooser.apply(window.stage());
            if (f != null) openImages(f.toPath());
        });
        MenuItem openLog = new MenuItem("Open log\u2026");
        openLog.setId(ID_OPEN_LOG);
        openLog.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Open a CRIU log");
            File f = fc.showOpenDialog(window.stage());
            if (f != null) openLog(f.toPath());
        });
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> Platform.exit());
        Menu file = new Menu("File", null, openImages, openArchive, openLog, new SeparatorMenuItem(), quit);

        MenuItem light = new MenuItem("Light theme");
        light.setOnAction(e -> window.view().applyTheme(Theme.LIGHT));
        MenuItem darkTheme = new MenuItem("Dark theme");
        darkTheme.setOnAction(e -> window.view().applyTheme(Theme.DARK));
        MenuItem refresh = new MenuItem("Refresh now");
        refresh.setOnAction(e -> window.refresh().refreshNow());
        MenuItem fit = new MenuItem("Fit graph");
        fit.setOnAction(e -> window.view().graph().fit());
        Menu view = new Menu("View", null, refresh, fit, new SeparatorMenuItem(), light, darkTheme);

        Menu demoMenu = DemoMenu.create(demos, this::demoStarted);

        MenuItem read = new MenuItem("How to read the graph");
        read.setOnAction(e -> info("How to read the graph", HOW_TO_READ));
        MenuItem setupCriu = new MenuItem("Set up CRIU\u2026");
        setupCriu.setId(ID_SETUP_CRIU);
        setupCriu.setOnAction(e -> openCriuSetup());
        MenuItem about = new MenuItem("About CRIU Atlas");
        about.setId(ID_ABOUT);
        about.setOnAction(e -> openAbout());
        Menu help = new Menu("Help", null, read, setupCriu, new SeparatorMenuItem(), about);

        MenuBar bar = new MenuBar(file, view, demoMenu, help);
        bar.setId(ID_MENU_BAR);
        return bar;
    }

    /** Help > About CRIU Atlas, in the window's theme. */
    public Stage openAbout() {
        ExplorerViewModel vm = window.vm();
        return AboutDialog.open(window.stage(), window.view().theme(), vm.criuStatusProperty().get(),
                vm.privilegeProperty().get());
    }

    /** Help > Set up CRIU…: on success the window uses the new criu at once. */
    public CriuSetupDialog openCriuSetup() {
        return CriuSetupDialog.open(window.stage(), window.view().theme(), criu -> {
            criuPath.set(criu);
            background.execute(() -> {
                String status = CriuStatusProbe.probe();
                UiThread.run(() -> window.vm().criuStatusProperty().set(status));
            });
        });
    }

    /**
     * First use as root: when no criu was found, the setup dialog opens (it asks before it
     * downloads anything). Without root nothing opens: the window works without CRIU.
     */
    public void offerCriuSetupWhenMissing() {
        criuLocated.thenRun(() -> UiThread.run(() -> {
            if (criuPath.get() == null && CriuProvisioning.asRoot()) openCriuSetup();
        }));
    }

    static final String HOW_TO_READ = """
            Boxes are processes, laid out as the process tree (parent left, children right).
            Lines between processes are the objects they share: unix sockets (peer to peer), pipes (writer to \
            reader) and terminals.

            Right-click a process and choose "Plan dump of this subtree": the processes CRIU would dump are \
            outlined, and every line that leaves them is coloured by what CRIU will do with it:
              red     the dump fails on it (tick a fix in the plan panel)
              amber   it dumps, but the restore must be handed something
              green   a tick made it dump cleanly
              grey    the snapshot cannot tell
            A badge on a crossing line opens its row in the plan panel. "Dump…" runs the dump; a failure is \
            pinned on the graph (yellow banner) with its fix as a button.""";

    private void info(String title, String text) {
        Alert a = new Alert(Alert.AlertType.INFORMATION, text);
        a.initOwner(window.stage());
        a.setTitle(title);
        a.setHeaderText(title);
        a.getDialogPane().setMinWidth(560);
        a.show();
    }

    // ---- dump ----------------------------------------------------------------------------------

    private void wireDump() {
        ExplorerViewModel vm = window.vm();
        BooleanBinding planned = vm.plan().outcomeProperty().isNotNull();
        BooleanBinding root = Bindings.createBooleanBinding(
                () -> vm.getGraph() != null && vm.getGraph().meta().privileged(), vm.graphProperty());
        BooleanBinding haveCriu = criuPath.isNotNull();
        StringBinding why = Bindings.createStringBinding(() -> {
            if (criuPath.get() == null) return "CRIU is not set up: Help > Set up CRIU\u2026";
            if (!root.get()) return "Dumping needs root";
            if (!planned.get()) return "Plan a subtree first (right-click a process)";
            return "Dump the planned subtree with CRIU";
        }, criuPath, root, planned);
        window.view().planPanel().enableDump(planned.and(root).and(haveCriu), why, this::openDump);
    }

    /** "Dump…": the dump window for the current plan. */
    public void openDump() {
        PlanOutcome o = window.vm().plan().getOutcome();
        if (o == null || criuPath.get() == null) return;
        lastDumpStage = DumpDialog.openStage(window.stage(), o.plan(), criuPath.get(), this, this,
                this::openImages, this::openLog);
        lastDumpStage.setOnHidden(e -> clearPins());
    }

    @Override
    public void pin(List<String> objectKeys, List<Integer> pids, String why) {
        ExplorerViewModel vm = window.vm();
        Selection s = null;
        for (String k : objectKeys) {
            s = Selection.ofKey(k);
            if (s != null) break;
        }
        if (s == null && !pids.isEmpty()) s = Selection.process(pids.get(0));
        if (s != null) vm.jumpTo(s);
        String what = !objectKeys.isEmpty() ? String.join(", ", objectKeys)
                : pids.stream().map(p -> "pid " + p).reduce((a, b) -> a + ", " + b).orElse("");
        pinBanner.setText("Pinned on the graph: " + what + (why == null || why.isBlank() ? "" : ": " + why));
        pinBar.setVisible(true);
    }

    @Override
    public void clearPins() {
        pinBar.setVisible(false);
        pinBanner.setText("");
    }

    /** The banner's text while something is pinned, else empty. */
    public String pinnedText() { return pinBar.isVisible() ? pinBanner.getText() : ""; }

    @Override
    public DumpPlan markExternal(long ourIno) {
        tick(c -> c.insideIno() == ourIno, Choice.EXTERNAL);
        return currentPlan();
    }

    @Override
    public DumpPlan useShellJob() {
        tick(c -> true, Choice.SHELL_JOB);
        return currentPlan();
    }

    private void tick(java.util.function.Predicate<Crossing> which, Choice choice) {
        PlanOutcome o = window.vm().plan().getOutcome();
        if (o == null) return;
        for (Crossing c : o.crossings()) {
            if (which.test(c) && c.choices().contains(choice) && !c.chosen().contains(choice)) {
                window.vm().plan().setChoice(c.key(), choice, true);
                return;
            }
        }
    }

    private DumpPlan currentPlan() {
        PlanOutcome o = window.vm().plan().getOutcome();
        return o == null ? null : o.plan();
    }

    // ---- log lens ------------------------------------------------------------------------------

    public Stage openLog(Path log) {
        return LogLensView.openStage(window.stage(), log, window.vm().getGraph(), LinkTarget.pinning(this));
    }

    // ---- images --------------------------------------------------------------------------------

    private void wireDragAndDrop(Scene scene) {
        scene.setOnDragOver(e -> {
            // an image folder, or a checkpoint archive (a file): both open in the image view
            if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1
                    && (e.getDragboard().getFiles().get(0).isDirectory() || isArchiveName(e.getDragboard().getFiles().get(0)))) {
                e.acceptTransferModes(TransferMode.LINK, TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1;
            if (ok) openImages(e.getDragboard().getFiles().get(0).toPath());
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    /**
     * Reads {@code dir} off the FX thread (progress in the main window), then shows its image view. A file
     * (not a folder) is read as a container checkpoint archive and shown the same way.
     */
    public CompletableFuture<ImageWindow> openImages(Path dir) {
        progressText.setText("Reading images in " + dir + "\u2026");
        progressBar.setVisible(true);
        CompletableFuture<ImageWindow> shown = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> {
            try {
                ImageDump d = java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)
                        ? org.criuatlas.bridge.archive.ArchiveReader.open(dir).dump()
                        : ImageReader.open(dir);
                return new ImagesRead(d, ImageFacts.of(d));
            } catch (ImageFormatException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background).whenComplete((read, err) -> UiThread.run(() -> {
            progressBar.setVisible(false);
            if (err != null) {
                Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
                Alert a = new Alert(Alert.AlertType.ERROR, imageErrorText(dir, c));
                a.initOwner(window.stage());
                a.setHeaderText("Cannot read these images");
                a.show();
                shown.completeExceptionally(c);
                return;
            }
            ImageWindow w = showImages(read.dump(), read.facts());
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
            String what0 = java.nio.file.Files.isRegularFile(dir) ? "checkpoint archive" : "CRIU image directory";
            return dir + " is not a readable " + what0 + ".\n\nIn " + f.file() + where
                    + ": " + what + "\n(" + f.kind().toString().toLowerCase().replace('_', ' ') + ")";
        }
        return dir + " could not be read: " + t;
    }

    /** A dump and its file times, both read off the FX thread. */
    private record ImagesRead(ImageDump dump, ImageFacts facts) {}

    private ImageWindow showImages(ImageDump dump, ImageFacts facts) {
        Stage stage = new Stage();
        IpcGraph g = dump.graph();
        AtlasApp.Window w = AtlasApp.open(stage, () -> g, planner, null, false);
        // before the first scan is applied: no refresh controls, no plan panel, the images' status line
        w.vm().showImages(facts);
        stage.setTitle("CRIU Atlas \u2014 images " + dump.dir());
        w.view().applyTheme(window.view().theme());
        ImageWindow iw = new ImageWindow(w, dump);
        Label title = new Label("Images: " + dump.dir() + "  \u2014  " + g.processes().size() + " process(es), offline view of the dump");
        title.getStyleClass().add(Styles.TITLE);
        Button restore = new Button("Restore\u2026");
        restore.setId(ID_IMAGES_RESTORE);
        boolean archive = !java.nio.file.Files.isDirectory(dump.dir());
        // a container archive is restored by its engine (podman container restore --import), not by CRIU alone
        restore.disableProperty().bind(archive ? javafx.beans.binding.Bindings.createBooleanBinding(() -> true) : criuPath.isNull());
        if (archive) restore.setTooltip(new javafx.scene.control.Tooltip("A container archive is restored by podman: podman container restore --import"));
        restore.setOnAction(e -> openRestore(iw));
        Button back = new Button("Back to live");
        back.setId(ID_IMAGES_BACK);
        back.setOnAction(e -> {
            stage.close();
            window.stage().toFront();
        });
        HBox head = new HBox(10, title, spring(), restore, back);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox obligations = new VBox(2);
        obligations.setId(ID_IMAGES_OBLIGATIONS);
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
        banner.setId(ID_IMAGES_BANNER);
        banner.setPadding(new Insets(6, 8, 6, 8));
        banner.setStyle("-fx-background-color: #dbe9f7; -fx-border-color: #7aa7d6; -fx-border-width: 0 0 1 0;");
        w.view().addTop(banner, true);
        stage.setOnHidden(e -> {
            w.close();
            imageWindows.remove(iw);
        });
        imageWindows.add(iw);
        return iw;
    }

    /** "Restore…" of an image view: the wiring board, restored as a sibling (see {@link #RESTORE_SIBLING}). */
    public RestoreBoard openRestore(ImageWindow iw) {
        // the default goes into the plan before the board is built, so its check box shows it
        RestoreBoard board = RestoreBoard.create(
                org.criuatlas.plan.restore.RestoreWiringPlan.of(iw.dump()).withRestoreSibling(RESTORE_SIBLING),
                criuPath.get(), Platform::runLater, background);
        board.model().restoredPidsProperty().addListener((o, a, pids) -> {
            if (pids == null || pids.isEmpty()) return;
            demos.adoptRestored(pids);
            showRestored(pids);
        });
        board.showInWindow();
        onRestoreBoard.accept(board);
        return board;
    }

    /**
     * Restores from the window become children of this JVM ({@code --restore-sibling}): pid 1 reaps
     * lazily on this machine, so a restored tree re-parented to init lingers as zombies after a kill
     * and "is it gone?" checks lie; as our children they are reaped as soon as they exit (DemoRunner
     * kills and reaps restored children of the JVM) and the live graph shows them under our process.
     */
    public static final boolean RESTORE_SIBLING = true;

    /** After a restore: scan again, then select the restored root and bring the tree into view. */
    private void showRestored(List<Integer> pids) {
        // the main window is not raised: the person is typing in the board's console
        whenVisible(pids.get(0), () -> {
            window.vm().jumpTo(Selection.process(pids.get(0)));
            window.vm().focusSubtree(pids.get(0));
        });
    }

    /**
     * Runs {@code then} on the FX thread once {@code pid} is in a fresh scan of the live graph (scans
     * until it is, ~20 s at most). Always scans first: the current snapshot may predate the event
     * (a restored pid can equal a pid the old snapshot still shows).
     */
    public void whenVisible(int pid, Runnable then) {
        ExplorerViewModel vm = window.vm();
        int[] tries = {0};
        @SuppressWarnings("unchecked")
        javafx.beans.value.ChangeListener<IpcGraph>[] l = new javafx.beans.value.ChangeListener[1];
        l[0] = (o, a, g) -> {
            if (g != null && g.process(pid) != null) {
                vm.graphProperty().removeListener(l[0]);
                // after the rest of apply(): the plan sees the new snapshot only after the graph property
                Platform.runLater(then);
            } else if (++tries[0] < 40) {
                delayedRefresh();
            } else {
                vm.graphProperty().removeListener(l[0]);
            }
        };
        vm.graphProperty().addListener(l[0]);
        window.refresh().refreshNow();
    }

    private void delayedRefresh() {
        javafx.animation.PauseTransition p = new javafx.animation.PauseTransition(javafx.util.Duration.millis(500));
        p.setOnFinished(e -> window.refresh().refreshNow());
        p.play();
    }

    // ---- demos ---------------------------------------------------------------------------------

    /** The lesson pane (created with the first demo). */
    public DemoLessonPane lesson() { return lesson; }

    private void demoStarted(StartedDemo started) {
        if (lesson == null) lesson = DemoLessonPane.create(demos, started.demo(), this::demoStarted);
        else lesson.show(started.demo());
        window.view().showSideTab(ID_LESSON_TAB, "Lesson", lesson);
        int root = started.rootPid();
        whenVisible(root, () -> {
            window.vm().plan().planSubtree(root);
            window.vm().focusSubtree(root);
        });
    }

    /** Shows the lesson of demo 1 without starting it (Help). */
    public void showLesson() {
        if (lesson == null) lesson = DemoLessonPane.create(demos, DemoCatalog.SEED, this::demoStarted);
        window.view().showSideTab(ID_LESSON_TAB, "Lesson", lesson);
    }

    private static Region spring() {
        Region r = new Region();
        HBox.setHgrow(r, Priority.ALWAYS);
        return r;
    }

    /** Stops the demos (kills and reaps them) and the workers; blocks: never on the FX thread. */
    @Override
    public void close() {
        for (ImageWindow w : List.copyOf(imageWindows)) w.window().close();
        demos.close();
        // the pool is not shut down: windows still closing (restore boards) hand it their last
        // closes; its threads are daemons and end when idle
    }

    /** Files exist check used by Main's directory argument. */
    static boolean isImageDir(Path p) {
        return p != null && Files.isDirectory(p);
    }

    /**
     * {@code ./criu-atlas DIR}: a single directory argument opens as an image view (what
     * {@link AtlasApp#start} does with its raw parameters); anything else opens nothing.
     */
    public Optional<CompletableFuture<ImageWindow>> openArguments(List<String> args) {
        if (args.size() != 1 || !isImageDir(Path.of(args.get(0)))) return Optional.empty();
        return Optional.of(openImages(Path.of(args.get(0))));
    }
}
