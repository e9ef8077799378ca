package org.criuatlas.ui.vm;

import org.criuatlas.model.IpcGraph;

/** Where snapshots come from: a live scan, an image directory, or a fixed graph in tests. Called off the FX thread. */
@FunctionalInterface
public interface GraphSource {
    IpcGraph scan() throws Exception;
}
