package org.criuatlas.json;

import org.criuatlas.model.IpcGraph;

import java.util.List;

/** {@code criu-atlas scan --json}: a live snapshot (docs/json.md, section scan). */
public record ScanJson(int schema, String command, GraphJson.Meta meta, List<GraphJson.Process> processes,
                       List<GraphJson.Socket> sockets, List<GraphJson.PipeJson> pipes, List<GraphJson.Edge> edges,
                       List<GraphJson.Problem> problems) {
    public static ScanJson of(IpcGraph g) {
        return new ScanJson(Json.SCHEMA_VERSION, "scan", GraphJson.Meta.of(g.meta()), GraphJson.processes(g), GraphJson.sockets(g),
                GraphJson.pipes(g), GraphJson.edges(g), GraphJson.problems(g));
    }
}
