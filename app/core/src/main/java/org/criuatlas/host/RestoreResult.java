package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuResult;

import java.util.List;

/** How one restore ended. Only {@link Restored} means processes run from the images. */
public sealed interface RestoreResult {
    /** The tree runs; {@code wiring} holds its kept ends (close it to stop consoles, commands and relays). */
    record Restored(int rootPid, List<Integer> pids, KeptWiring wiring, CriuResult result) implements RestoreResult {}

    /** A pid the images need is in use; retry once it is free. */
    record PidTaken(List<Integer> pids, String why, CriuResult result) implements RestoreResult {}

    /** criu failed ({@code result} set) or the wiring could not be built ({@code result} null). Nothing restored runs. */
    record Failed(String why, CriuResult result) implements RestoreResult {}

    /**
     * The trust gate refused the images folder ({@link RestoreGate}); criu was not started. Ask the
     * user with {@code verdict.reasons()} and restore again with {@link RestoreRequest#trusted()} to go on.
     */
    record NeedsConfirmation(RestoreGate.Verdict verdict) implements RestoreResult {}

    /** Cancelled; nothing restored runs. */
    record Cancelled(String how) implements RestoreResult {}
}
