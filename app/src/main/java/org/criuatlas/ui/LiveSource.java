package org.criuatlas.ui;

import org.criuatlas.ui.vm.GraphSource;

/** The live snapshot source of the window (the scanner of org.criuatlas.bridge.scan). */
final class LiveSource {
    private LiveSource() {}

    static GraphSource create() {
        return () -> {
            throw new IllegalStateException("the live scanner is not in this build yet; "
                    + "run with -D" + AtlasApp.DEMO_PROPERTY + "=workstation for a made-up snapshot");
        };
    }
}
