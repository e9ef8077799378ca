package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.testing.EchoPair;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code criu-atlas bundle} after a real failed dump (a process whose socketpair peer is this JVM:
 * CRIU refuses the external socket). The printed listing must name exactly the files GNU tar finds in
 * the .tar.gz; the diagnosis, log, plan and command are the failure's; --no-command-lines and
 * --no-environment leave those out; --preview writes nothing.
 */
@Tag("criu")
class BundleCommandTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CliRun.Result r = CliRun.run(args); // one lock for every test that swaps the standard streams
        return new Run(r.exit(), r.out(), r.err());
    }

    static String tar(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tar"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The file names of a listing printed by bundle: the column after the size, without the folder. */
    static Set<String> listed(String out) {
        Set<String> names = new TreeSet<>();
        for (String line : out.lines().toList()) {
            String t = line.trim();
            int sp = t.indexOf("  ");
            if (sp < 0 || !t.substring(0, sp).chars().allMatch(Character::isDigit)) continue;
            String rest = t.substring(sp).trim();
            int slash = rest.indexOf('/');
            if (slash < 0 || !rest.startsWith("criu-atlas-bug-")) continue;
            names.add(rest.substring(slash + 1).split("\\s+")[0]);
        }
        return names;
    }

    @Test
    void failedDumpBundleListsWhatTarFinds() throws Exception {
        TestProcs.criuAsSubreaper();
        try (EchoPair pair = EchoPair.start()) {
            int pid = pair.echo.pid;
            Path images = tmp.resolve("img");
            Run dump = run("dump", "--pid", "" + pid, "--images", images.toString(), "--leave-running");
            assertEquals(ExitCode.CRIU_FAILED.code, dump.exit(), "the external socket makes CRIU refuse: " + dump.out());

            Path out = tmp.resolve("report.tar.gz");
            Run b = run("bundle", "--pid", "" + pid, "--images", images.toString(), "-o", out.toString());
            assertEquals(0, b.exit(), b.err());
            Set<String> expected = new TreeSet<>(Set.of("README.txt", "versions.txt", "criu-check.txt", "plan.md", "plan.json", "scan.json",
                    "dump.log", "diagnosis.txt", "command.txt", "environment.txt"));
            assertEquals(expected, listed(b.out()), b.out());
            Set<String> inTar = new TreeSet<>();
            for (String l : tar("-tzf", out.toString()).lines().toList()) if (!l.endsWith("/")) inTar.add(l.substring(l.indexOf('/') + 1));
            assertEquals(expected, inTar, "the listing is what the archive holds");

            Path x = Files.createDirectories(tmp.resolve("x"));
            tar("-xzf", out.toString(), "-C", x.toString());
            Path dir;
            try (var s = Files.list(x)) { dir = s.findFirst().orElseThrow(); }
            assertTrue(Files.readString(dir.resolve("diagnosis.txt")).contains("EXTERNAL_SOCKET_USED"), Files.readString(dir.resolve("diagnosis.txt")));
            assertEquals(Files.readString(images.resolve("dump.log"), StandardCharsets.ISO_8859_1),
                    Files.readString(dir.resolve("dump.log"), StandardCharsets.ISO_8859_1), "CRIU's log, whole");
            assertTrue(Files.readString(dir.resolve("command.txt")).contains("dump -t " + pid), Files.readString(dir.resolve("command.txt")));
            assertTrue(Files.readString(dir.resolve("versions.txt")).contains("Version: 4."));
            assertTrue(Files.readString(dir.resolve("versions.txt")).contains(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim()));
            assertTrue(Files.readString(dir.resolve("criu-check.txt")).contains("Looks good"));
            assertTrue(Files.readString(dir.resolve("plan.md")).contains("## pid " + pid));
            JsonNode scan = new ObjectMapper().readTree(dir.resolve("scan.json").toFile());
            assertEquals(pid, scan.at("/processes/0/pid").asInt());
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0")[0];
            assertEquals(cmdline, scan.at("/processes/0/cmdline/0").asText(), "command lines included by default");

            Run lean = run("bundle", "--pid", "" + pid, "--images", images.toString(), "--no-command-lines", "--no-environment",
                    "-o", tmp.resolve("lean.tar.gz").toString());
            assertEquals(0, lean.exit(), lean.err());
            Set<String> leanNames = listed(lean.out());
            assertFalse(leanNames.contains("environment.txt"), lean.out());
            assertTrue(leanNames.contains("scan.json"));
            Path y = Files.createDirectories(tmp.resolve("y"));
            tar("-xzf", tmp.resolve("lean.tar.gz").toString(), "-C", y.toString());
            Path leanDir;
            try (var s = Files.list(y)) { leanDir = s.findFirst().orElseThrow(); }
            JsonNode leanScan = new ObjectMapper().readTree(leanDir.resolve("scan.json").toFile());
            assertTrue(leanScan.at("/processes/0/cmdline").isNull(), "command line left out");
            assertFalse(Files.readString(leanDir.resolve("plan.md")).contains(cmdline), "no command line in the plan either");

            Path none = tmp.resolve("preview.tar.gz");
            Run pv = run("bundle", "--pid", "" + pid, "--images", images.toString(), "--preview", "-o", none.toString());
            assertEquals(0, pv.exit());
            assertEquals(expected, listed(pv.out()));
            assertTrue(pv.out().contains("--- diagnosis.txt ---"), pv.out());
            assertFalse(Files.exists(none), "a preview writes nothing");
        }
    }
}
