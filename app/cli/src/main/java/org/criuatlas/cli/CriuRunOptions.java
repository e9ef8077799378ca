package org.criuatlas.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options {@code dump} and {@code restore} share (a picocli mixin): where the log goes and how the result prints. */
final class CriuRunOptions {
    @Option(names = {"--work-dir", "-W"}, description = "Directory for the log and stats (default: the images dir).") Path workDir;
    @Option(names = "--log", description = "Print every log line, not only errors and warnings.") boolean allLog;
    @Option(names = "--json", description = "Print the result as JSON on stdout (events go to stderr).") boolean json;

    /** The work dir as CriuOptions wants it: absolute, or null for the images dir. */
    Path absoluteWorkDir() {
        return workDir == null ? null : workDir.toAbsolutePath();
    }
}
