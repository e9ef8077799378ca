package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.trust.ChildEnvironment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds the criu binary. One documented setting, in this order:
 * <ol>
 *   <li>environment variable {@code CRIU_ATLAS_CRIU} (path to criu or a wrapper script);</li>
 *   <li>system property {@code criuatlas.criu};</li>
 *   <li>the path written by {@code scripts/provision-criu.sh} to
 *       {@code $CRIU_ATLAS_HOME/criu-path} (default {@code ~/.cache/criu-atlas/criu-path}), with
 *       what the script recorded about it in {@code criu-version};</li>
 *   <li>{@code criu} >= 4 on PATH (then /usr/sbin, /sbin, /usr/local/sbin).</li>
 * </ol>
 * Every answer says which CRIU it is (its {@code --version}) and why it was chosen.
 */
public final class CriuLocator {
    public static final String ENV = "CRIU_ATLAS_CRIU";
    public static final String PROPERTY = "criuatlas.criu";
    /** CRIU below this cannot dump any inet or packet socket on Linux >= 6.16 (SO_PASSCRED change). */
    public static final CriuVersion RECOMMENDED = new CriuVersion(4, 2, 0, null);

    private CriuLocator() {}

    /**
     * The located binary.
     *
     * @param path       what to run
     * @param via        the setting it came from, short ("$CRIU_ATLAS_CRIU", a recorded file, "PATH", a folder)
     * @param why        the reason in words, for {@code which-criu} and the status bar
     * @param version    what {@code criu --version} says; null when it does not run
     * @param provenance what provision-criu.sh recorded about it (e.g. "Debian sid 4.2.1-1"), null if nothing
     */
    public record Located(Path path, String via, String why, CriuVersion version, String provenance) {
        public Located(Path path, String via) {
            this(path, via, via, null, null);
        }

        /** "4.2.1", or "unknown version" when {@code criu --version} did not answer. */
        public String versionText() {
            return version == null ? "unknown version" : version.toString();
        }

        /** True when this CRIU is older than {@link #RECOMMENDED} (or its version is unknown). */
        public boolean belowRecommended() {
            return version == null || version.compareTo(RECOMMENDED) < 0;
        }

        /** Two or three lines: the path, the version with its origin, and why it was chosen. */
        public String describe() {
            StringBuilder s = new StringBuilder(path.toString()).append('\n');
            s.append("  CRIU ").append(versionText());
            if (provenance != null) s.append(" (").append(provenance).append(')');
            s.append('\n').append("  chosen because ").append(why);
            if (version != null && belowRecommended())
                s.append('\n').append("  note: CRIU below ").append(RECOMMENDED)
                        .append(" cannot dump inet or packet sockets on Linux 6.16 and newer; run scripts/provision-criu.sh");
            return s.toString();
        }
    }

    public static Optional<Located> locate() {
        return locate(System.getenv(ENV), System.getProperty(PROPERTY), atlasHome(), System.getenv("PATH"));
    }

