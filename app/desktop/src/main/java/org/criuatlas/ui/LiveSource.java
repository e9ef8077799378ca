package org.criuatlas.ui;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.ui.vm.GraphSource;

/** The live snapshot source of the window: one scanner, reused for every refresh (its pool lives with it). */
final class LiveSource {
    private LiveSource() {}

    static GraphSource create() {
        LiveScanner scanner = new LiveScanner();
        return scanner::scan;
    }
}
