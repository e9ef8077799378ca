package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.images.CriuStats;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of one CRIU request. {@code success} is criu's own {@code criu_resp.success}, never the
 * exit status.
 *
 * @param request      which request ("dump", "restore", "check", "version", "feature-check")
 * @param success      criu's verdict
 * @param restoredPid  real pid of the restored root task (restore), null otherwise; criu may send it even
 *                     when the restore failed, so check {@code success} first
 * @param version      VERSION reply, null otherwise
 * @param crErrno      criu's errno for the failure, null if unset
 * @param crErrmsg     the run's FIRST error line (even on success; not the reason by itself)
 * @param stats        CRIU's dump/restore statistics, null if none were written
 * @param diagnoses    what went wrong, from the log (and criu's output)
 * @param stages       notification stages in the order they came
 * @param logFile      the log file, null if the request had none
 * @param outputTail   last lines criu wrote to stdout/stderr
 * @param workerExit   how the criu worker ended ("exit 0", "killed by signal 9")
 * @param elapsed      wall time from spawn to reply
 */
public record CriuResult(String request, boolean success, Integer restoredPid, CriuVersion version, Integer crErrno,
                         String crErrmsg, CriuStats stats, List<CriuDiagnosis> diagnoses,
                         List<CriuEvent.Stage> stages, Path logFile, List<String> outputTail, String workerExit,
                         Duration elapsed) {
    public CriuResult {
        diagnoses = List.copyOf(diagnoses);
        stages = List.copyOf(stages);
        outputTail = List.copyOf(outputTail);
    }

    public boolean has(CriuErrorKind kind) {
        return diagnoses.stream().anyMatch(d -> d.kind() == kind);
    }
}
