package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.testing.EchoPair;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The headless dump/restore/check commands, in-process, on real processes and the real CRIU. */
class CriuCommandsTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() {
        TestProcs.criuAsSubreaper();
    }

    @Test
    void checkReportsVersionAndHealth() throws Exception {
        CliRun.Result r = CliRun.run("check", "--json");
        assertEquals(0, r.exit(), r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("check", j.get("command").asText());
        assertTrue(j.at("/version/criuVersion").asText().startsWith("4."), r.out());
        assertTrue(j.at("/check/success").asBoolean());
    }

    @Test
    void seedScenarioThroughTheCommands() throws Exception {
        int[] fresh = null;
        try (EchoPair pair = EchoPair.start()) {
            var echo = pair.echo;
            long inside = pair.inside, outside = pair.outside;
            Path images = tmp.resolve("img");

            CliRun.Result refused = CliRun.run("dump", "--pid", "" + echo.pid, "--images", tmp.resolve("refused").toString(), "--leave-running", "--json");
            assertEquals(1, refused.exit(), refused.out());
            JsonNode d0 = new ObjectMapper().readTree(refused.out()).at("/diagnoses/0");
            assertEquals("EXTERNAL_SOCKET_USED", d0.get("kind").asText());
            assertEquals(inside, d0.get("dumpedIno").asLong());
            assertEquals(outside, d0.get("outsideIno").asLong());

            CliRun.Result dump = CliRun.run("dump", "--pid", "" + echo.pid, "--images", images.toString(), "--external", "unix[" + inside + "]");
            assertEquals(0, dump.exit(), dump.out() + dump.err());
            assertTrue(dump.err().contains("stage post-dump"), "progress on stderr: " + dump.err());
            assertFalse(dump.out().contains("stage post-dump"), "stdout holds the result only");
            assertTrue(dump.out().contains("dump: SUCCESS"), dump.out());
            assertTrue(TestProcs.waitGone(echo.pid, Duration.ofSeconds(10)));
            pair.closeOurs();

            fresh = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
            CliRun.Result bad = CliRun.run("restore", "--images", images.toString(), "--inherit-fd", "socket[" + inside + "]");
            assertEquals(2, bad.exit(), "malformed --inherit-fd is a usage error");
            CliRun.Result restore = CliRun.run("restore", "--images", images.toString(), "--inherit-fd", fresh[1] + ":socket:[" + inside + "]", "--json");
            assertEquals(0, restore.exit(), restore.out());
            JsonNode j = new ObjectMapper().readTree(restore.out());
            assertEquals(echo.pid, j.get("restoredPid").asInt());
            assertEquals("restore", j.get("command").asText());
            assertTrue(j.get("criuCommand").asText().contains("--inherit-fd 'fd[" + fresh[1] + "]:socket:[" + inside + "]'"), j.get("command").asText());
            LibC.close(fresh[1]);
            assertEquals("via the command", TestProcs.roundTrip(fresh[0], "via the command", Duration.ofSeconds(5)));
        } finally {
            if (fresh != null) LibC.close(fresh[0]);
        }
    }

    /** The images hold a flock: restore adds --file-locks by itself, says so, and the restored holder has its lock (/proc/locks). */
    @Test
    void restoreAddsFileLocksWhenTheImagesHoldALock() throws Exception {
        var spec = new org.criuatlas.bridge.topo.TopologySpec().process("holder")
                .file("f", "holder").lock("k", "holder", "f", org.criuatlas.bridge.topo.TopologySpec.LockType.FLOCK, true, 0, 0);
        try (var t = org.criuatlas.bridge.topo.Topology.start(spec)) {
            int pid = t.pid("holder");
            assertEquals(1, TestProcs.locksHeldBy(java.util.Set.of(pid)), "the kernel shows the flock");
            Path images = tmp.resolve("locks");
            CliRun.Result dump = CliRun.run("dump", "--pid", "" + pid, "--images", images.toString(), "--file-locks");
            assertEquals(0, dump.exit(), dump.out() + dump.err());
            assertTrue(TestProcs.waitGone(pid, Duration.ofSeconds(10)));
            CliRun.Result restore = CliRun.run("restore", "--images", images.toString(), "--json");
            assertEquals(0, restore.exit(), restore.out() + restore.err());
            assertTrue(restore.err().contains("1 file lock was dumped: restored with --file-locks"), restore.err());
            JsonNode j = new ObjectMapper().readTree(restore.out());
            assertTrue(j.get("criuCommand").asText().contains("--file-locks"), j.get("criuCommand").asText());
            assertEquals(pid, j.get("restoredPid").asInt());
            assertEquals(1, TestProcs.locksHeldBy(java.util.Set.of(pid)), "the restored holder holds its lock");
        }
    }
}
