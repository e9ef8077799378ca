package org.criuatlas.restore;

import org.criuatlas.bridge.criu.CriuResult;

import java.util.List;

/** How one restore ended. Only {@link Restored} means processes run from the images. */
public sealed interface RestoreOutcome {
    /** The tree runs; {@code wiring} holds the live kept ends (close it to stop consoles, commands, relays). */
    record Restored(int rootPid, List<Integer> pids, Wiring wiring, CriuResult result) implements RestoreOutcome {}

    /** A pid the images need is in use; the restore can be retried once it is free. */
    record PidTaken(List<Integer> pids, String why, CriuResult result) implements RestoreOutcome {}

    /** criu failed (result set) or the wiring could not be built (result null). Nothing restored runs. */
    record Failed(String why, CriuResult result) implements RestoreOutcome {}

    /** Held back right before criu would have started (the caller's gate said why); criu never ran. */
    record Held(String why) implements RestoreOutcome {}

    /** Cancelled; nothing restored runs. */
    record Cancelled(String how) implements RestoreOutcome {}
}
