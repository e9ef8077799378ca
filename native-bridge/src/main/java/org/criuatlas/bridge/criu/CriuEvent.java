package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuLogLine;

import java.time.Instant;

/** Something a running CRIU session reports, in order, on the session's own thread. */
public sealed interface CriuEvent {
    Instant at();

    /** A notification stage ({@code pre-dump}, {@code post-restore}, ...); pid only for post-restore/setup-namespaces. */
    record Stage(String name, Integer pid, Instant at) implements CriuEvent {}

    /** A line CRIU wrote to its log file, as it wrote it. */
    record LogLine(CriuLogLine line, Instant at) implements CriuEvent {}

    /** A line criu wrote to stdout/stderr (errors before its log is set up land here). */
    record Output(String line, Instant at) implements CriuEvent {}

    /** The final result; always the last event. */
    record Finished(CriuResult result, Instant at) implements CriuEvent {}
}
