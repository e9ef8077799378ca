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

    /**
     * A line criu wrote to stdout/stderr (errors before its log is set up land here), or a {@linkplain #note note} of
     * CRIU Atlas's own about the run among them.
     */
    record Output(String line, Instant at) implements CriuEvent {
        private static final String NOTE = "(criu-atlas) ";

        /** A line of CRIU Atlas's own about the run (e.g. log lines a bridge left out), marked so that it is never taken for criu's. */
        public static Output note(String text, Instant at) {
            return new Output(NOTE + text, at);
        }

        /** True for a {@link #note}: a line shown as CRIU Atlas's, not labelled as criu's. */
        public boolean byAtlas() {
            return line.startsWith(NOTE);
        }
    }

    /** The final result; always the last event. */
    record Finished(CriuResult result, Instant at) implements CriuEvent {}
}
