package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuException;
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
}
