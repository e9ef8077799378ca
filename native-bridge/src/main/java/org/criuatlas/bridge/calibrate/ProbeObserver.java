package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.topo.Topology;

import java.nio.file.Path;

/**
 * Sees each dump while its evidence still exists: the probe's running topology (its processes
 * and manifest) and the images directory with CRIU's log, before the images are deleted and the
 * tree is torn down. For tests that check a cell against what CRIU and the kernel left behind.
 * Called on the engine's worker threads; must not keep the topology.
 */
@FunctionalInterface
public interface ProbeObserver {
    ProbeObserver NONE = (entry, topology, images, root) -> {};

    /**
     * @param entry    the cell as the engine recorded it (restore variants: before the restore)
     * @param topology the probe's tree, still running unless the dump was made without --leave-running
     * @param images   the images directory (dump.log, *.img)
     * @param root     pid of the dumped tree's root
     */
    void afterDump(CalibrationEntry entry, Topology topology, Path images, int root) throws Exception;
}
