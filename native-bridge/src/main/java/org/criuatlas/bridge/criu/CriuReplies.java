package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.bridge.criu.proto.CriuRpc;
import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.bridge.images.ImageFormatException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a {@link CriuSession} makes of criu's reply once the worker is gone: the {@link CriuResult}. */
final class CriuReplies {
    private CriuReplies() {}

    /**
     * The result of {@code request} from criu's reply {@code r}: the restored pid, the version, the
     * statistics file of a dump or restore, the diagnoses of the log lines the follower kept and of
     * criu's own output, and the log file's path when it is kept ({@code logKept}: not CHECK's
     * temporary directory).
     */
    static CriuResult result(CriuRequest request, CriuOptions options, boolean logKept, CriuRpc.criu_resp r,
                             CriuLogFollower follower, CriuWorker worker, List<CriuEvent.Stage> st, Duration elapsed)
            throws ImageFormatException {
        boolean success = r.getSuccess();
        Integer restoredPid = r.hasRestore() && r.getRestore().hasPid() ? r.getRestore().getPid() : null;
        CriuVersion version = null;
        if (r.hasVersion()) {
            var v = r.getVersion();
            version = new CriuVersion(v.getMajorNumber(), v.getMinorNumber(), v.getSublevel(), v.hasGitid() ? v.getGitid() : null);
        }
        CriuStats stats = null;
        Path statsDir = options.workDir() != null ? options.workDir() : options.imagesDir();
        if (statsDir != null && request == CriuRequest.DUMP)
            stats = CriuStats.read(statsDir.resolve(CriuStats.DUMP_FILE)).orElse(null);
        if (statsDir != null && request == CriuRequest.RESTORE)
            stats = CriuStats.read(statsDir.resolve(CriuStats.RESTORE_FILE)).orElse(null);
        List<CriuLogLine> lines = new ArrayList<>();
        if (follower != null) lines.addAll(follower.linesForDiagnosis());
        // Errors raised before criu opened its log go to its stderr: diagnose those too.
        List<String> output = worker.outputTail();
        int n = 0;
        for (String s : output) lines.add(CriuLogParser.parseLine(--n, s));
        List<CriuDiagnosis> diagnoses = CriuDiagnoser.diagnose(lines, !success);
        Path logFile = null;
        if (follower != null && logKept) { // CHECK's temp dir is removed
            Path dir = options.workDir() != null ? options.workDir() : options.imagesDir();
            logFile = dir.resolve(options.logFile() != null ? options.logFile() : request.defaultLogFile());
        }
        return new CriuResult(request.word, success, restoredPid, version, r.hasCrErrno() ? r.getCrErrno() : null,
                r.hasCrErrmsg() ? r.getCrErrmsg().strip() : null, stats, diagnoses, st, logFile, output,
                worker.describeExit(), elapsed);
    }
}
