package org.criuatlas.host.migrate;

import org.criuatlas.host.KeptWiring;
import org.criuatlas.host.migrate.MigrationEvent.Stage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** How a migration ended. Only {@link Moved} means the tree runs on the target. */
public sealed interface MigrationOutcome {
    /** The preflight found something that blocks: nothing was done, the tree runs on the source as before. */
    record Refused(Preflight preflight) implements MigrationOutcome {}

    /**
     * The tree runs on the target.
     *
     * @param sourceImages the dump's folder on the source (kept)
     * @param targetImages the folder the images were received into on the target
     * @param bytes        image bytes moved
     * @param files        image files moved
     * @param wiring       the restored tree's kept ends on the target (close it to stop consoles and relays)
     * @param took         how long each stage took
     */
    record Moved(Preflight preflight, Path sourceImages, Path targetImages, int rootPid, List<Integer> pids, long bytes, int files,
                 KeptWiring wiring, Map<Stage, Duration> took) implements MigrationOutcome {}

    /**
     * A stage failed. {@code sourceRunning}: the tree still runs on the source (the dump failed or left it running);
     * otherwise it is restorable from {@code sourceImages} there (null when the dump wrote nothing).
     */
    record Failed(Stage stage, String why, Path sourceImages, Path targetImages, boolean sourceRunning) implements MigrationOutcome {}

    /** Cancelled during {@code stage}; as for {@link Failed}, the tree runs on the source or is restorable from its images. */
    record Cancelled(Stage stage, Path sourceImages, Path targetImages, boolean sourceRunning) implements MigrationOutcome {}
}
