package org.criuatlas.bridge.calibrate;

import java.util.List;

/**
 * The measured table of docs/dump-rules.md ("Calibration"), made from calibration reports so the
 * document says exactly what the facts say: one row per kind × variant of the catalogue, one
 * column per report (CRIU version), each cell the outcome and the first error line.
 */
public final class CalibrationTable {
    public static final String BEGIN = "<!-- calibration-table: generated from the built-in facts; do not edit -->";
    public static final String END = "<!-- /calibration-table -->";

    private CalibrationTable() {}

    public static String markdown(ProbeCatalogue catalogue, List<CalibrationReport> reports) {
        StringBuilder s = new StringBuilder(BEGIN).append("\n\n| kind | variant | flags |");
        for (CalibrationReport r : reports) s.append(" CRIU ").append(r.criuVersion()).append(" |");
        s.append("\n|---|---|---|");
        s.append("---|".repeat(reports.size())).append('\n');
        for (ProbeCatalogue.Kind k : catalogue.kinds()) {
            for (ProbeCatalogue.Variant v : k.variants()) {
                s.append("| `").append(k.id()).append("` | ").append(v.id()).append(" (").append(v.role()).append(") | ")
                        .append(v.options().flags().isEmpty() ? "–" : "`" + String.join(" ", v.options().flags()) + "`").append(" |");
                for (CalibrationReport r : reports)
                    s.append(' ').append(r.entry(k.id(), v.id()).map(CalibrationTable::cell).orElse("not measured")).append(" |");
                s.append('\n');
            }
        }
        return s.append('\n').append(END).append('\n').toString();
    }

    static String cell(CalibrationEntry e) {
        StringBuilder c = new StringBuilder("**").append(e.outcome()).append("**");
        if (e.error() != null) c.append(": `").append(e.error().text().replace("|", "\\|")).append("` (").append(e.error().where()).append(')');
        if (e.restore() != null) {
            c.append("; restore: **").append(e.restore()).append("**");
            if (e.restoreError() != null) c.append(" `").append(e.restoreError().text().replace("|", "\\|")).append('`');
            if (e.restore() == Outcome.restored_different && e.note() != null)
                c.append(" (").append(e.note().replaceAll("pid \\d+", "pid N").replaceAll(":\\d+\\b", ":PORT").replace("|", "\\|")).append(')');
        }
        if (e.outcome() == Outcome.unavailable || e.outcome() == Outcome.unknown || e.outcome() == Outcome.crashed)
            if (e.note() != null) c.append(" (").append(e.note().replace("|", "\\|")).append(')');
        return c.toString();
    }
}
