package org.criuatlas.json;

import org.criuatlas.model.IpcGraph;

import java.util.List;

/** {@code criu-atlas scan --json}: a live snapshot (docs/json.md, section scan; every field in docs/scan-json.md). */
public record ScanJson(int schema, String command, GraphJson.Meta meta, List<GraphJson.Process> processes,
                       List<GraphJson.Socket> sockets, List<GraphJson.InetSocketJson> inetSockets,
                       List<GraphJson.RemoteEndpointJson> remoteEndpoints, List<GraphJson.NetlinkSocketJson> netlinkSockets,
                       List<GraphJson.PacketSocketJson> packetSockets, List<GraphJson.PipeJson> pipes,
                       List<GraphJson.FileLockJson> fileLocks, List<GraphJson.SysvShmJson> sysvShm,
                       List<GraphJson.SysvSemaphoresJson> sysvSemaphores, List<GraphJson.SysvMessageQueueJson> sysvMessageQueues,
                       List<GraphJson.MountTableJson> mounts, List<GraphJson.SessionJson> sessions, List<GraphJson.Edge> edges,
                       List<GraphJson.Problem> problems) {
    public static ScanJson of(IpcGraph g) {
        GraphJson.Objects o = GraphJson.Objects.of(g);
        return new ScanJson(Json.SCHEMA_VERSION, "scan", GraphJson.Meta.of(g.meta()), GraphJson.processes(g), GraphJson.sockets(g),
                o.inetSockets(), o.remoteEndpoints(), o.netlinkSockets(), o.packetSockets(), GraphJson.pipes(g), o.fileLocks(),
                o.sysvShm(), o.sysvSemaphores(), o.sysvMessageQueues(), o.mounts(), o.sessions(), GraphJson.edges(g),
                GraphJson.problems(g));
    }
}
