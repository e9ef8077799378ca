package org.criuatlas.plan;

import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.log.CriuLogParser;

import java.util.List;

/**
 * The error line the planner predicts CRIU will print when a dump fails
 * ({@code Error (<where>): <text>}), with the real inodes/pids filled in. Which errors exist, and how a
 * real log line is recognised as one, lives in the one vocabulary {@link CriuErrorKind}, shared with the
 * log diagnoser. Every text was observed on this machine; see docs/dump-rules.md for the experiments.
 *
 * @param kind  which error
 * @param where the {@code file:line} CRIU 4.1.1 prints
 * @param text  the message text as CRIU prints it
 */
public record CriuError(CriuErrorKind kind, String where, String text) {

    /** The line as it appears in the log (without the timestamp). */
    public String line() { return "Error (" + where + "): " + text; }

    static CriuError of(CriuErrorKind k, String text) {
        if (k.phase != CriuErrorKind.Phase.DUMP) throw new IllegalArgumentException(k + " is not a dump error");
        CriuError e = new CriuError(k, k.where, text);
        // with assertions on (every test run): the line promised is the line the diagnoser would recognise
        assert e.recognisedAsItsKind() : "the diagnoser does not recognise the predicted line as " + k + ": " + e.line();
        return e;
    }

    /** True when a log holding this line is diagnosed as this kind, and the vocabulary matches the whole line. */
    boolean recognisedAsItsKind() {
        // a where without a line number (the text was read in CRIU's source, not measured) is logged with one
        String logged = "(00.000001) Error (" + (where.contains(":") ? where : where + ":0") + "): " + text;
        List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(List.of(CriuLogParser.parseLine(1, logged)), true);
        return kind.matchesLogLine(logged) && !ds.isEmpty() && ds.get(0).kind() == kind;
    }

    @Override
    public String toString() { return line(); }
}
