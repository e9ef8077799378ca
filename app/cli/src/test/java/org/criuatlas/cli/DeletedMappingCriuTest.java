package org.criuatlas.cli;

import org.criuatlas.testing.ElfFiles;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A process that maps a 2 MiB file whose name is gone (as after a package upgrade replaced its
 * library), and holds no fd on it: the plan must say the dump fails with CRIU's own line and that
 * {@code --ghost-limit} fixes it, and real CRIU must agree both ways.
 */
@Tag("criu")
class DeletedMappingCriuTest {
    @Test
    void theMappingOfADeletedFileOverTheGhostLimitFailsAsPlanned() throws Exception {
        TestProcs.criuAsSubreaper();
        Path dir = Files.createDirectories(Path.of("target", "deleted-mapping-" + System.nanoTime()).toAbsolutePath());
        Path lib = dir.resolve("libreplaced.so"), ready = dir.resolve("ready");
        try (TestProcs.Proc p = TestProcs.python(ElfFiles.MAP_DELETED_FILE, List.of(lib.toString(), ready.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(ready, 0, Duration.ofSeconds(20)) > 0, "the mapper did not start");
            assertTrue(Files.readString(Path.of("/proc/" + p.pid + "/maps")).contains(lib + " (deleted)"), "maps shows the deleted mapping");
            try (var fds = Files.list(Path.of("/proc/" + p.pid + "/fd"))) {
                for (Path fd : fds.toList()) {
                    assertFalse(Files.readSymbolicLink(fd).toString().contains(lib.getFileName().toString()), "no fd holds it: " + fd);
                }
            }
            String criuLine = "Can't dump ghost file " + lib + " of " + (2 << 20) + " size, increase limit";

            // scan --json shows it on the process, sized through map_files
            CliRun.Result scan = CliRun.run("scan", "--json", "--pid", "" + p.pid);
            assertEquals(0, scan.exit(), scan.err());
            com.fasterxml.jackson.databind.JsonNode proc = null;
            for (var n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(scan.out()).get("processes")) {
                if (n.get("pid").asInt() == p.pid) proc = n;
            }
            assertNotNull(proc);
            assertEquals(1, proc.get("deletedMappings").size(), proc.toString());
            assertEquals(lib.toString(), proc.at("/deletedMappings/0/path").asText());
            assertEquals(2 << 20, proc.at("/deletedMappings/0/size").asLong());
            assertEquals(0, proc.at("/deletedMappings/0/nlink").asInt());

            CliRun.Result plan = CliRun.run("plan", "--pid", "" + p.pid);
            assertEquals(ExitCode.CHECK_SAYS_NO.code, plan.exit(), plan.out() + plan.err());
            assertTrue(plan.out().contains(criuLine), plan.out());
            assertTrue(plan.out().contains("--ghost-limit " + (2 << 20)), "the fix: " + plan.out());

            CliRun.Result failed = CliRun.run("dump", "--pid", "" + p.pid, "--images", dir.resolve("img").toString(), "--leave-running");
            assertEquals(ExitCode.CRIU_FAILED.code, failed.exit(), failed.out() + failed.err());
            assertTrue(Files.readString(dir.resolve("img").resolve("dump.log")).contains(criuLine), "CRIU says what the plan said");
            assertTrue(p.alive(), "a failed dump leaves the process running");

            CliRun.Result fixed = CliRun.run("plan", "--pid", "" + p.pid, "--ghost-limit", "" + (2 << 20));
            assertEquals(ExitCode.OK.code, fixed.exit(), fixed.out() + fixed.err());
            CliRun.Result dumped = CliRun.run("dump", "--pid", "" + p.pid, "--images", dir.resolve("img2").toString(), "--leave-running",
                    "--ghost-limit", "" + (2 << 20));
            assertEquals(ExitCode.OK.code, dumped.exit(), dumped.out() + dumped.err());
        }
    }
}
