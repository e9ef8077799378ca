package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuEvent;

import java.nio.file.Path;
import java.time.Instant;

/** Progress of a host operation, in order, on the host's threads (marshal to the UI yourself). */
public sealed interface HostEvent {
    Instant at();

    /** A dump's folder is ready: the images and criu's log go here. */
    record ImagesFolderReady(Path dir, Path logFile, Instant at) implements HostEvent {}

    /** A step of CRIU Atlas's own (waiting for pids, building the restore wiring, starting destinations). */
    record Step(String name, String detail, Instant at) implements HostEvent {}

    /** What criu reported: a stage, a log line, output, the final result. */
    record Criu(CriuEvent event, Instant at) implements HostEvent {
        public Criu(CriuEvent event) {
            this(event, event.at());
        }
    }
}
