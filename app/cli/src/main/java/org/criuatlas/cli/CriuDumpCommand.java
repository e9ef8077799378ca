package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.trust.SafeFolders;
import org.criuatlas.bridge.trust.UnsafeFolderException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code criu-atlas dump}: one CRIU dump over RPC, with stage events, diagnoses and statistics. */
@Command(name = "dump", mixinStandardHelpOptions = true, description = "Dump a process tree with CRIU (over its RPC) and explain any failure.")
public final class CriuDumpCommand implements Callable<Integer> {
    @Option(names = "--pid", required = true, description = "Root of the tree to dump.") int pid;
    @Option(names = {"--images", "-D"}, required = true, description = "Images directory (created if missing).") Path images;
    @Option(names = "--leave-running", description = "Keep the tree running after the dump.") boolean leaveRunning;
    @Option(names = "--external", paramLabel = "KEY", converter = ExternalKey.Dump.class,
            description = "Mark an object external: a unix socket as unix[INO] or INO (the end inside the dump), or any other"
                    + " CRIU external key (e.g. tty[RDEV:DEV]) as it is. Repeatable.") List<String> external = new ArrayList<>();
    @Option(names = "--shell-job", description = "The tree is a job of an interactive shell (its tty is outside).") boolean shellJob;
    @Option(names = "--ext-unix-sk", description = "Allow datagram sockets connected to named sockets outside the tree.") boolean extUnixSk;
    @Mixin ObjectFlags objects = new ObjectFlags();
    @Option(names = {"-v", "--log-level"}, description = "CRIU log level 0..4 (default 4: inode numbers only appear there).") int logLevel = 4;
    @Mixin CriuRunOptions run = new CriuRunOptions();
    @Mixin HostOption host = new HostOption();

    @Override
    public Integer call() {
        if (host.remote()) {
            // a dump on DEST through its bridge: --images (and --work-dir) are paths there
            Path dir = RemoteCriuRun.remotePath(images, "--images");
            if (run.workDir != null) RemoteCriuRun.remotePath(run.workDir, "--work-dir");
            CriuOptions o = CriuOptions.defaults().withPid(pid).withWorkDir(run.workDir)
                    .withLeaveRunning(leaveRunning).withExternal(external).withShellJob(shellJob).withExtUnixSk(extUnixSk)
                    .withLogLevel(logLevel);
            return RemoteCriuRun.dump(host, objects.applyTo(o), pid, dir, run);
        }
        if (!LiveProcesses.exists(pid)) throw new CliException(ExitCode.NOT_FOUND, "no process " + pid);
        CriuRunOutput.requireRoot("dump");
        Path criu = CriuRunOutput.locateCriuPath();
        if (Files.exists(images) && !Files.isDirectory(images, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(images))
            throw CriuRunOutput.usage(images + " is not a folder: --images wants the folder for the dump's images");
        try {
            // new and 0700, or an existing folder of ours that nobody else can write into (the session checks again)
            SafeFolders.prepareDumpFolder(images);
        } catch (UnsafeFolderException e) {
            throw new CliException(ExitCode.NOT_TRUSTED, e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCode.NOT_PERMITTED, "cannot make " + images + ": " + e.getMessage());
        }
        return CriuRunOutput.run("dump", run, listener -> {
            CriuOptions o = CriuOptions.defaults().withPid(pid).withImagesDir(images.toAbsolutePath()).withWorkDir(run.absoluteWorkDir())
                    .withLeaveRunning(leaveRunning).withExternal(external).withShellJob(shellJob).withExtUnixSk(extUnixSk)
                    .withLogLevel(logLevel);
            o = objects.applyTo(o);
            return new CriuRunOutput.Started(CriuSession.dump(criu, o, listener), CriuCommandLine.dump(criu, o));
        });
    }
}
