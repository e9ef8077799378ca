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

    @Option(names = "--bridge", description = "Ask this machine through its privileged bridge (as an ordinary user: the test"
            + " launcher CRIU_ATLAS_BRIDGE_COMMAND, pkexec or sudo -n start `criu-atlas bridge` as root). docs/bridge.md")
    boolean bridge;

    boolean remote() { return host != null || bridge; }

    /** The host in words: DEST, or this machine's bridge. */
    String name() { return host != null ? host : "this machine (bridge)"; }

    /** The bridge on DEST (or this machine's, with --bridge); a host that cannot be reached is exit 9 (HOST_FAILED). */
    BridgeHost connect() {
        if (bridge) {
            if (host != null) throw new CliException(ExitCode.USAGE, "--bridge and --host name two different machines: choose one");
            java.util.List<String> problems = new java.util.ArrayList<>();
            BridgeHost h = BridgeLauncher.privileged(problems);
            if (h == null) throw new BridgeException("no privileged bridge on this machine: " + String.join("; ", problems), null);
            return h;
        }
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
