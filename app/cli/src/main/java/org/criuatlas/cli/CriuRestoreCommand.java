package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.host.RestoreGate;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.RestoreFlags;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas restore}: one CRIU restore over RPC. {@code --inherit-fd N:KEY} hands this
 * process's fd N (opened by the calling shell, e.g. {@code 7<>/run/x.sock} or a socketpair end) to
 * criu as fd N for the image object KEY ({@code socket:[INO]} / {@code pipe:[INO]}).
 */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a dumped tree with CRIU (over its RPC) and explain any failure.")
public final class CriuRestoreCommand implements Callable<Integer> {
    @Option(names = {"--images", "-D"}, required = true, description = "Images directory of a complete dump.") Path images;
    @Option(names = "--inherit-fd", description = "N:KEY - hand our fd N to criu for KEY (socket:[INO] or pipe:[INO]). Repeatable.") List<String> inherit = new ArrayList<>();
    @Option(names = "--ext-unix-sk", description = "Reconnect external sockets by their peer's name.") boolean extUnixSk;
    @Option(names = "--shell-job", description = "The tree was dumped as a shell job.") boolean shellJob;
    @Option(names = "--tcp-established", description = "Restore established TCP connections.") boolean tcp;
    @Option(names = "--file-locks", description = "Restore file locks.") boolean fileLocks;
    @Option(names = "--restore-sibling", description = "Make the restored root a child of this process instead of criu's.") boolean sibling;
    @Option(names = "--force", description = "Restore even if the images dir is marked as an incomplete dump.") boolean force;
    @Option(names = "--preview", description = "Restore nothing: list what stands in the way on this machine now (image pids in use,"
            + " named socket paths gone or taken, files missing or changed) and how the obligations would be wired."
            + " Exit 3 when a conflict would make the restore fail.") boolean preview;
    @Option(names = "--trust-folder", description = "Restore even though the trust gate refused the images folder"
            + " (not owned by root or you, writable by others): only after reading why it refused.") boolean trustFolder;
    @Option(names = {"-v", "--log-level"}, description = "CRIU log level 0..4 (default 4).") int logLevel = 4;
    @Mixin CriuRunOptions run = new CriuRunOptions();
    @Mixin HostOption host = new HostOption();

    @Override
    public Integer call() {
        if (host.remote()) {
            // a restore on DEST through its bridge: --images is a path there; this shell's fds cannot cross
            if (!inherit.isEmpty()) throw CriuRunOutput.usage("--inherit-fd hands this shell's fds to criu: they cannot reach "
                    + host.name() + "; with --host what the images need is wired by the bridge there (or use migrate --wire)");
            if (logLevel < 0 || logLevel > 4) throw CriuRunOutput.usage("--log-level is 0..4; got " + logLevel);
            Path dir = RemoteCriuRun.remotePath(images, "--images");
            if (run.workDir != null) RemoteCriuRun.remotePath(run.workDir, "--work-dir");
            return RemoteCriuRun.restore(host, dir, new RemoteCriuRun.RestoreAsked(shellJob, sibling, tcp, fileLocks, extUnixSk, logLevel),
                    trustFolder, preview, run);
        }
        List<CriuOptions.InheritFd> fds = new ArrayList<>();
        Map<Integer, Integer> handIn = new LinkedHashMap<>();
        for (String spec : inherit) {
            int colon = spec.indexOf(':');
            String n = colon > 0 ? spec.substring(0, colon) : "";
            if (n.isEmpty() || n.length() > 9 || !n.chars().allMatch(Character::isDigit) || colon == spec.length() - 1)
                throw CriuRunOutput.usage("--inherit-fd wants N:KEY, e.g. 7:socket:[12345]; got " + spec);
            int fd = Integer.parseInt(n);
            fds.add(new CriuOptions.InheritFd(spec.substring(colon + 1), fd));
            handIn.put(fd, fd);
        }
        if (!Files.isDirectory(images)) throw new CliException(ExitCode.NOT_FOUND, "no folder " + images);
        if (!Files.exists(images.resolve("inventory.img")))
            throw new CliException(ExitCode.NOT_FOUND, images + " is not a CRIU image directory (no inventory.img)");
        if (CriuSession.isIncomplete(images) && !force)
            throw CriuRunOutput.usage(images + " holds an incomplete dump (" + CriuSession.INCOMPLETE_MARKER + "); use --force to try anyway");
        if (preview) return RestorePreviewOutput.run(images, run.json);
        CriuRunOutput.requireRoot("restore");
        // before criu is located (which runs it): a refused folder never gets as far as a criu process
        RestoreGate.Verdict verdict = RestoreGate.check(images);
        if (force) verdict = verdict.without(RestoreGate.Concern.INCOMPLETE_DUMP); // accepted above
        if (!verdict.trusted()) {
            if (!trustFolder)
                throw new CliException(ExitCode.NOT_TRUSTED, verdict.explain() + " Restore anyway only if you trust it: add --trust-folder.");
            System.err.println("criu-atlas restore: going on because of --trust-folder: " + verdict.explain());
        }
        // what the images hold decides two options (RestoreFlags: without them CRIU fails, or drops the locks silently)
        RestoreFlags needs;
        try {
            needs = RestoreFlags.of(images);
        } catch (ImageFormatException e) {
            needs = RestoreFlags.NONE; // CRIU reads the images itself and says what is wrong with them
        }
        boolean tcpOn = tcp || needs.needsTcpEstablished(), locksOn = fileLocks || needs.needsFileLocks();
        if (tcpOn != tcp || locksOn != fileLocks) {
            for (String why : needs.reasons()) System.err.println("criu-atlas restore: " + why);
        }
        Path criu = CriuRunOutput.locateCriuPath();
        return CriuRunOutput.run("restore", run, listener -> {
            CriuOptions o = CriuOptions.defaults().withImagesDir(images.toAbsolutePath()).withWorkDir(run.absoluteWorkDir())
                    .withInheritFds(fds).withExtUnixSk(extUnixSk).withShellJob(shellJob).withTcpEstablished(tcpOn)
                    .withFileLocks(locksOn).withRestoreSibling(sibling).withLogLevel(logLevel);
            return new CriuRunOutput.Started(CriuSession.restore(criu, o, handIn, listener), CriuCommandLine.restore(criu, o, handIn));
        });
    }
}
