package org.criuatlas.ui;

import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;

/** Small snapshots with a known shape for UI tests that do not need real processes. */
final class Fixtures {
    private Fixtures() {}

    /** supervisor(100) holds one end of a socketpair whose other end worker(101) holds; worker pipes into helper(102). */
    record Dangling(IpcGraph graph, int supervisor, int worker, int helper, long supervisorEnd, long workerEnd) {}

    static Dangling dangling() {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init", "/sbin/init");
        b.process(100, 1, "supervisor", "supervisor", "--watch");
        b.process(101, 100, "worker", "worker", "--serve");
        b.process(102, 101, "helper", "helper");
        long[] pair = b.pair(100, 101, SocketType.STREAM, null);
        b.pipe(101, 102);
        return new Dangling(b.build(), 100, 101, 102, pair[0], pair[1]);
    }
}
