package org.criuatlas.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How benchmarks start the headless commands in a JVM of their own: with the JVM options file the
 * build writes next to the application jar ({@value #FILE_NAME}, a java @argfile with the class-data
 * sharing archive and the class path, see app/src/build/startup-archive.sh), or a launcher given.
 */
final class JvmOptions {
    static final String FILE_NAME = "criu-atlas-java.args";

    private JvmOptions() {}

    /** The file next to the jar (or classes directory) this class came from, if the build wrote one. */
    static Optional<Path> locate() {
        try {
            Path here = Path.of(JvmOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path f = here.getParent().resolve(FILE_NAME);
            return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The launcher given, else this JVM's java with the build's options (or this JVM's class path), then the main class. */
    static List<String> headless(Path launcher) {
        if (launcher != null) return List.of(launcher.toAbsolutePath().toString());
        Path options = locate().orElse(null);
        return options != null ? List.of(java(), "@" + options, "org.criuatlas.Main") : plain();
    }

    /** java with nothing but this JVM's class path: how the launcher started every command before the options file. */
    static List<String> plain() {
        return List.of(java(), "-cp", System.getProperty("java.class.path"), "org.criuatlas.Main");
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The floor's command: the headless JVM and its options, with {@link SwrkFloorMain} as the main class. */
    static List<String> floor(List<String> headless, Path criu, String... args) {
        List<String> cmd = new ArrayList<>(headless);
        int main = cmd.indexOf("org.criuatlas.Main");
        if (main < 0) throw new IllegalArgumentException("the floor runs with the build's JVM options, not through a launcher");
        cmd.set(main, SwrkFloorMain.class.getName());
        cmd.add(criu.toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Median wall time of {@code criu-atlas --version}, from start to exit (output discarded). */
    static double startup(List<String> headless) throws Exception {
        double[] t = new double[7];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(plus(headless, "--version")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null"))).start();
            if (p.waitFor() != 0) throw new IllegalStateException("criu-atlas --version exited " + p.exitValue());
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    static List<String> plus(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
