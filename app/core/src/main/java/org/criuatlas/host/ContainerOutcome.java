package org.criuatlas.host;

import java.nio.file.Path;
import java.util.List;

/**
 * How a container checkpoint or restore ended.
 *
 * @param kind       how it ended
 * @param command    the command that ran (one shell line)
 * @param exit       podman's exit status, -1 when it did not run or was stopped
 * @param output     what podman printed (stdout and stderr, in order; the last lines when long)
 * @param reason     why it failed, in plain words (podman's error and CRIU's diagnosis), null on success
 * @param criuLog    CRIU's log podman's runtime wrote (its dump.log / restore.log), null when not found
 * @param criuLogTail the last lines of that log that say what went wrong (errors first), empty when none
 * @param result     on success: the restored container's id (podman prints it), or the archive written; else null
 * @param bytes      the archive's size after a checkpoint, -1 otherwise
 */
public record ContainerOutcome(Kind kind, String command, int exit, List<String> output, String reason, Path criuLog,
                               List<String> criuLogTail, String result, long bytes) {
    public enum Kind { DONE, FAILED, CANCELLED, UNSUPPORTED }

    public ContainerOutcome {
        output = List.copyOf(output == null ? List.of() : output);
        criuLogTail = List.copyOf(criuLogTail == null ? List.of() : criuLogTail);
    }

    public boolean ok() { return kind == Kind.DONE; }

    /** A host that cannot run the engine (the bridge, for now): nothing ran. */
    public static ContainerOutcome unsupported(String command, String why) {
        return new ContainerOutcome(Kind.UNSUPPORTED, command, -1, List.of(), why, null, List.of(), null, -1);
    }
}
