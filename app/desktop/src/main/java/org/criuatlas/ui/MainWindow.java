package org.criuatlas.ui;

import javafx.event.Event;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.criuatlas.host.CriuStatus;
import org.criuatlas.ui.demos.DemoLessonPane;
import org.criuatlas.ui.loglens.LinkTarget;
import org.criuatlas.ui.loglens.LogLensView;
import org.criuatlas.ui.loglens.LogLensViewModel;
import org.criuatlas.ui.restore.RestoreBoard;
import org.criuatlas.ui.theme.Theme;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The main window: puts the per-feature controllers on an explorer window and shares one
 * {@link WindowServices} between them. Its own job is the menu bar and the one close path that the
 * window's close button and File &gt; Quit (Ctrl+Q) both take: a running dump or restore is
 * confirmed and cancelled, the window's state is saved, every other window closes, the application
 * ends. The controllers decide nothing for each other; this class only wires them.
 */
public final class MainWindow {
    public static final String ID_MENU_BAR = "menu-bar";
    public static final String ID_OPEN_IMAGES = "menu-open-images";
    public static final String ID_OPEN_ARCHIVE = "menu-open-archive";
    public static final String ID_OPEN_LOG = "menu-open-log";
    public static final String ID_EXPORT = "menu-export";
    public static final String ID_QUIT = "menu-quit";
    public static final String ID_ABOUT = "menu-about";
    public static final String ID_SETUP_CRIU = "menu-setup-criu";
    public static final String ID_CALIBRATE = "menu-calibrate";
    public static final String ID_RESTORE_CONTAINER = "menu-file-restore-container";
    public static final String ID_PIN_BANNER = DumpController.ID_PIN_BANNER;
    public static final String ID_IMAGES_BANNER = "images-banner";
    public static final String ID_IMAGES_OBLIGATIONS = "images-obligations";
    public static final String ID_IMAGES_RESTORE = "images-restore";
    public static final String ID_IMAGES_BACK = "images-back-to-live";
    public static final String ID_IMAGES_PROGRESS = "images-progress";
    public static final String ID_LESSON_TAB = "lesson-tab";

    private final AtlasApp.Window window;
    private final WindowServices services;
    private final DumpController dumps;
    private final ImagesController images;
    private final RestoreController restores;
    private final DemoController demos;
    private final SuggestController suggestions;
    private final ExportController exports;
    private final ContainerController containers;
    private final HostsController hosts;
    private final HelpActions help;
    /** The ssh destination this window shows; null for this machine (the application's main window). */
    private final String remote;
    private boolean closing;
    private Alert confirmQuit;

    private MainWindow(AtlasApp.Window window, WindowServices services, HostsController hosts, String remote) {
        this.window = window;
        this.services = services;
        this.remote = remote;
        this.hosts = hosts != null ? hosts : new HostsController(services, window, HostList.forApp());
        LiveWatch watch = new LiveWatch(window);
        this.restores = new RestoreController(window, services, watch);
        this.images = new ImagesController(window, services, iw -> restores.openRestore(iw), remote == null);
        this.dumps = new DumpController(window, services, dir -> images.openImages(dir), this::openLog);
        this.demos = new DemoController(window, services, watch);
        this.suggestions = new SuggestController(window, services);
        this.exports = new ExportController(window, services);
        this.containers = new ContainerController(window, services, dumps);
        if (remote != null) HostPathPrompt.wire(images, containers, services.themes(), remote);
        images.setRestoreArchive(a -> containers.restore(null, a));
        this.help = new HelpActions(window, services);
    }

    /** Puts the controllers and the menu bar on {@code window}: the application's window on this machine. On the FX thread. */
    public static MainWindow install(AtlasApp.Window window, WindowServices services) {
        return install(window, services, null, null);
    }

