package org.criuatlas.cli;

import org.criuatlas.model.IpcGraph;

/** Public door to {@link LiveGraph} for benchmarks outside this package. */
public final class LiveGraphAccess {
    private LiveGraphAccess() {}

    public static IpcGraph scan() { return LiveGraph.scan(); }
}
