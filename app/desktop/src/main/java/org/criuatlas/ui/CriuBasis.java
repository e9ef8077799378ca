package org.criuatlas.ui;

import org.criuatlas.host.CriuStatus;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostInfo;
import org.criuatlas.plan.CriuTarget;
import org.criuatlas.plan.DumpPlanner;

/**
 * What the window's plans are based on: the {@link CriuTarget} of the host's CRIU (its version, the
 * kernel, the measured facts for them), handed to the planner, and its line in the status bar.
 */
final class CriuBasis {
    static final String RULES_ONLY = "rules only (not calibrated)";

    private CriuBasis() {}

    /**
     * The target for the CRIU the host uses. Blocking (runs {@code criu --version}, reads the
     * calibration cache): never on the FX thread.
     */
    static CriuTarget detect(Host host, CriuStatus status) {
        if (status == null || !status.found()) return CriuTarget.detect((java.nio.file.Path) null);
        HostInfo info = host.info();
        // this machine: ask its criu as the calibration engine does, so the user's result file is found;
        // through a bridge: the version the host reported, its kernel (the facts are read here)
        if (info.local()) return CriuTarget.detect(status.path());
        return CriuTarget.of(status.version(), info.kernel(), CriuTarget.selfNamespaces());
    }

    /** The status bar's line: "calibrated against CRIU 4.2.1 on Linux 6.18.44", "rules only (not calibrated)". */
    static String line(CriuTarget t) {
        return t.facts() == null ? RULES_ONLY : t.facts().describe();
    }

    /**
     * Detects the target for {@code status}, makes it the planner's default (plans made from now on
     * use its facts) and shows its line in {@code window}'s status bar. Blocking: a background thread.
     */
    static void apply(WindowServices services, AtlasApp.Window window, CriuStatus status) {
        CriuTarget t;
        try {
            t = detect(services.host(), status);
        } catch (RuntimeException e) {
            System.getLogger(CriuBasis.class.getName()).log(System.Logger.Level.WARNING, "cannot tell which CRIU the plans are for", e);
            t = CriuTarget.RULES;
        }
        DumpPlanner.setDefaultTarget(t);
        String line = line(t);
        services.ui().execute(() -> window.vm().criuBasisProperty().set(line));
    }
}
