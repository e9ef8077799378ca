package org.criuatlas.restore;

import org.criuatlas.bridge.criu.CriuEvent;

import java.time.Instant;

/** Progress of a restore job, in order, on background threads. */
public sealed interface RestoreEvent {
    Instant at();

    /** A step of CRIU Atlas's own (waiting for pids, building the wiring, starting destinations). */
    record Step(String name, String detail, Instant at) implements RestoreEvent {}

    /** Something the CRIU session reported (stages, log lines, output, the result). */
    record Criu(CriuEvent event, Instant at) implements RestoreEvent {}
}
