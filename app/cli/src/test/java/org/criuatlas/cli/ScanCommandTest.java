package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.json.Json;
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
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress());
             java.net.Socket client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort());
             java.net.Socket accepted = server.accept()) {
            JsonNode root = new ObjectMapper().readTree(run("scan", "--json", "--pid", String.valueOf(self)));
            assertEquals(Json.SCHEMA_VERSION, root.path("schema").asInt());
            assertEquals("scan", root.path("command").asText());
            assertTrue(root.path("meta").path("scannerNamespaces").path("net").asLong() > 0);
            assertEquals("live", root.path("meta").path("source").asText());
            Set<Integer> pids = new HashSet<>();
            for (JsonNode p : root.path("processes")) {
                pids.add(p.path("pid").asInt());
                for (String f : new String[] {"ppid", "comm", "cmdline", "uid", "state", "pgid", "sid", "netns", "fds", "tpgid",
                        "controllingTty", "tracerPid", "threads", "seccomp", "namespaces", "namespacesApart", "cwd", "cwdDeleted"}) {
                    assertTrue(p.has(f), "process field " + f);
                }
                if (p.path("pid").asLong() == self) assertTrue(p.path("threads").asInt() > 1, "a JVM has threads");
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
            // our TCP connection: both ends ours, peers of each other, listener with its port
            int port = server.getLocalPort();
            JsonNode listener = null, ours = null;
            for (JsonNode s : root.path("inetSockets")) {
                for (String f : new String[] {"ino", "family", "protocol", "state", "local", "remote", "uid", "rqueue", "wqueue", "netns",
                        "peer", "holders"}) {
                    assertTrue(s.has(f), "inet socket field " + f);
                }
                if (s.path("state").asText().equals("listen") && s.path("local").path("port").asInt() == port) listener = s;
                if (s.path("remote").path("port").asInt() == port && s.path("state").asText().equals("established")) ours = s;
            }
            assertNotNull(listener, "our listener");
            assertEquals(self, listener.path("holders").get(0).path("pid").asLong());
            assertNotNull(ours, "our client socket");
            assertFalse(ours.path("peer").isNull(), "the accepted end is its peer");
            long peer = ours.path("peer").asLong();
            boolean edge = false;
            for (JsonNode s : root.path("inetSockets")) edge |= s.path("ino").asLong() == peer && s.path("peer").asLong() == ours.path("ino").asLong();
            assertTrue(edge, "and it is the peer's peer");
            for (String a : new String[] {"remoteEndpoints", "netlinkSockets", "packetSockets", "fileLocks", "sysvShm", "sysvSemaphores",
                    "sysvMessageQueues", "mounts", "sessions", "problems", "edges"}) {
                assertTrue(root.path(a).isArray(), a);
            }
            assertTrue(root.path("mounts").size() >= 1, "our mount namespace's table");
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
        for (String f : new String[] {"`processes[]`", "`sockets[]`", "`pipes[]`", "`problems[]`", "`holders`", "`pending`",
                "`inetSockets[]`", "`remoteEndpoints[]`", "`netlinkSockets[]`", "`packetSockets[]`", "`fileLocks[]`", "`sysvShm[]`",
                "`sysvSemaphores[]`", "`sysvMessageQueues[]`", "`mounts[]`", "`sessions[]`", "`namespacesApart`", "schema 2"}) {
            assertTrue(md.contains(f), f);
        }
    }
}
