package org.criuatlas.host.migrate;

import org.criuatlas.host.HostEvent;

import java.time.Instant;

/** Progress of a migration, in order, on the migration's threads (marshal to the UI yourself). */
public sealed interface MigrationEvent {
    Instant at();

    /** The stages of a move. */
    enum Stage {
        PREFLIGHT("Preflight"), DUMP("Dump"), TRANSFER("Transfer"), RESTORE("Restore"), CHECK("Check");

        private final String label;

        Stage(String label) { this.label = label; }

        public String label() { return label; }
    }

    /** A stage started ({@code done} false) or ended ({@code done} true); {@code text} says what happened. */
    record StageChange(Stage stage, boolean done, String text, Instant at) implements MigrationEvent {}

    /** The preflight's findings (once, before the dump). */
    record Checked(Preflight preflight, Instant at) implements MigrationEvent {}

    /** Bytes of images moved so far, of {@code total}; {@code file} is the last one written. */
    record Bytes(long done, long total, int files, int filesTotal, String file, Instant at) implements MigrationEvent {}

    /** An event of the source's dump or the target's restore. */
    record OnHost(Stage stage, HostEvent event, Instant at) implements MigrationEvent {
        public OnHost(Stage stage, HostEvent event) {
            this(stage, event, event.at());
        }
    }
}
