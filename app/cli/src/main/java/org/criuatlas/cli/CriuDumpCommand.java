package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    @Option(names = "--leave-running", description = "Keep the tree running after the dump.") boolean leaveRunning;
    @Option(names = "--external", description = "External object key, e.g. unix[INODE] (the dumped task's socket). Repeatable.") List<String> external = new ArrayList<>();
    @Option(names = "--shell-job", description = "The tree is a job of an interactive shell (its tty is outside).") boolean shellJob;
    @Option(names = "--ext-unix-sk", description = "Allow datagram sockets connected to named sockets outside the tree.") boolean extUnixSk;
    @Option(names = "--tcp-established", description = "Dump established TCP connections.") boolean tcp;
    @Option(names = "--file-locks", description = "Dump file locks.") boolean fileLocks;
    @Option(names = {"-v", "--log-level"}, description = "CRIU log level 0..4 (default 4: inode numbers only appear there).") int logLevel = 4;
    @Mixin CriuRunOptions run = new CriuRunOptions();

    @Override
    public Integer call() {
        var loc = CriuRunOutput.locateCriu();
        if (loc.isEmpty()) return CriuRunOutput.USAGE;
        Path criu = loc.get().path();
        return CriuRunOutput.run("dump", run, listener -> {
            CriuOptions o = CriuOptions.defaults().withPid(pid).withImagesDir(images.toAbsolutePath()).withWorkDir(run.absoluteWorkDir())
                    .withLeaveRunning(leaveRunning).withExternal(external).withShellJob(shellJob).withExtUnixSk(extUnixSk)
                    .withTcpEstablished(tcp).withFileLocks(fileLocks).withLogLevel(logLevel);
            return new CriuRunOutput.Started(CriuSession.dump(criu, o, listener), CriuCommandLine.dump(criu, o));
        });
    }
}