    /** {@link #locate()} with its inputs given (tests). */
    static Optional<Located> locate(String env, String prop, Path home, String pathVar) {
        if (env != null && !env.isBlank())
            return executable(Path.of(env)).map(p -> found(p, "$" + ENV, ENV + " is set", recorded(home, p)));
        if (prop != null && !prop.isBlank())
            return executable(Path.of(prop)).map(p -> found(p, "-D" + PROPERTY, "the system property " + PROPERTY + " is set", recorded(home, p)));
        Path record = home.resolve("criu-path");
        Optional<Path> exe = recordedPath(home);
        if (exe.isPresent())
            return Optional.of(found(exe.get(), record.toString(),
                    "scripts/provision-criu.sh recorded it in " + record + " (" + ENV + " is not set)",
                    recorded(home, exe.get())));
        // Fallbacks are only taken when they are CRIU >= 4: Debian 12's 3.17 fails on current kernels.
        if (pathVar != null) {
            for (String dir : pathVar.split(":")) {
                if (dir.isEmpty()) continue;
                Optional<Located> l = executable(Path.of(dir, "criu"))
                        .map(p -> found(p, "PATH", "it is the first criu >= 4 on PATH (nothing recorded by scripts/provision-criu.sh, "
                                + ENV + " not set)", null))
                        .filter(CriuLocator::atLeast4);
                if (l.isPresent()) return l;
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/local/sbin"}) {
            Optional<Located> l = executable(Path.of(dir, "criu"))
                    .map(p -> found(p, dir, "it is a criu >= 4 in " + dir + " (nothing else was found)", null))
                    .filter(CriuLocator::atLeast4);
            if (l.isPresent()) return l;
        }
        return Optional.empty();
    }

    /**
     * The criu {@link #locate()} would pick, without running it when the choice is a setting
     * ($CRIU_ATLAS_CRIU, the property, the recorded path): a dump or restore needs only the path,
     * and {@code criu --version} (a process start through the wrapper) was the largest part of a
     * headless dump's own time. Only the PATH fallbacks, which must be CRIU >= 4, run it.
     */
    public static Optional<Path> locatePath() {
        return locatePath(System.getenv(ENV), System.getProperty(PROPERTY), atlasHome(), System.getenv("PATH"));
    }

    /** {@link #locatePath()} with its inputs given (tests). */
    static Optional<Path> locatePath(String env, String prop, Path home, String pathVar) {
        if (env != null && !env.isBlank()) return executable(Path.of(env));
        if (prop != null && !prop.isBlank()) return executable(Path.of(prop));
        Optional<Path> rec = recordedPath(home);
        if (rec.isPresent()) return rec;
        return locate(env, prop, home, pathVar).map(Located::path);
    }

    /** The executable scripts/provision-criu.sh recorded in {@code criu-path}, if it is one. */
    private static Optional<Path> recordedPath(Path home) {
        Path record = home.resolve("criu-path");
        if (!Files.isRegularFile(record)) return Optional.empty();
        try {
            String p = Files.readString(record).trim();
            return p.isEmpty() ? Optional.empty() : executable(Path.of(p));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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
        CriuVersion v = version(criu);
        return v == null ? -1 : v.major();
    }

    private record VersionKey(Path path, FileTime modified) {}

    private static final Map<VersionKey, Optional<CriuVersion>> VERSIONS = new ConcurrentHashMap<>();

    /**
     * What {@code criu --version} says, or null when it cannot be run. Cached per file and
     * modification time (the locator is asked often; one run costs a few milliseconds).
     */
    public static CriuVersion version(Path criu) {
        FileTime mtime;
        try {
            mtime = Files.getLastModifiedTime(criu);
        } catch (IOException e) {
            return null;
        }
        return VERSIONS.computeIfAbsent(new VersionKey(criu.toAbsolutePath(), mtime), k -> Optional.ofNullable(runVersion(criu)))
                .orElse(null);
    }

    private static CriuVersion runVersion(Path criu) {
        try {
            ProcessBuilder pb = new ProcessBuilder(criu.toString(), "--version").redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(ChildEnvironment.forCriu());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return CriuVersion.parseVersionOutput(out);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * What provision-criu.sh recorded in {@code criu-version} about {@code path}, in words
     * ("Debian sid 4.2.1-1, installed by scripts/provision-criu.sh"); null when it recorded another path.
     */
    static String recorded(Path home, Path path) {
        Path f = home.resolve("criu-version");
        try {
            if (!Files.isRegularFile(f)) return null;
            Map<String, String> kv = parseRecord(Files.readString(f));
            String p = kv.get("path");
            if (p == null || !Path.of(p).toAbsolutePath().normalize().equals(path.toAbsolutePath().normalize())) return null;
            if ("provisioned".equals(kv.get("source")) && kv.containsKey("suite"))
                return "Debian " + kv.get("suite") + " " + kv.getOrDefault("debian", kv.get("version"))
                        + ", installed by scripts/provision-criu.sh";
            return kv.get("source") == null ? null : "recorded by scripts/provision-criu.sh from " + kv.get("source");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code criu-version}: "VERSION key=value ..." on one line. */
    static Map<String, String> parseRecord(String text) {
        Map<String, String> kv = new LinkedHashMap<>();
        String line = text.strip().lines().findFirst().orElse("");
        String[] words = line.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (i == 0 && eq < 0) kv.put("version", words[i]);
            else if (eq > 0) kv.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        return kv;
    }

    private static Located found(Path p, String via, String why, String provenance) {
        return new Located(p, via, why, version(p), provenance);
    }

    private static boolean atLeast4(Located l) {
        return l.version() != null && l.version().major() >= 4;
    }

    private static Optional<Path> executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
}
