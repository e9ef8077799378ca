package org.criuatlas.cli;

import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A headless dump in its own JVM, started as the launcher starts it ({@code org.criuatlas.Main}):
 * logging is set up only when the first record comes (AtlasLog.configureOnFirstUse), and the log file
 * still gets the command's INFO lines, for a dump that worked and for one refused before criu ran.
 */
@Tag("criu")
class HeadlessLogFileCriuTest {
    @Test
    void aHeadlessDumpLogsToTheFile() throws Exception {
        Path criu = Requirements.requireCriu();
        Path tmp = Path.of("target", "headless-log-file").toAbsolutePath();
        if (Files.exists(tmp)) try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Path state = tmp.resolve("state"), log = state.resolve("criu-atlas.0.log");
        TestProcs.criuAsSubreaper();
        try (Topology t = Topology.start(new TopologySpec().process("p"))) {
            int pid = t.pid("p");
            Result ok = main(criu, state, "dump", "--pid", "" + pid, "--images", tmp.resolve("img").toString(), "--leave-running");
            assertEquals(0, ok.exit, ok.output);
            assertTrue(ok.output.contains("dump: SUCCESS"), ok.output);
            String text = Files.readString(log);
            assertTrue(text.contains("INFO org.criuatlas.cli.CriuRunOutput: dump started: "), text);
            assertTrue(text.contains("INFO org.criuatlas.cli.CriuRunOutput: dump succeeded in "), text);
            assertFalse(ok.output.contains("dump started"), "INFO goes to the file only, not to stderr: " + ok.output);
        }
        // refused before any criu: the one-line error is on stderr and in the file
        Result gone = main(criu, state, "dump", "--pid", "999999999", "--images", tmp.resolve("none").toString());
        assertEquals(ExitCode.NOT_FOUND.code, gone.exit, gone.output);
        assertTrue(Files.readString(log).contains("INFO org.criuatlas.cli.AtlasCommand: criu-atlas dump: no process 999999999 (exit 4)"),
                Files.readString(log));
    }

    private record Result(int exit, String output) {}

    private static Result main(Path criu, Path state, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + org.criuatlas.logging.AtlasLog.STATE_DIR_PROPERTY + "=" + state, "-cp", System.getProperty("java.class.path"),
                "org.criuatlas.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CRIU_ATLAS_CRIU", criu.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new Result(p.exitValue(), out);
    }
}
