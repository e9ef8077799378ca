package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code criu-atlas dump}: one CRIU dump over RPC, with stage events, diagnoses and statistics. */
@Command(name = "dump", description = "Dump a process tree with CRIU (over its RPC) and explain any failure.")
public final class CriuDumpCommand implements Callable<Integer> {
    @Option(names = "--pid", required = true, description = "Root of the tree to dump.") int pid;
    @Option(names = {"--images", "-D"}, required = true, description = "Images directory (created if missing).") Path images;
    @Option(names = {"--work-dir", "-W"}, description = "Directory for the log and stats (default: the images dir).") Path workDir;
    @Option(names = "--leave-running", description = "Keep the tree running after the dump.") boolean leaveRunning;
    @Option(names = "--external", description = "External object key, e.g. unix[INODE] (the dumped task's socket). Repeatable.") List<String> external = new ArrayList<>();
    @Option(names = "--shell-job", description = "The tree is a job of an interactive shell (its tty is outside).") boolean shellJob;
    @Option(names = "--ext-unix-sk", description = "Allow datagram sockets connected to named sockets outside the tree.") boolean extUnixSk;
    @Option(names = "--tcp-established", description = "Dump established TCP connections.") boolean tcp;
    @Option(names = "--file-locks", description = "Dump file locks.") boolean fileLocks;
    @Option(names = {"-v", "--log-level"}, description = "CRIU log level 0..4 (default 4: inode numbers only appear there).") int logLevel = 4;
    @Option(names = "--log", description = "Print every log line, not only errors and warnings.") boolean allLog;
    @Option(names = "--json", description = "Print the result as JSON on stdout (events go to stderr).") boolean json;

    @Override
    public Integer call() {
        var loc = CriuLocator.locate();
        if (loc.isEmpty()) {
            System.err.println("criu not found: set " + CriuLocator.ENV + " or run scripts/provision-criu.sh");
            return CriuRunOutput.USAGE;
        }
        CriuOptions o;
        try {
            o = CriuOptions.defaults().withPid(pid).withImagesDir(images.toAbsolutePath()).withWorkDir(workDir == null ? null : workDir.toAbsolutePath())
                    .withLeaveRunning(leaveRunning).withExternal(external).withShellJob(shellJob).withExtUnixSk(extUnixSk)
                    .withTcpEstablished(tcp).withFileLocks(fileLocks).withLogLevel(logLevel);
        } catch (IllegalArgumentException e) {
            System.err.println("criu-atlas dump: " + e.getMessage());
            return CriuRunOutput.USAGE;
        }
        CriuRunOutput out = new CriuRunOutput(json, allLog);
        CriuSession s;
        try {
            s = CriuSession.dump(loc.get().path(), o, out.listener());
        } catch (IllegalArgumentException e) {
            System.err.println("criu-atlas dump: " + e.getMessage());
            return CriuRunOutput.USAGE;
        }
        return out.finish(s, json, CriuCommandLine.dump(loc.get().path(), o));
    }
}
