package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuResult;

import java.nio.file.Path;

/** How one dump ended. Every outcome after criu started says whether the target still runs (checked, never assumed). */
public sealed interface DumpOutcome {
    /** The folder was not used (not new or empty, or could not be made); nothing ran. {@code check} is null when it could not be made. */
    record FolderRefused(FolderCheck check, String message) implements DumpOutcome {}

    /** criu dumped the tree. */
    record Dumped(Path dir, Path logFile, CriuResult result, TargetState target, DumpSummary summary) implements DumpOutcome {}

    /** criu answered that it could not dump; {@code result} holds its diagnoses. */
    record Failed(Path dir, Path logFile, CriuResult result, TargetState target) implements DumpOutcome {}

    /** Stopped on request. */
    record Cancelled(Path dir, Path logFile, TargetState target) implements DumpOutcome {}

    /** criu could not answer (it crashed, could not start...): {@code problem} says what happened. */
    record Broken(Path dir, Path logFile, String problem, TargetState target) implements DumpOutcome {}
}
