package org.criuatlas.ui;

import javafx.stage.Stage;
import org.criuatlas.host.Host;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.Podman;
import org.criuatlas.testing.PodmanSetup;
import org.criuatlas.ui.container.ContainerDialog;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;

/**
 * The fixture of the container window tests: this machine as the host, with real podman, runc and CRIU
 * (scripts/setup-podman.sh), and the main window on it once {@link #open() opened}, collecting the
 * container dialogs it opens. The test's containers are removed when it starts and when it is closed;
 * closing also closes every window and stops the host.
 */
final class PodmanWindow implements AutoCloseable {
    /** podman's environment (its private configuration), as scripts/setup-podman.sh prints it. */
    final Map<String, String> env;
    final Stage stage;
    final Host host;
    final WindowServices services;
    /** The container dialogs the window opened, in order. */
    final List<ContainerDialog> dialogs = new CopyOnWriteArrayList<>();
    private final ExecutorService pool;
    private final List<String> containers;
    private MainWindow main;

    private PodmanWindow(Path tmp, List<String> containers, boolean bridge) throws Exception {
        this.env = PodmanSetup.env();
        this.containers = containers;
        removeContainers();
        this.stage = UiTestSupport.primaryStage();
        this.pool = WindowServices.newPool();
        this.host = bridge ? bridge(env) : new LocalHost(LocalHost.Parts.real(pool), new Podman("podman", env));
        this.services = new WindowServices(host, pool, org.criuatlas.ui.fx.FxThread.EXECUTOR,
                new PlannerAdapter(tmp.resolve("dumps")), new org.criuatlas.ui.demos.DemoRunner(), new org.criuatlas.ui.theme.Themes(),
                () -> {}, null);
    }

    /** The host and services, with no container of these names left from an earlier run; dumps go under {@code tmp}. */
    static PodmanWindow start(Path tmp, String... containers) throws Exception {
        return new PodmanWindow(tmp, List.of(containers), false);
    }

    /**
     * As {@link #start}, with the host behind a real {@code criu-atlas bridge} process (this test's class path, podman's
     * environment), told the request came from {@code nobody} as pkexec would tell it: what the window does as an
     * ordinary user with its bridge as root.
     */
    static PodmanWindow startThroughBridge(Path tmp, String... containers) throws Exception {
        return new PodmanWindow(tmp, List.of(containers), true);
    }

    static final int NOBODY = 65534;

    private static org.criuatlas.host.bridge.BridgeHost bridge(Map<String, String> env) {
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "PKEXEC_UID=" + NOBODY));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.criuatlas.Main", "bridge"));
        return org.criuatlas.host.bridge.BridgeLauncher.spawn(cmd, "this machine", "through the test launcher");
    }

    /** Opens the main window on the live graph of the host. */
    MainWindow open() throws Exception {
        main = UiTestSupport.openMain(stage, services, host::scan);
        main.setOnContainerDialog(dialogs::add);
        return main;
    }

    private void removeContainers() throws Exception {
        for (String c : containers) PodmanSetup.podman("rm", "-f", "-t", "0", c);
    }

    @Override
    public void close() throws Exception {
        try {
            removeContainers();
            if (main != null) {
                MainWindow m = main;
                FxToolkit.setupFixture(() -> {
                    for (javafx.stage.Window win : List.copyOf(javafx.stage.Window.getWindows()))
                        if (win != stage && win instanceof Stage s) s.close();
                    m.window().close();
                    stage.hide();
                });
            }
        } finally {
            host.close();
            pool.shutdownNow();
        }
    }
}
