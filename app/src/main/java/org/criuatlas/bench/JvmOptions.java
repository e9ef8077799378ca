package org.criuatlas.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The JVM options file the build writes next to the application jar (a java @argfile), for benchmarks that start the launcher's JVM. */
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
}
