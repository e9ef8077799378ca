package org.criuatlas.json;

import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;

import java.util.List;

/**
 * {@code criu-atlas dump --json} and {@code restore --json} (also the two parts of {@code check}): what
 * CRIU answered. {@code success} comes from CRIU's reply, never from its exit status. When CRIU never
 * answered, {@code success} is false and {@code error}/{@code errorType} say why (docs/json.md).
 */
public record CriuRunJson(int schema, String command, String request, boolean success, Integer restoredPid, String criuVersion,
                          Integer crErrno, String crErrmsg, StatsJson stats, List<Diagnosis> diagnoses, List<Stage> stages,
                          String logFile, String workerExit, Long elapsedMs, String criuCommand, String error, String errorType) {
    /**
     * A typed diagnosis: {@code kind} is the CRIU error (the same names as a plan's {@code firstError.kind}),
     * {@code dumpedIno}/{@code outsideIno} the sockets it concerns, {@code logLine} where the log shows it.
     */
    public record Diagnosis(String kind, String what, String fix, Long dumpedIno, Long outsideIno, List<Integer> pids, int logLine,
                            String evidence) {
        static Diagnosis of(CriuDiagnosis d) {
            return new Diagnosis(d.kind().name(), d.what(), d.fix(), d.dumpedInode(), d.outsideInode(), d.pids(), d.logLine(), d.evidence());
        }
    }

    /** A notify stage CRIU reported (pre-dump, post-dump, ...), with the time it came. */
    public record Stage(String name, Integer pid, String at) {}

    public static CriuRunJson of(String command, CriuResult r, String criuCommand) {
        return new CriuRunJson(Json.SCHEMA_VERSION, command, r.request(), r.success(), r.restoredPid(),
                r.version() == null ? null : r.version().toString(), r.crErrno(), r.crErrmsg(),
                r.stats() == null ? null : StatsJson.of(r.stats().dump(), r.stats().restore()),
                r.diagnoses().stream().map(Diagnosis::of).toList(),
                r.stages().stream().map(s -> new Stage(s.name(), s.pid(), s.at().toString())).toList(),
                r.logFile() == null ? null : r.logFile().toString(), r.workerExit(), r.elapsed().toMillis(), criuCommand, null, null);
    }

    /** CRIU never answered: why. */
    public static CriuRunJson noReply(String command, String request, Exception e) {
        return new CriuRunJson(Json.SCHEMA_VERSION, command, request, false, null, null, null, null, null, List.of(), List.of(), null,
                null, null, null, e.getMessage(), e.getClass().getSimpleName());
    }
}
