package org.criuatlas.ui.loglens;

import org.criuatlas.bridge.criu.log.CriuLogLine;

/** One line of the table, with the texts its columns show. */
public record LogRow(CriuLogLine line) {
    public int number() { return line.number(); }

    public String timeText() {
        var t = line.time();
        return t == null ? "" : String.format("%d.%06d", t.getSeconds(), t.getNano() / 1000);
    }

    public String pidText() {
        return line.taskPid() == null ? "" : line.taskPid().toString();
    }

    public String levelText() {
        return switch (line.level()) {
            case ERROR -> "Error";
            case WARN -> "Warn";
            case INFO -> "";
        };
    }

    public String source() { return line.source(); }

    public String message() { return line.message(); }
}
