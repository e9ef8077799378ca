package org.criuatlas.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.criuatlas.host.Host;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.ui.plan.DumpPlanning;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.GraphSource;
import org.criuatlas.ui.vm.PlanViewModel;
import org.criuatlas.ui.vm.RefreshController;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The JavaFX application: wires the host, the view-models and the explorer view. */
public final class AtlasApp extends Application {
    /** System property: {@code workstation} or {@code large} shows a made-up snapshot (demos, screenshots). */
    public static final String DEMO_PROPERTY = "criuatlas.demo";

    public static void launchWindow(String[] args) {
        if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null
                && !"monocle".equalsIgnoreCase(System.getProperty("glass.platform"))) {
            System.err.println("criu-atlas: no display (DISPLAY is not set). Run it in a desktop session, "
                    + "or use a headless command: ./criu-atlas --help");
            System.exit(2);
        }
        Application.launch(AtlasApp.class, args);
    }

    /**
     * One explorer window and what drives it; {@link #close()} stops its refresh timer (the shared
     * background pool belongs to the {@link WindowServices}).
     *
     * @param vm      the window's state
     * @param refresh the live refresh
     * @param view    the content
     * @param state   where its place, size and settings are remembered; null for windows that remember nothing
     */
    public record Window(Stage stage, ExplorerViewModel vm, RefreshController refresh, ExplorerView view,
                         ScheduledExecutorService timer, WindowState state) implements AutoCloseable {
        /** Remembers the window's place, size, dividers, theme and refresh interval (no-op without a state). */
        public void saveState() {
            if (state == null) return;
            state.save(stage);
            state.theme(view.theme());
            state.interval(refresh.intervalSecondsProperty().get());
            state.saveDividers("main", view.mainSplit().getDividerPositions());
            state.saveDividers("centre", view.centreSplit().getDividerPositions());
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    private MainWindow main;
    /** This machine as the window reaches it: in this process when root, else through a privileged bridge (made in init, off the FX thread). */
    private org.criuatlas.host.bridge.BridgeLauncher.Choice machine;
    private java.util.concurrent.ExecutorService pool;

    @Override
    public void init() {
        // the JavaFX launcher thread, not the FX thread: starting a bridge blocks (pkexec asks the person)
        pool = WindowServices.newPool();
        machine = org.criuatlas.host.bridge.BridgeLauncher.forThisMachine(pool);
        System.getLogger(AtlasApp.class.getName()).log(System.Logger.Level.INFO, "this machine: {0}", machine.how());
    }

    /**
     * Builds and shows an explorer in {@code stage}. Scans run on the services' background pool;
     * the first one starts at once. {@code state} may be null (tests, image views): nothing is
     * remembered then.
     */
    public static Window open(Stage stage, WindowServices services, GraphSource source, WindowState state, boolean periodic) {
        Window w = explorer(stage, services, source, state);
        ExplorerView view = w.view();
        Scene scene = new Scene(view, 1400, 880);
        if (state != null) services.themes().set(state.theme());
        view.install(scene, services.themes());
        stage.setTitle("CRIU Atlas");
        AtlasIcons.install(stage);
        stage.setScene(scene);
        if (state != null) {
            state.restore(stage);
            view.mainSplit().setDividerPositions(state.loadDividers("main", new double[]{0.22, 0.78}));
            view.centreSplit().setDividerPositions(state.loadDividers("centre", new double[]{0.7}));
        }
        stage.show();
        return refreshing(w, periodic);
    }

    /**
     * An explorer for a view that {@code stage} already shows in its scene (another host's tab, {@link HostTabs}): no
     * scene or title of its own, the theme followed, the refresh started as {@link #open} does; nothing remembered.
     */
    static Window embed(Stage stage, WindowServices services, GraphSource source) {
        Window w = explorer(stage, services, source, null);
        w.view().follow(services.themes());
        return refreshing(w, true);
    }

    /** The model, the refresh (at {@code state}'s interval, when given) and the view of one explorer, not refreshing yet. */
    private static Window explorer(Stage stage, WindowServices services, GraphSource source, WindowState state) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "atlas-refresh-timer");
            t.setDaemon(true);
            return t;
        });
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel(services.planner()));
        RefreshController refresh = new RefreshController(source, services.background(), services.ui(), vm);
        if (state != null) refresh.intervalSecondsProperty().set(state.interval());
        return new Window(stage, vm, refresh, new ExplorerView(vm, refresh), timer, state);
    }

    /** The first scan at once, then (when {@code periodic}) one per interval. */
    private static Window refreshing(Window w, boolean periodic) {
        w.refresh().refreshNow();
        if (periodic) w.refresh().startTimer(w.timer());
        return w;
    }

    /** The live host's snapshots, or a made-up snapshot when {@value #DEMO_PROPERTY} is set. */
    static GraphSource defaultSource(Host host) {
        String demo = System.getProperty(DEMO_PROPERTY, "");
        if (demo.equals("large")) return () -> SyntheticGraphs.large(5000, 10000, 1);
        if (!demo.isEmpty()) return () -> SyntheticGraphs.workstation(300, 7);
        return host::scan;
    }

    @Override
    public void start(Stage stage) {
        // the plan's command names the folder the dump window suggests too
        DumpPlanning planner = new PlannerAdapter(Path.of(System.getProperty("user.home"), "criu-atlas-dumps"));
        WindowServices services = machine != null ? WindowServices.forApp(planner, machine.host(), pool) : WindowServices.forApp(planner);
        Window window = open(stage, services, defaultSource(services.host()), WindowState.forApp(), true);
        main = MainWindow.install(window, services);
        // ./criu-atlas DIR: Main routes a single directory here; it opens as an image view
        main.images().openArguments(getParameters().getRaw());
        main.offerCriuSetupWhenMissing();
    }

    @Override
    public void stop() {
        MainWindow m = main;
        if (m != null) m.shutDown();
    }
}
