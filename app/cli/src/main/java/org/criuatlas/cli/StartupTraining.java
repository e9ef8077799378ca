package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuWarmUp;
import org.criuatlas.bridge.criu.TempDirs;
import org.criuatlas.bridge.criu.CriuRequest;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.bridge.criu.proto.CriuRpc;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run by the build (not by users) to record which classes the headless commands load, for the
 * class-data sharing archive the launcher starts the JVM with ({@code scripts} in
 * {@code app/src/build/startup-archive.sh}): every command's help, then a dump's way through picocli,
 * JNA, protobuf, the worker, the log follower and the diagnoses, against {@code /bin/false} as criu
 * (no root, no CRIU needed). Prints nothing.
 */
public final class StartupTraining {
    private StartupTraining() {}

    public static void main(String[] args) {
        PrintStream out = System.out, err = System.err;
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(none);
        System.setErr(none);
        try {
            for (String[] a : List.of(new String[] {"--help"}, new String[] {"plan", "--help"}, new String[] {"dump", "--help"},
                    new String[] {"restore", "--help"}, new String[] {"scan", "--help"}, new String[] {"show", "--help"},
                    new String[] {"check", "--help"}, new String[] {"which-criu", "--help"},
                    new String[] {"dump", "--pid", "0", "-D", "/nonexistent"})) {
                AtlasCommand.commandLine(a).execute(a);
            }
            org.criuatlas.Main.opensWindow(new String[] {"--help"});
            AtlasCommand.versionLines(); // --version: the version resource, the runtime, the kernel, the log file
            HelpTexts.stored(new String[] {"plan", "--help"});
            org.criuatlas.bridge.os.Processes.stillPresent(List.of((int) ProcessHandle.current().pid()));
            CriuRpc.criu_resp.parseFrom(CriuRpc.criu_resp.newBuilder().setType(CriuRpc.criu_req_type.DUMP_VALUE).setSuccess(true).build()
                    .toByteArray());
            CriuDiagnoser.diagnose(CriuLogParser.parse("(00.000001) Error (criu/sk-unix.c:874): unix: External socket is used.\n"
                    + "(00.000002)  4242: pie: 4242: Warn  (x.c:1): y\n"), true);
            CriuWarmUp.beforeSession();
            CriuWarmUp.beforeResult();
            trainDump();
            for (CriuRequest r : List.of(CriuRequest.VERSION, CriuRequest.CHECK)) {
                try (CriuSession s = CriuSession.start(Path.of("/bin/false"), r, null, Map.of(), e -> { })) {
                    s.await(Duration.ofSeconds(20));
                } catch (CriuException expected) {
                    // /bin/false never replies: that is the path through the session we want recorded
                }
            }
        } catch (Exception e) {
            err.println("startup training: " + e);
            System.exit(1);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        System.exit(0);
    }

    /**
     * A dump's way through {@link CriuRunOutput} (the folder, the session, the log follower, the wait)
     * with {@code /bin/false} as criu on this JVM's own pid (it never replies, so nothing is frozen),
     * into a temporary folder; then the printing of a made-up successful result.
     */
    private static void trainDump() throws java.io.IOException, org.criuatlas.bridge.images.ImageFormatException {
        Path dir = java.nio.file.Files.createTempDirectory("criu-atlas-training");
        try {
            Path images = dir.resolve("images");
            org.criuatlas.bridge.trust.SafeFolders.prepareDumpFolder(images);
            CriuLocator.locatePath();
            CriuRunOptions run = new CriuRunOptions();
            CriuOptions o = CriuOptions.defaults().withPid((int) ProcessHandle.current().pid()).withImagesDir(images).withLeaveRunning(true);
            Path criu = Path.of("/bin/false");
            try {
                CriuRunOutput.run("dump", run, listener -> new CriuRunOutput.Started(CriuSession.dump(criu, o, listener),
                        CriuCommandLine.dump(criu, o)));
            } catch (CriuException expected) {
                // /bin/false never replies
            }
            var stats = org.criuatlas.bridge.images.CriuStats.warmUp(images.resolve("none"));
            CriuResult made = new CriuResult("dump", true, null, null, null, null, stats, List.of(), List.of(),
                    images.resolve("dump.log"), List.of(), "exit 0", Duration.ofMillis(1));
            new CriuRunOutput(false, false).print(made, false, CriuCommandLine.dump(criu, o));
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }
}