    /**
     * The same for another host's window ({@code remote}, its ssh destination; its services' host is that
     * host's bridge), sharing the main window's {@code hosts}. On the FX thread.
     */
    static MainWindow install(AtlasApp.Window window, WindowServices services, HostsController hosts, String remote) {
        MainWindow m = new MainWindow(window, services, hosts, remote);
        ExplorerView view = window.view();
        view.addTop(m.menuBar(), true);
        view.addTop(m.dumps.pinBanner(), false);
        view.addTop(m.images.progressBanner(), false);
        // another host's tab closes through HostTabs, which asks the same close path
        if (remote == null) window.stage().setOnCloseRequest(e -> {
            if (!m.closeRequested()) e.consume();
        });
        // which criu, once, off the FX thread ("Dump…" and "Restore…" stay disabled until it is known)
        services.background().execute(() -> {
            CriuStatus s = services.host().criuStatus();
            services.ui().execute(() -> window.vm().criuStatusProperty().set(s));
            // then what the plans are based on: this CRIU's measured facts, if any
            CriuBasis.apply(services, window, s);
        });
        return m;
    }

    // ---- menus -------------------------------------------------------------------------------

    private MenuBar menuBar() {
        MenuItem openImages = new MenuItem("Open images\u2026");
        openImages.setId(ID_OPEN_IMAGES);
        openImages.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        openImages.setOnAction(e -> images.chooseAndOpen());
        MenuItem openArchive = new MenuItem("Open checkpoint archive\u2026");
        openArchive.setId(ID_OPEN_ARCHIVE);
        openArchive.setOnAction(e -> images.chooseArchiveAndOpen());
        MenuItem openLog = new MenuItem("Open log\u2026");
        openLog.setId(ID_OPEN_LOG);
        openLog.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Open a CRIU log");
            File f = fc.showOpenDialog(window.stage());
            if (f != null) openLog(f.toPath());
        });
        MenuItem restoreContainer = new MenuItem("Restore container from archive\u2026");
        restoreContainer.setId(ID_RESTORE_CONTAINER);
        restoreContainer.setOnAction(e -> containers.restore(null, null));
        MenuItem export = new MenuItem("Export\u2026");
        export.setId(ID_EXPORT);
        export.setAccelerator(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN));
        export.setOnAction(e -> exports.chooseAndExport());
        // another host's tab closes on its own; this machine's ends the application
        MenuItem quit = new MenuItem(remote == null ? "Quit" : "Close host");
        quit.setId(ID_QUIT);
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> quit());
        Menu file = new Menu("File", null, openImages, openArchive, openLog, new SeparatorMenuItem(), restoreContainer,
                new SeparatorMenuItem(), export,
                new SeparatorMenuItem(), quit);

        MenuItem light = new MenuItem("Light theme");
        light.setOnAction(e -> services.themes().set(Theme.LIGHT));
        MenuItem darkTheme = new MenuItem("Dark theme");
        darkTheme.setOnAction(e -> services.themes().set(Theme.DARK));
        MenuItem refresh = new MenuItem("Refresh now");
        refresh.setOnAction(e -> window.refresh().refreshNow());
        MenuItem fit = new MenuItem("Fit graph");
        fit.setOnAction(e -> window.view().graph().fit());
        Menu view = new Menu("View", null, refresh, fit, new SeparatorMenuItem(), light, darkTheme);

        MenuItem read = new MenuItem("How to read the graph");
        read.setOnAction(e -> Dialogs.info(window.stage(), services.themes(), "How to read the graph", Dialogs.HOW_TO_READ));
        MenuItem about = new MenuItem("About CRIU Atlas");
        about.setId(ID_ABOUT);
        about.setOnAction(e -> openAbout());
        MenuItem setupCriu = new MenuItem("Set up CRIU\u2026");
        setupCriu.setId(ID_SETUP_CRIU);
        setupCriu.setOnAction(e -> openCriuSetup());
        MenuItem calibrate = new MenuItem("Calibrate CRIU\u2026");
        calibrate.setId(ID_CALIBRATE);
        calibrate.setOnAction(e -> openCalibrate());
        Menu help = new Menu("Help", null, read, setupCriu, calibrate, new SeparatorMenuItem(), about);

        // the demos start process trees on this machine: offered in this machine's window only
        MenuBar bar = remote == null ? new MenuBar(file, view, hosts.menu(), demos.menu(), help) : new MenuBar(file, view, hosts.menu(), help);
        bar.setId(ID_MENU_BAR);
        return bar;
    }

    /** Help &gt; Set up CRIU…: on success the window asks the host again which criu it uses. */
    public CriuSetupDialog openCriuSetup() { return help.openCriuSetup(); }

    /** Help &gt; Calibrate CRIU…: {@link HelpActions#openCalibrate()}. */
    public CalibrateDialog openCalibrate() { return help.openCalibrate(); }

    /** First use as root: {@link HelpActions#offerCriuSetupWhenMissing()}. */
    public void offerCriuSetupWhenMissing() { help.offerCriuSetupWhenMissing(); }

    /** Help &gt; About: the facts are gathered off the FX thread, then the box opens. */
    public CompletableFuture<Stage> openAbout() { return help.openAbout(); }

    /** The log lens for {@code log}, read through the host; its links pin objects on this window's graph. */
    public Stage openLog(Path log) {
        LogLensViewModel vm = new LogLensViewModel(services.background(), services.ui(), services.host()::readLog);
        return LogLensView.openStage(window.stage(), vm, log, window.vm().getGraph(), LinkTarget.pinning(dumps), services.themes());
    }

    // ---- the close path ----------------------------------------------------------------------

    /**
     * File &gt; Quit and Ctrl+Q: exactly what the window's close button does. The request goes
     * through the window's own event dispatch, which closes the window unless a handler (ours, when a
     * dump runs) consumed it. Another host's File &gt; Close host: what its tab's close button does.
     */
    public void quit() {
        if (remote == null) Event.fireEvent(window.stage(), new WindowEvent(window.stage(), WindowEvent.WINDOW_CLOSE_REQUEST));
        else if (closeRequested()) hosts.closeTab(this);
    }

    /** The close path: false keeps the window (or the host's tab) while a dump runs, and asks; true once it closed. */
    boolean closeRequested() {
        if (closing) return true;
        if (anythingRuns()) {
            // never close under a running dump: ask, and keep the window until the answer
            confirmQuit();
            return false;
        }
        closing = true;
        window.saveState();
        images.closeAll();
        restores.closeAll();
        containers.closeAll();
        if (remote == null) hosts.hideAll();
        window.close();
        services.exitApplication().run();
        return true;
    }

    private void confirmQuit() {
        if (confirmQuit != null && confirmQuit.isShowing()) return;
        ButtonType stop = Dialogs.button("Cancel it and quit", false);
        ButtonType stay = Dialogs.button("Keep it running", true);
        String where = remote != null || busy() ? "" : " on " + hosts.busyWindows().get(0).remote;
        confirmQuit = Dialogs.confirm(window.stage(), services.themes(), "A dump or restore is running" + where,
                (remote == null ? "Quitting" : "Closing this host's tab") + " cancels it: criu is told to stop and release the tree, which keeps running.",
                stop, stay);
        confirmQuit.getDialogPane().setId(Dialogs.ID_CONFIRM_QUIT);
        confirmQuit.setOnHidden(ev -> {
            if (confirmQuit.getResult() != stop) return;
            cancelRunning();
            if (remote == null) hosts.cancelAll();
            // the close path again, once nothing runs: the cancel's outcome arrives on the FX thread
            whenIdle(this::quit);
        });
        confirmQuit.show();
    }

    /** Runs {@code then} once no dump or restore of this window runs (checked after each of their changes). */
    private void whenIdle(Runnable then) {
        if (!anythingRuns()) {
            then.run();
            return;
        }
        javafx.animation.PauseTransition p = new javafx.animation.PauseTransition(javafx.util.Duration.millis(100));
        p.setOnFinished(e -> whenIdle(then));
        p.play();
    }

    /** What the close path waits for: this window's work, and for this machine's window every host window's too. */
    private boolean anythingRuns() {
        return busy() || (remote == null && !hosts.busyWindows().isEmpty());
    }

    /** A dump, restore or container action of this window runs. */
    boolean busy() {
        return dumps.dumpRunning() || restores.restoreRunning() || containers.running();
    }

    /** Cancels this window's dump and closes its restore boards and container dialogs (which cancel theirs). */
    void cancelRunning() {
        dumps.cancelRunning();
        restores.closeAll();
        containers.closeAll();
    }

    /** The quit confirmation while it shows (tests answer it). */
    public Alert quitConfirmation() { return confirmQuit; }

    /** Stops the demos (kills and reaps them): waits for processes, so never on the FX thread. */
    void shutDown() {
        Thread t = new Thread(() -> {
            services.demos().close();
            services.host().close();
            hosts.closeBridges();
        }, "atlas-stop-demos");
        // a non-daemon thread keeps the JVM alive until the demos are gone
        t.setDaemon(false);
        t.start();
    }

    // ---- for tests and the application -------------------------------------------------------

    /** Stops every demo and waits until its processes are gone (blocking: not on the FX thread). */
    public void stopDemos() {
        services.demos().close();
    }

    public AtlasApp.Window window() { return window; }

    public WindowServices services() { return services; }

    /** The Hosts menu's controller (shared by every window of the application). */
    public HostsController hosts() { return hosts; }

    /** The ssh destination this window shows, null for this machine. */
    public String remote() { return remote; }

    ImagesController images() { return images; }

    public CompletableFuture<ImageWindow> openImages(Path dir) { return images.openImages(dir); }

    public Optional<CompletableFuture<ImageWindow>> openArguments(List<String> args) {
        return images.openArguments(args);
    }

    public List<ImageWindow> imageWindows() { return images.imageWindows(); }

    public void setOnImagesShown(Consumer<ImageWindow> c) { images.setOnImagesShown(c); }

    public void setDirectoryChooser(Function<javafx.stage.Window, File> c) { images.setDirectoryChooser(c); }

    /** Tests: replaces the OS save dialog of "Export…". */
    public void setExportChooser(Function<javafx.stage.Window, File> c) { exports.setChooser(c); }

    /** File &gt; Export… to {@code file} without the dialog (its extension says the format). */
    public CompletableFuture<Path> export(Path file) { return exports.export(file); }

    /** Tests: replaces the OS file dialog of "Open checkpoint archive…". */
    public void setArchiveChooser(Function<javafx.stage.Window, File> c) { images.setArchiveChooser(c); }

    public RestoreBoard openRestore(ImageWindow iw) { return restores.openRestore(iw); }

    public void setOnRestoreBoard(Consumer<RestoreBoard> c) { restores.setOnRestoreBoard(c); }

    public void openDump() { dumps.openDump(); }

    /** "Checkpoint container…" of {@code c} (what the process menu and the container plan open). */
    public org.criuatlas.ui.container.ContainerDialog checkpointContainer(org.criuatlas.plan.container.ContainerMonitor c) {
        return containers.checkpoint(c);
    }

    /** "Restore container…" from {@code archive} (null: the person names it). */
    public org.criuatlas.ui.container.ContainerDialog restoreContainer(Path archive) { return containers.restore(null, archive); }

    /** Tests: sees every container dialog the window opens (menus included). */
    public void setOnContainerDialog(Consumer<org.criuatlas.ui.container.ContainerDialog> c) { containers.setOnDialog(c); }

    /** "Make it dumpable…" of the plan panel: the suggestions window (its search runs in the background). */
    public Stage openSuggestions() { return suggestions.open(); }

    /** The suggestions' search started by the last {@link #openSuggestions()}, null before. */
    public CompletableFuture<List<org.criuatlas.ui.plan.SuggestionRow>> suggestionSearch() { return suggestions.search(); }

    public Stage lastDumpStage() { return dumps.lastDumpStage(); }

    public String pinnedText() { return dumps.pinnedText(); }

    public DemoLessonPane lesson() { return demos.lesson(); }

    public void showLesson() { demos.showLesson(); }
}
