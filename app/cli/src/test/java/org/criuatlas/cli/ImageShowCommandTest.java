package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.images.SyntheticDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code criu-atlas show} on a hand-built image directory (no root, no CRIU). */
class ImageShowCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = AtlasCommand.commandLine(args).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void textShowsProcessesSocketsPipesObligationsAndStats() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        Run r = run("show", d.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("3 processes, 4 unix sockets, 1 pipes"), r.out());
        assertTrue(r.out().contains("102  ppid 100  pgid 100  sid 100  zombie  proc102"), r.out());
        assertTrue(r.out().contains("socket:[5002]  INHERIT_SOCKET  (pid 100 fd 5)"), r.out());
        assertTrue(r.out().contains("pipe:[6000]  readers 101:4  writers 100:4  3 bytes queued"), r.out());
        assertTrue(r.out().contains("frozen 5869 us"), r.out());
    }

    @Test
    void jsonAndInheritKeyCheck() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        Run r = run("show", d.toString(), "--json", "--inherit-key", "socket:[5002]", "--inherit-key", "socket:[9]");
        assertEquals(ExitCode.CHECK_SAYS_NO.code, r.code(), "an unknown key is a no");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(3, j.get("processes").size());
        assertEquals("socket:[5002]", j.get("obligations").get(0).get("key").asText());
        assertEquals(1, j.get("inheritKeyFindings").size());
        assertEquals("socket:[9]", j.get("inheritKeyFindings").get(0).get("key").asText());
        // the stats have the same names here as in dump --json
        assertEquals(95, j.get("stats").get("dump").get("freezingUs").asLong());
        assertEquals(5869, j.get("stats").get("dump").get("frozenUs").asLong());
        assertTrue(j.get("stats").get("restore").isNull(), "the synthetic dump has no stats-restore");
    }

    @Test
    void notADumpIsAClearError() {
        Run r = run("show", tmp.toString());
        assertEquals(ExitCode.NOT_FOUND.code, r.code());
        assertTrue(r.err().contains("no inventory.img"), r.err());
    }
}
