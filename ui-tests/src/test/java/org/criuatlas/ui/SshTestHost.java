package org.criuatlas.ui;

import org.criuatlas.testing.Requirements;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The throw-away OpenSSH server of scripts/setup-sshd.sh on 127.0.0.1 (host alias {@value #DEST} in its
 * ssh_config), for window tests that reach "another host": starts it, points the bridge launcher's ssh
 * options at its config and the remote command at this JVM's class path, and stops it after.
 */
final class SshTestHost {
    /** The ssh destination the test sshd's ssh_config names. */
    static final String DEST = "atlas-test";
    private final Path state;

    private SshTestHost(Path state) {
        this.state = state;
    }

    /** Starts the sshd (state under target/sshd); the test is skipped outside CI when it cannot. */
    static SshTestHost start() throws Exception {
        Requirements.requireRoot();
        Path state = Path.of("target", "sshd").toAbsolutePath();
        Process p = new ProcessBuilder("bash", repo().resolve("scripts/setup-sshd.sh").toString(), state.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Requirements.require(p.exitValue() == 0, "scripts/setup-sshd.sh could not start sshd: " + out);
        System.setProperty("criuatlas.ssh.options", "-F " + state.resolve("ssh_config"));
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        System.setProperty("criuatlas.remote.command", String.join(" ", java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "org.criuatlas.Main", "bridge"));
        return new SshTestHost(state);
    }

    /** The processes the test sshd runs for its sessions (its descendants). */
    java.util.List<ProcessHandle> sessionProcesses() throws java.io.IOException {
        long pid = Long.parseLong(java.nio.file.Files.readString(state.resolve("sshd.pid")).strip());
        return ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(java.util.List.of());
    }

    void stop() throws Exception {
        new ProcessBuilder("bash", repo().resolve("scripts/setup-sshd.sh").toString(), "--stop", state.toString()).inheritIO().start()
                .waitFor(30, TimeUnit.SECONDS);
    }

    private static Path repo() {
        return Path.of(System.getProperty("criuatlas.repo", "..")).toAbsolutePath().normalize();
    }
}
