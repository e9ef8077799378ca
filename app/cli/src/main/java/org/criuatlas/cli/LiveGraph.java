package org.criuatlas.cli;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.model.IpcGraph;

/** One live snapshot of the whole machine for headless commands. */
final class LiveGraph {
    private LiveGraph() {}

    /** The whole machine; a scan that fails is a {@link ExitCode#UNREADABLE} failure. */
    static IpcGraph scan() {
        return scan(ScanScope.everything());
    }

    static IpcGraph scan(ScanScope scope) {
        try (LiveScanner s = new LiveScanner()) {
            return s.scan(scope);
        } catch (RuntimeException e) {
            throw new CliException(ExitCode.UNREADABLE, "cannot scan the machine: " + e.getMessage(), e);
        }
    }
}
