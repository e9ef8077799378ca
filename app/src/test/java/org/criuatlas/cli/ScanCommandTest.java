package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** {@code scan --json} on the live system: the documented fields are there and consistent. */
class ScanCommandTest {
    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, AtlasCommand.commandLine(args).execute(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonHasTheDocumentedShapeAndOurOwnPipe() throws Exception {
        long self = ProcessHandle.current().pid();
        Process child = new ProcessBuilder("cat").start(); // a pipe from us to a child we know
        try {
            JsonNode root = new ObjectMapper().readTree(run("scan", "--json", "--pid", String.valueOf(self)));
            assertEquals(1, root.path("meta").path("schema").asInt());
            assertEquals("live", root.path("meta").path("source").asText());
            Set<Integer> pids = new HashSet<>();
            for (JsonNode p : root.path("processes")) {
                pids.add(p.path("pid").asInt());
                for (String f : new String[] {"ppid", "comm", "cmdline", "uid", "state", "pgid", "sid", "netns", "fds"}) {
                    assertTrue(p.has(f), "process field " + f);
                }
            }
            assertEquals(Set.of((int) self, (int) child.pid()), pids, "--pid scopes to us and our child");
            boolean found = false;
            for (JsonNode pipe : root.path("pipes")) {
                boolean childReads = false, weWrite = false;
                for (JsonNode r : pipe.path("readers")) childReads |= r.path("pid").asLong() == child.pid() && r.path("fd").asInt() == 0;
                for (JsonNode w : pipe.path("writers")) weWrite |= w.path("pid").asLong() == self;
                found |= childReads && weWrite;
            }
            assertTrue(found, "the pipe to the child's stdin: we write, it reads at fd 0");
            for (JsonNode s : root.path("sockets")) {
                for (String f : new String[] {"ino", "type", "state", "name", "nameKind", "peer", "rqueue", "wqueue", "pending", "holders"}) {
                    assertTrue(s.has(f), "socket field " + f);
                }
            }
            assertTrue(root.path("problems").isArray());
            assertTrue(root.path("edges").isArray());
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void textOutputNamesProcesses() {
        String text = run("scan", "--pid", String.valueOf(ProcessHandle.current().pid()));
        assertTrue(text.startsWith("Live scan of "), text);
        assertTrue(text.contains("java"), text);
    }

    @Test
    void theSchemaIsDocumented() throws Exception {
        Path doc = Path.of(System.getProperty("criuatlas.repo", ".."), "docs", "scan-json.md");
        String md = Files.readString(doc);
        for (String f : new String[] {"`processes[]`", "`sockets[]`", "`pipes[]`", "`problems[]`", "`holders`", "`pending`"}) {
            assertTrue(md.contains(f), f);
        }
    }
}
