package org.criuatlas.host.bridge;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.host.Host;
import org.criuatlas.host.LocalHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Starts the bridge a window or a command talks to. For this machine ({@link #forThisMachine}), in
 * this order: in this process when already root; a test launcher command when one is set
 * ({@value #COMMAND_ENV} or the {@value #COMMAND_PROPERTY} property, in place of pkexec); {@code pkexec}
 * when there is a desktop session to ask in; {@code sudo -n} when sudo lets this user run it without a
 * password; else this process without privilege (the user's own processes, image folders it can
 * read). For another machine ({@link #ssh}): the OpenSSH client with the user's keys and config,
 * in batch mode, running {@code criu-atlas bridge} there.
 */
public final class BridgeLauncher {
    /** A command (words separated by spaces) that starts a bridge as root: tests put it in place of pkexec. */
    public static final String COMMAND_ENV = "CRIU_ATLAS_BRIDGE_COMMAND";
    public static final String COMMAND_PROPERTY = "criuatlas.bridge.command";
    /** Extra options for ssh (words separated by spaces), e.g. {@code -F /path/to/ssh_config}. */
    public static final String SSH_OPTIONS_ENV = "CRIU_ATLAS_SSH_OPTIONS";
    /** The command ssh runs on the remote host (default {@value #DEFAULT_REMOTE_COMMAND}). */
    public static final String REMOTE_COMMAND_ENV = "CRIU_ATLAS_REMOTE_COMMAND";
    public static final String DEFAULT_REMOTE_COMMAND = "criu-atlas bridge";

    private static final System.Logger LOG = System.getLogger(BridgeLauncher.class.getName());

    private BridgeLauncher() {}

    /**
     * The host of this machine as the window should use it.
     *
     * @param host           the host
     * @param how            how it was reached, in words for the status bar
     * @param seesEverything false when it runs without privilege (the user's own processes only)
     */
    public record Choice(Host host, String how, boolean seesEverything) {}

    public static Choice forThisMachine(Executor work) {
        if (LiveProcesses.effectiveUid() == 0) return new Choice(new LocalHost(LocalHost.Parts.real(work).withSpareCriu()), "in this process (already root)", true);
        List<String> problems = new ArrayList<>();
        BridgeHost h = privileged(problems);
        if (h != null) return new Choice(h, h.how(), h.hello().getUid() == 0);
        if (!problems.isEmpty()) LOG.log(System.Logger.Level.INFO, "no privileged bridge: {0}", String.join("; ", problems));
        return new Choice(new LocalHost(work), "in this process without privilege: your own processes only", false);
    }

    /**
     * A bridge on this machine through the test launcher, pkexec or sudo -n (the first that answers);
     * null when none did, with why in {@code problems}.
     */
    public static BridgeHost privileged(List<String> problems) {
        String test = System.getProperty(COMMAND_PROPERTY, System.getenv(COMMAND_ENV));
        if (test != null && !test.isBlank()) {
            try {
                return spawn(words(test), "this machine", "through the test launcher");
            } catch (BridgeException e) {
                problems.add("test launcher: " + e.getMessage());
            }
        }
        String self = selfCommand();
        boolean session = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
        if (session && onPath("pkexec")) {
            try {
                return spawn(List.of("pkexec", self, "bridge"), "this machine", "through pkexec");
            } catch (BridgeException e) {
                problems.add("pkexec: " + e.getMessage());
            }
        }
        if (onPath("sudo") && sudoWithoutPassword()) {
            try {
                return spawn(List.of("sudo", "-n", self, "bridge"), "this machine", "through sudo -n");
            } catch (BridgeException e) {
                problems.add("sudo -n: " + e.getMessage());
            }
        }
        if (test == null && !session && !onPath("sudo")) problems.add("no test launcher, no desktop session for pkexec, no sudo");
        return null;
    }

    /** Starts {@code command} (a bridge on its stdin/stdout) and says hello. */
    public static BridgeHost spawn(List<String> command, String where, String how) {
        return spawn(command, where, how, p -> { });
    }

    /**
     * As {@link #spawn(List, String, String)}; {@code started} gets the process before the hello, so a
     * caller can cancel a connection that hangs (destroying it ends the wait with a {@link BridgeException}).
     */
    public static BridgeHost spawn(List<String> command, String where, String how, java.util.function.Consumer<Process> started) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new BridgeException("cannot start " + command.get(0) + " for " + where + ": " + e.getMessage(), e);
        }
        started.accept(p);
        BridgeLink link = new BridgeLink(p.getInputStream(), p.getOutputStream(), where, p);
        try {
            return new BridgeHost(link, how);
        } catch (BridgeException e) {
            link.close();
            throw e;
        }
    }

    /** {@code ssh [options] DEST criu-atlas bridge}, options and command from the environment ({@value #SSH_OPTIONS_ENV}, {@value #REMOTE_COMMAND_ENV}). */
    public static BridgeHost ssh(String dest) {
        return ssh(dest, p -> { });
    }

    /** As {@link #ssh(String)}; {@code started} gets the ssh process before the hello (to cancel a slow connection). */
    public static BridgeHost ssh(String dest, java.util.function.Consumer<Process> started) {
        // the properties are for tests (a JVM cannot change its own environment)
        String opts = System.getProperty("criuatlas.ssh.options", System.getenv(SSH_OPTIONS_ENV));
        String remote = System.getProperty("criuatlas.remote.command", System.getenv(REMOTE_COMMAND_ENV));
        return spawn(sshCommand(dest, opts == null || opts.isBlank() ? List.of() : words(opts),
                remote == null || remote.isBlank() ? DEFAULT_REMOTE_COMMAND : remote), dest, "ssh " + dest, started);
    }

    public static BridgeHost ssh(String dest, List<String> sshOptions, String remoteCommand) {
        return spawn(sshCommand(dest, sshOptions, remoteCommand), dest, "ssh " + dest);
    }

    /** The ssh command line: batch mode (never a password prompt on a pipe), no tty, no escape character. */
    public static List<String> sshCommand(String dest, List<String> sshOptions, String remoteCommand) {
        checkDestination(dest);
        List<String> cmd = new ArrayList<>(List.of("ssh", "-T", "-e", "none", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=15"));
        cmd.addAll(sshOptions);
        cmd.add("--");
        cmd.add(dest);
        cmd.add(remoteCommand);
        return cmd;
    }

    /** A destination is {@code [user@]host}: never an option, never several words. */
    public static void checkDestination(String dest) {
        if (dest == null || dest.isBlank()) throw new IllegalArgumentException("no host given");
        if (dest.startsWith("-")) throw new IllegalArgumentException("a host cannot start with '-': " + dest);
        for (char c : dest.toCharArray()) {
            if (Character.isWhitespace(c) || Character.isISOControl(c)) throw new IllegalArgumentException("a host is one word: '" + dest + "'");
        }
    }

    /** How to run this CRIU Atlas: the launcher next to the scripts folder it was started with, else {@code criu-atlas} on the PATH. */
    static String selfCommand() {
        String scripts = System.getProperty("criuatlas.scripts");
        if (scripts != null) {
            Path launcher = Path.of(scripts).resolveSibling("criu-atlas");
            if (Files.isExecutable(launcher)) return launcher.toAbsolutePath().toString();
        }
        return "criu-atlas";
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static boolean onPath(String cmd) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(":")) if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        return false;
    }

    private static boolean sudoWithoutPassword() {
        try {
            Process p = new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
