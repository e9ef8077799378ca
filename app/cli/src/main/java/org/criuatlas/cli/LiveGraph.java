package org.criuatlas.cli;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;

/** One live snapshot of the whole machine for headless commands. */
final class LiveGraph {
    private LiveGraph() {}

    static IpcGraph scan() {
        try (LiveScanner s = new LiveScanner()) {
            return s.scan();
        }
    }
}
