package org.criuatlas.bridge.images;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.RestoreObligation;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything read from one CRIU image directory.
 *
 * @param dir          the directory
 * @param imgVersion   inventory img_version (2 for every modern CRIU)
 * @param criuRunId    the dump's run id (CRIU 3.18+), empty when absent
 * @param graph        the processes, fds, sockets and pipes, in the same model a live scan gives
 * @param obligations  what a restore must be handed (objects whose other end was outside the dump)
 * @param dumpStats    stats-dump, null when the directory has none (written to the work dir)
 * @param restoreStats stats-restore, null when the directory has none
 * @param imageCount   how many files the directory holds
 * @param restoreFlags the options a restore needs because of what the dump holds (TCP connections, file locks)
 */
public record ImageDump(Path dir, int imgVersion, String criuRunId, IpcGraph graph,
                        List<RestoreObligation> obligations, CriuStats.Dump dumpStats, CriuStats.Restore restoreStats,
                        int imageCount, RestoreFlags restoreFlags) {
    public ImageDump {
        obligations = List.copyOf(obligations);
        criuRunId = criuRunId == null ? "" : criuRunId;
        restoreFlags = restoreFlags == null ? RestoreFlags.NONE : restoreFlags;
    }

    /** A dump whose restore needs no option because of what it holds. */
    public ImageDump(Path dir, int imgVersion, String criuRunId, IpcGraph graph, List<RestoreObligation> obligations,
                     CriuStats.Dump dumpStats, CriuStats.Restore restoreStats, int imageCount) {
        this(dir, imgVersion, criuRunId, graph, obligations, dumpStats, restoreStats, imageCount, RestoreFlags.NONE);
    }
}
