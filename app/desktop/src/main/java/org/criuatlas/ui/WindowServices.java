package org.criuatlas.ui;

import javafx.application.Platform;
import org.criuatlas.host.Host;
import org.criuatlas.host.LocalHost;
import org.criuatlas.ui.demos.DemoRunner;
import org.criuatlas.ui.fx.FxThread;
import org.criuatlas.ui.plan.DumpPlanning;
import org.criuatlas.ui.theme.Themes;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The one services object every controller of the window shares (injected, never looked up): the
 * {@link Host} the window works on, where background work runs and how results reach the FX thread
 * (both swappable in tests), the planner, the demos, the application-wide theme, how the
 * application ends, and where its log is.
 *
 * @param host            everything asked of a machine (scan, CRIU, dump, restore, images, logs)
 * @param background      blocking work of the window (host questions, waits); never the FX thread
 * @param ui              the FX-thread hand-off ({@link FxThread#EXECUTOR} in the app)
 * @param planner         the pure dump planner, as the window sees it
 * @param demos           starts and stops the demo process trees (on this machine)
 * @param themes          the theme of every window
 * @param exitApplication ends the application once the main window closed (Platform::exit; tests record it)
 * @param logFile         the application's log file, when logging writes one
 */
public record WindowServices(Host host, ExecutorService background, Executor ui, DumpPlanning planner,
                             DemoRunner demos, Themes themes, Runnable exitApplication,
                             Supplier<Optional<Path>> logFile) {
    public WindowServices {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(ui, "ui");
        Objects.requireNonNull(planner, "planner");
        Objects.requireNonNull(demos, "demos");
        Objects.requireNonNull(themes, "themes");
        Objects.requireNonNull(exitApplication, "exitApplication");
        logFile = logFile == null ? LOG_FILE : logFile;
    }

    /**
     * The single hook for the log file's location. The logging facade (issue 11, "core11") sets
     * {@code criuatlas.log.file} when it writes a rotating log; until then the About box says there is none.
     */
    public static final Supplier<Optional<Path>> LOG_FILE = () -> Optional.of(org.criuatlas.logging.AtlasLog.file());

    /** The application's services: this machine, one daemon pool, the FX thread. */
    public static WindowServices forApp(DumpPlanning planner) {
        ExecutorService pool = newPool();
        return forApp(planner, new LocalHost(pool), pool);
    }

    /** The application's services over {@code host} (this machine as {@code BridgeLauncher} reached it) and {@code pool}. */
    public static WindowServices forApp(DumpPlanning planner, Host host, ExecutorService pool) {
        return new WindowServices(host, pool, FxThread.EXECUTOR, planner, new DemoRunner(), new Themes(),
                Platform::exit, LOG_FILE);
    }

    /** Services over {@code host} with a fresh pool (tests swap the parts they drive with the with* methods). */
    public static WindowServices of(Host host, DumpPlanning planner) {
        return new WindowServices(host, newPool(), FxThread.EXECUTOR, planner, new DemoRunner(), new Themes(),
                Platform::exit, LOG_FILE);
    }

    public WindowServices withHost(Host h) {
        return new WindowServices(h, background, ui, planner, demos, themes, exitApplication, logFile);
    }

    public WindowServices withExitApplication(Runnable r) {
        return new WindowServices(host, background, ui, planner, demos, themes, r, logFile);
    }

    public WindowServices withDemos(DemoRunner d) {
        return new WindowServices(host, background, ui, planner, d, themes, exitApplication, logFile);
    }

    /** A cached pool of daemon threads named for thread dumps. */
    public static ExecutorService newPool() {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "atlas-work");
            t.setDaemon(true);
            return t;
        });
    }
}
