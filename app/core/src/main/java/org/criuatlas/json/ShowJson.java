package org.criuatlas.json;

import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.InheritKeyCheck;
import org.criuatlas.model.IpcGraph;

import java.util.List;

/**
 * {@code criu-atlas show DIR --json}: an image directory as the same graph as a live scan (processes,
 * sockets and pipes with the same fields), plus what only images have (docs/json.md, section show).
 */
public record ShowJson(int schema, String command, GraphJson.Meta meta, Image image, List<GraphJson.Process> processes,
                       List<GraphJson.Socket> sockets, List<GraphJson.InetSocketJson> inetSockets,
                       List<GraphJson.RemoteEndpointJson> remoteEndpoints, List<GraphJson.NetlinkSocketJson> netlinkSockets,
                       List<GraphJson.PacketSocketJson> packetSockets, List<GraphJson.PipeJson> pipes,
                       List<GraphJson.FileLockJson> fileLocks, List<GraphJson.SysvShmJson> sysvShm,
                       List<GraphJson.SysvSemaphoresJson> sysvSemaphores, List<GraphJson.SysvMessageQueueJson> sysvMessageQueues,
                       List<GraphJson.MountTableJson> mounts, List<GraphJson.SessionJson> sessions, List<GraphJson.Edge> edges,
                       List<GraphJson.Problem> problems, List<ObligationJson> obligations, StatsJson stats,
                       List<KeyFinding> inheritKeyFindings) {
    /** The directory and its inventory. */
    public record Image(String dir, int imgVersion, String criuRunId, int imageCount) {}

    /** A {@code --inherit-key} checked against the image: severity ERROR or WARNING. */
    public record KeyFinding(String severity, String key, String message) {}

    public static ShowJson of(ImageDump d, List<InheritKeyCheck.Finding> findings) {
        IpcGraph g = d.graph();
        GraphJson.Objects o = GraphJson.Objects.of(g);
        return new ShowJson(Json.SCHEMA_VERSION, "show", GraphJson.Meta.of(g.meta()),
                new Image(d.dir().toString(), d.imgVersion(), d.criuRunId(), d.imageCount()), GraphJson.processes(g),
                GraphJson.sockets(g), o.inetSockets(), o.remoteEndpoints(), o.netlinkSockets(), o.packetSockets(), GraphJson.pipes(g),
                o.fileLocks(), o.sysvShm(), o.sysvSemaphores(), o.sysvMessageQueues(), o.mounts(), o.sessions(), GraphJson.edges(g), GraphJson.problems(g), ObligationJson.of(d.obligations()),
                StatsJson.of(d.dumpStats(), d.restoreStats()),
                findings.stream().map(f -> new KeyFinding(f.severity().name(), f.key(), f.message())).toList());
    }
}
