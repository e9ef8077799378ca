package org.criuatlas.ui;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.ui.plan.DumpPlanning;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.GraphSource;
import org.criuatlas.ui.vm.PlanViewModel;
import org.criuatlas.ui.vm.RefreshController;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** The JavaFX application: wires the live source, the view-models and the explorer view. */
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
     * One explorer window and what drives it; {@link #close()} stops its threads.
     *
     * @param vm      the window's state
     * @param refresh the live refresh
     * @param view    the content
     */
    public record Window(Stage stage, ExplorerViewModel vm, RefreshController refresh, ExplorerView view,
                         ExecutorService background, ScheduledExecutorService timer) implements AutoCloseable {
        @Override
        public void close() {
            timer.shutdownNow();
            background.shutdownNow();
        }
    }

    private Window window;
    private WindowOperations operations;

    /**
     * Builds and shows the explorer in {@code stage}. Scans run on a background thread; the first
     * one starts at once. {@code state} may be null (tests): nothing is remembered then.
     */
    public static Window open(Stage stage, GraphSource source, DumpPlanning planner, WindowState state,
                              boolean periodic) {
        ExecutorService background = Executors.newSingleThreadExecutor(daemon("atlas-scan"));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("atlas-refresh-timer"));
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel(planner));
        RefreshController refresh = new RefreshController(source, background, UiThread.EXECUTOR, vm);
        if (state != null) refresh.intervalSecondsProperty().set(state.interval());
        ExplorerView view = new ExplorerView(vm, refresh);
        Scene scene = new Scene(view, 1400, 880);
        view.install(scene, state == null ? Theme.LIGHT : state.theme());
        stage.setTitle("CRIU Atlas");
        AtlasIcons.install(stage);
        stage.setScene(scene);
        if (state != null) {
            state.restore(stage);
            view.mainSplit().setDividerPositions(state.loadDividers("main", new double[]{0.22, 0.78}));
            view.centreSplit().setDividerPositions(state.loadDividers("centre", new double[]{0.7}));
            stage.setOnCloseRequest(e -> {
                state.save(stage);
                state.theme(view.theme());
                state.interval(refresh.intervalSecondsProperty().get());
                state.saveDividers("main", view.mainSplit().getDividerPositions());
                state.saveDividers("centre", view.centreSplit().getDividerPositions());
            });
        }
        stage.show();
        Window w = new Window(stage, vm, refresh, view, background, timer);
        refresh.refreshNow();
        if (periodic) refresh.startTimer(timer);
        background.execute(() -> {
            String status = CriuStatusProbe.probe();
            UiThread.run(() -> vm.criuStatusProperty().set(status));
        });
        return w;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The live scanner, or a made-up snapshot when {@value #DEMO_PROPERTY} is set. */
    static GraphSource defaultSource() {
        String demo = System.getProperty(DEMO_PROPERTY, "");
        if (demo.equals("large")) return () -> SyntheticGraphs.large(5000, 10000, 1);
        if (!demo.isEmpty()) return () -> SyntheticGraphs.workstation(300, 7);
        Supplier<GraphSource> live = LiveSource::create;
        return live.get();
    }

    @Override
    public void start(Stage stage) {
        DumpPlanning planner = new PlannerAdapter(CriuLocator.atlasHome().resolve("dumps"));
        window = open(stage, defaultSource(), planner, WindowState.forApp(), true);
        operations = WindowOperations.install(window, planner, new org.criuatlas.ui.demos.DemoRunner());
        // ./criu-atlas DIR: Main routes a single directory here; it opens as an image view
        operations.openArguments(getParameters().getRaw());
        operations.offerCriuSetupWhenMissing();
    }

    @Override
    public void stop() {
        if (window != null) window.close();
        // killing and reaping the demos waits for processes: not on the FX thread; a non-daemon
        // thread keeps the JVM alive until it is done
        WindowOperations ops = operations;
        if (ops != null) {
            Thread t = new Thread(ops::close, "atlas-stop-demos");
            t.setDaemon(false);
            t.start();
        }
    }
}
