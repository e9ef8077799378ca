package org.criuatlas.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * podman for the tests, as scripts/setup-podman.sh makes it (runc pointed at CRIU >= 4, an offline busybox
 * image, a private configuration): the script runs once per JVM and its KEY=VALUE lines become the
 * environment of every podman call. Needs root; a test without it is skipped (failed in CI).
 */
public final class PodmanSetup {
    private PodmanSetup() {}

    private static Map<String, String> env;

    /** What podman's calls need in their environment (CONTAINERS_CONF, ..., ATLAS_PODMAN_IMAGE). */
    public static synchronized Map<String, String> env() throws Exception {
        Requirements.requireRoot();
        if (env != null) return env;
        Path script = repo().resolve("scripts/setup-podman.sh");
        Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("setup-podman.sh did not finish");
        }
        Requirements.require(p.exitValue() == 0, "scripts/setup-podman.sh failed (exit " + p.exitValue() + ")");
        Map<String, String> e = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) e.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        env = Map.copyOf(e);
        return env;
    }

    /** The checkout: the first folder at or above the working directory that holds scripts/setup-podman.sh. */
    public static Path repo() {
        String r = System.getProperty("criuatlas.repo");
        if (r != null && Files.isRegularFile(Path.of(r, "scripts/setup-podman.sh"))) return Path.of(r).toAbsolutePath().normalize();
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/setup-podman.sh"))) return d;
        }
        throw new IllegalStateException("scripts/setup-podman.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** What a command printed (stdout and stderr) and its exit status. */
    public record Result(int code, String out) {}

    /** Runs {@code cmd} with podman's environment and waits (at most 5 minutes). */
    public static Result run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        try {
            pb.environment().putAll(env());
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish");
        }
        return new Result(p.exitValue(), out.trim());
    }

    /** Runs {@code podman ARGS...}. */
    public static Result podman(String... args) throws IOException, InterruptedException {
        List<String> c = new java.util.ArrayList<>();
        c.add("podman");
        c.addAll(List.of(args));
        return run(c);
    }

    /** The numbers a counter container printed (one per line, {@code podman logs}), in order. */
    public static List<Long> counted(String container) throws IOException, InterruptedException {
        return podman("logs", container).out().lines().map(String::trim).filter(l -> l.matches("\\d+")).map(Long::valueOf).toList();
    }
}
