package org.criuatlas.bridge.criu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the criu binary. One documented setting, in this order:
 * <ol>
 *   <li>environment variable {@code CRIU_ATLAS_CRIU} (path to criu or a wrapper script);</li>
 *   <li>system property {@code criuatlas.criu};</li>
 *   <li>the path written by {@code scripts/provision-criu.sh} to
 *       {@code $CRIU_ATLAS_HOME/criu-path} (default {@code ~/.cache/criu-atlas/criu-path});</li>
 *   <li>{@code criu} on PATH.</li>
 * </ol>
 */
public final class CriuLocator {
    public static final String ENV = "CRIU_ATLAS_CRIU";
    public static final String PROPERTY = "criuatlas.criu";

    private CriuLocator() {}

    /** Where the located binary came from, for status bars and error messages. */
    public record Located(Path path, String via) {}

    public static Optional<Located> locate() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return executable(Path.of(env), "$" + ENV);
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) return executable(Path.of(prop), "-D" + PROPERTY);
        Path recorded = atlasHome().resolve("criu-path");
        if (Files.isRegularFile(recorded)) {
            try {
                String p = Files.readString(recorded).trim();
                if (!p.isEmpty()) {
                    Optional<Located> l = executable(Path.of(p), recorded.toString());
                    if (l.isPresent()) return l;
                }
            } catch (IOException ignored) {
                // fall through to PATH
            }
        }
        // Fallbacks are only taken when they are CRIU >= 4: Debian 12's 3.17 fails on current kernels.
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) continue;
                Optional<Located> l = executable(Path.of(dir, "criu"), "PATH").filter(CriuLocator::atLeast4);
                if (l.isPresent()) return l;
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/local/sbin"}) {
            Optional<Located> l = executable(Path.of(dir, "criu"), dir).filter(CriuLocator::atLeast4);
            if (l.isPresent()) return l;
        }
        return Optional.empty();
    }

    /** The located binary, or an exception that tells the user how to provide one. */
    public static Located require() {
        return locate().orElseThrow(() -> new IllegalStateException(
                "criu not found: set " + ENV + " to the criu binary, or run scripts/provision-criu.sh"));
    }

    /** {@code $CRIU_ATLAS_HOME}, default {@code ~/.cache/criu-atlas}. */
    public static Path atlasHome() {
        String h = System.getenv("CRIU_ATLAS_HOME");
        if (h != null && !h.isBlank()) return Path.of(h);
        return Path.of(System.getProperty("user.home"), ".cache", "criu-atlas");
    }

    /** Major version from {@code criu --version} ("Version: 4.1.1"), or -1 when it cannot be run. */
    public static int majorVersion(Path criu) {
        var m = java.util.regex.Pattern.compile("^(\\d+)\\.").matcher(versionText(criu));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The version {@code criu --version} prints ("4.1.1"), "" when it cannot be run or says none. */
    public static String versionText(Path criu) {
        try {
            Process p = new ProcessBuilder(criu.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            var m = java.util.regex.Pattern.compile("Version:\\s*(\\S+)").matcher(out);
            return m.find() ? m.group(1) : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean atLeast4(Located l) {
        return majorVersion(l.path()) >= 4;
    }

    private static Optional<Located> executable(Path p, String via) {
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(new Located(p, via)) : Optional.empty();
    }
}
