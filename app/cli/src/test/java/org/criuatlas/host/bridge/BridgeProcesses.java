package org.criuatlas.host.bridge;

import java.nio.file.Path;
import java.util.List;

/** Starts {@code criu-atlas bridge} from this test's class path (the same code the launcher runs). */
final class BridgeProcesses {
    private BridgeProcesses() {}

    static List<String> command() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "org.criuatlas.Main", "bridge");
    }

    /** The command as one line of words (for {@link BridgeLauncher#COMMAND_ENV}): the class path has no spaces here. */
    static String commandLine() {
        return String.join(" ", command());
    }

    static BridgeHost start() {
        return BridgeLauncher.spawn(command(), "this machine", "through the test launcher");
    }
}
