package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.criuatlas.bridge.images.ElfBuildId;
import org.criuatlas.bridge.images.ReferencedFiles;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code restore --preview} after a real dump: a client connected to a syslog-like datagram server is
 * dumped with {@code --leave-running --ext-unix-sk}, so its pid stays in use; then the server's socket
 * path is removed. The preview (text and JSON) must name both conflicts, and the pid's live command.
 * And a program rebuilt after its dump (same size, another ELF build-id): the preview says the restore
 * is blocked before CRIU refuses it, and says nothing once the build is back, when CRIU restores it.
 */
@Tag("criu")
class RestorePreviewCriuTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CliRun.Result r = CliRun.run(args); // one lock for every test that swaps the standard streams
        return new Run(r.exit(), r.out(), r.err());
    }

    @Test
    void takenPidAndRemovedSocketPathAreBothConflicts() throws Exception {
        TestProcs.criuAsSubreaper();
        Path sock = tmp.resolve("log.sock"), lines = tmp.resolve("lines.txt");
        try (TestProcs.Proc server = TestProcs.python(TestProcs.DGRAM_SERVER, List.of(sock.toString(), lines.toString()), Map.of(), null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(sock));
            try (TestProcs.Proc client = TestProcs.python(TestProcs.DGRAM_CLIENT, List.of(sock.toString()), Map.of(), null)) {
                // the client is connected once its datagrams arrive
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(lines) && Files.size(lines) > 0);
                Path images = tmp.resolve("img");
                Run dump = run("dump", "--pid", "" + client.pid, "--images", images.toString(), "--leave-running", "--ext-unix-sk");
                assertEquals(0, dump.exit(), dump.out() + dump.err());
                assertTrue(client.alive(), "--leave-running keeps the client: its pid stays taken");
                Files.delete(sock);

                Run text = run("restore", "--images", images.toString(), "--preview");
                assertEquals(ExitCode.CHECK_SAYS_NO.code, text.exit(), text.out() + text.err());
                assertTrue(text.out().contains("PID_TAKEN") && text.out().contains("pid " + client.pid), text.out());
                assertTrue(text.out().contains("SOCKET_PATH_MISSING") && text.out().contains(sock.toString()), text.out());

                Run json = run("restore", "--images", images.toString(), "--preview", "--json");
                assertEquals(ExitCode.CHECK_SAYS_NO.code, json.exit(), json.err());
                JsonNode j = new ObjectMapper().readTree(json.out());
                assertEquals("restore-preview", j.get("command").asText());
                assertTrue(j.get("blocked").asBoolean());
                List<String> kinds = new ArrayList<>();
                JsonNode pidTaken = null, pathMissing = null;
                for (JsonNode c : j.get("conflicts")) {
                    kinds.add(c.get("kind").asText());
                    if (c.get("kind").asText().equals("PID_TAKEN")) pidTaken = c;
                    if (c.get("kind").asText().equals("SOCKET_PATH_MISSING")) pathMissing = c;
                }
                assertNotNull(pidTaken, "conflicts: " + kinds);
                assertNotNull(pathMissing, "conflicts: " + kinds);
                assertEquals("BLOCKS", pidTaken.get("severity").asText());
                assertEquals(client.pid, pidTaken.at("/pids/0").asInt());
                // what holds the pid now, as /proc says: the very client, still running
                String cmdline = Files.readString(Path.of("/proc/" + client.pid + "/cmdline")).replace('\0', ' ');
                assertTrue(cmdline.contains(sock.toString()));
                assertTrue(pidTaken.get("live").asText().contains(sock.toString()), pidTaken.toString());
                assertEquals(sock.toString(), pathMissing.get("subject").asText());
                assertEquals("BLOCKS", pathMissing.get("severity").asText());
                assertEquals(client.pid, pathMissing.at("/pids/0").asInt());
                assertFalse(Files.exists(images.resolve("restore.log")), "a preview runs no restore");
            }
        }
    }

    @Test
    void aProgramRebuiltSinceTheDumpBlocksAsCriuDoes() throws Exception {
        TestProcs.criuAsSubreaper();
        Path prog = tmp.resolve("atlas-sleep"), images = tmp.resolve("img");
        byte[] original = Files.readAllBytes(Path.of("/usr/bin/sleep"));
        Files.write(prog, original);
        assertTrue(prog.toFile().setExecutable(true));
        String id = ElfBuildId.of(prog, false).orElseThrow();
        int pid;
        try (TestProcs.Proc p = TestProcs.python("import os, sys\nos.execv(sys.argv[1], [sys.argv[1], '1000'])", List.of(prog.toString()),
                Map.of(), null)) {
            pid = p.pid;
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).equals(prog));
            Run dump = run("dump", "--pid", "" + pid, "--images", images.toString());
            assertEquals(0, dump.exit(), dump.out() + dump.err());
            assertTrue(TestProcs.waitGone(pid, Duration.ofSeconds(10)), "the dump ends the program");
        }
        // CRIU recorded the program's build-id, one byte per element: the image reader reads the same id
        assertEquals(List.of(id), ReferencedFiles.read(images).stream().filter(f -> f.path().equals(prog.toString()))
                .map(ReferencedFiles.RegularFile::buildId).distinct().toList());

        // rebuilt: same size, one byte of its build-id changed
        byte[] rebuilt = original.clone();
        int at = org.criuatlas.testing.ElfFiles.indexOf(rebuilt, java.util.HexFormat.of().parseHex(id));
        assertTrue(at > 0, "the build-id is in the file");
        rebuilt[at] ^= 0x5a;
        Files.write(prog, rebuilt);
        Run preview = run("restore", "--images", images.toString(), "--preview", "--json");
        assertEquals(ExitCode.CHECK_SAYS_NO.code, preview.exit(), preview.out() + preview.err());
        JsonNode conflict = null;
        for (JsonNode c : new ObjectMapper().readTree(preview.out()).get("conflicts")) {
            if (c.get("kind").asText().equals("FILE_BUILD_ID_CHANGED")) conflict = c;
        }
        assertNotNull(conflict, preview.out());
        assertEquals(prog.toString(), conflict.get("subject").asText());
        assertEquals("BLOCKS", conflict.get("severity").asText());
        assertTrue(conflict.get("image").asText().contains(id), conflict.toString());
        Run refused = run("restore", "--images", images.toString());
        try {
            assertEquals(ExitCode.CRIU_FAILED.code, refused.exit(), refused.out() + refused.err());
            assertTrue(Files.readString(images.resolve("restore.log")).contains("has bad build-ID"), refused.err());
        } finally {
            TestProcs.waitGone(pid, Duration.ofSeconds(10));
        }

        // the build the tree ran is back: nothing in the way, and CRIU restores it
        Files.write(prog, original);
        Run clear = run("restore", "--images", images.toString(), "--preview", "--json");
        assertFalse(clear.out().contains("FILE_BUILD_ID_CHANGED"), clear.out());
        Run restored = run("restore", "--images", images.toString());
        try {
            assertEquals(0, restored.exit(), restored.out() + restored.err());
            assertTrue(TestProcs.alive(pid), "the program runs again with its pid");
            assertEquals(prog, Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")));
        } finally {
            TestProcs.killAndReap(List.of(pid));
        }
    }
}
