package org.criuatlas.cli;

import org.criuatlas.host.bridge.BridgeException;
import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.host.bridge.BridgeLauncher;
import picocli.CommandLine.Option;

/** {@code --host DEST}: run the command against another machine's bridge, reached through ssh. */
final class HostOption {
    @Option(names = "--host", paramLabel = "DEST",
            description = "Ask the host DEST ([user@]host, as ssh takes it) instead of this machine: runs `ssh DEST criu-atlas bridge`"
                    + " in batch mode with your keys and ~/.ssh/config (extra ssh options: CRIU_ATLAS_SSH_OPTIONS; remote command:"
                    + " CRIU_ATLAS_REMOTE_COMMAND). docs/bridge.md")
    String host;

    boolean remote() { return host != null; }

    /** The bridge on DEST; a host that cannot be reached is exit 9 (HOST_FAILED). */
    BridgeHost connect() {
        try {
            return BridgeLauncher.ssh(host);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--host: " + e.getMessage());
        }
    }

    /** The exit code of a bridge failure: the host is unusable (9), or it refused the request for a reason that has its own code. */
    static ExitCode exitCode(BridgeException e) {
        if (e.hostFailed() || e.code() == null) return ExitCode.HOST_FAILED;
        return switch (e.code()) {
            case NOT_FOUND -> ExitCode.NOT_FOUND;
            case NOT_PERMITTED -> ExitCode.NOT_PERMITTED;
            case INVALID_REQUEST -> ExitCode.USAGE;
            default -> ExitCode.UNREADABLE;
        };
    }
}
