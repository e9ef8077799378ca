package org.criuatlas.ui;

import javafx.stage.Stage;
import org.criuatlas.host.CriuStatus;

import java.util.concurrent.CompletableFuture;

/**
 * The Help menu's actions of one explorer (this machine's or another host's tab): CRIU's set-up, its
 * calibration and the About box, each asking its host off the FX thread.
 */
final class HelpActions {
    private final AtlasApp.Window window;
    private final WindowServices services;

    HelpActions(AtlasApp.Window window, WindowServices services) {
        this.window = window;
        this.services = services;
    }

    /** Help &gt; Set up CRIU…: on success the window asks the host again which criu it uses. */
    CriuSetupDialog openCriuSetup() {
        return CriuSetupDialog.open(window.stage(), services.themes().get(), criu -> recheckCriu());
    }

    private void recheckCriu() {
        services.background().execute(() -> {
            CriuStatus s = services.host().criuStatus();
            services.ui().execute(() -> window.vm().criuStatusProperty().set(s));
            CriuBasis.apply(services, window, s);
        });
    }

    /**
     * Help &gt; Calibrate CRIU…: the host's calibration with progress and Cancel; when it is done the
     * plans' basis is read again (off the FX thread). Through a bridge the host keeps its result in its
     * own user's cache, so the window keeps a copy in this user's, where the planner here reads it.
     */
    CalibrateDialog openCalibrate() {
        return CalibrateDialog.open(window.stage(), services, report -> {
            CriuStatus s = window.vm().criuStatusProperty().get();
            services.background().execute(() -> {
                CriuStatus now = s.found() ? s : services.host().criuStatus();
                if (!services.host().info().local()) {
                    try {
                        report.write(report.cacheFile());
                    } catch (java.io.IOException e) {
                        System.getLogger(HelpActions.class.getName()).log(System.Logger.Level.WARNING,
                                "cannot keep the calibration in " + report.cacheFile(), e);
                    }
                }
                CriuBasis.apply(services, window, now);
            });
        });
    }

    /**
     * First use as root: when no criu was found, the setup dialog opens (it asks before it
     * downloads anything). Without root nothing opens: the window works without CRIU.
     */
    void offerCriuSetupWhenMissing() {
        services.background().execute(() -> {
            CriuStatus s = services.host().criuStatus();
            if (s.path() == null && org.criuatlas.bridge.criu.CriuProvisioning.asRoot())
                services.ui().execute(this::openCriuSetup);
        });
    }

    /** Help &gt; About: the facts are gathered off the FX thread, then the box opens. */
    CompletableFuture<Stage> openAbout() {
        return AboutBox.gather(services, window.vm().criuStatusProperty().get())
                .thenApplyAsync(f -> AboutBox.show(window.stage(), services, f), services.ui());
    }
}
