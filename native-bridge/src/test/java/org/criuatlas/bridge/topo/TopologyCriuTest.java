package org.criuatlas.bridge.topo;

import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.criuatlas.model.SocketType.DGRAM;
import static org.criuatlas.model.SocketType.SEQPACKET;
import static org.criuatlas.model.SocketType.STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tree processes must be dumpable: a stray inherited fd would be an external object and fail the dump. */
@Tag("criu")
class TopologyCriuTest {

    /** Everything inside the subtree of "solo": no edge leaves it. */
    static TopologySpec selfContained() {
        return new TopologySpec()
                .process("solo").process("kid", "solo")
                .socketpair("sp", STREAM, "solo", "kid")
                .socketpair("sq", SEQPACKET, "kid", "solo")
                .socketpair("sd", DGRAM, "solo", "kid")
                .pipe("p", "kid", "solo").talk("p", "write", 50)
                .listen("srv", STREAM, "solo", TopologySpec.AUTO_PATH)
                .connect("cli", "kid", "srv")
                .dgramServer("log", "solo", TopologySpec.AUTO_ABSTRACT)
                .connect("dcli", "kid", "log")
                .unbound("u", STREAM, "kid");
    }

    static int criu(Path criu, Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(criu.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("criu.out").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("criu " + args[0] + " hung");
        }
        return p.exitValue();
    }

    @Test
    void selfContainedTreeDumpsWhileLeftRunning(@TempDir Path dir) throws Exception {
        Path criu = Requirements.requireCriu();
        try (Topology t = Topology.start(selfContained())) {
            int rc = criu(criu, dir, "dump", "-t", Integer.toString(t.pid("solo")), "-D", dir.toString(),
                    "--leave-running", "-v4", "-o", "dump.log");
            String log = Files.readString(dir.resolve("dump.log"));
            assertEquals(0, rc, "criu dump failed:\n" + tail(log));
            assertTrue(log.contains("Dumping finished successfully"), tail(log));
            // still running and unchanged
            TopologyTest.assertExactFds(t);
        }
    }

    @Test
    void restoredTreeEchoesAgainAndIsKilledAtClose(@TempDir Path dir) throws Exception {
        Path criu = Requirements.requireCriu();
        List<Integer> pids;
        try (Topology t = Topology.start(selfContained())) {
            pids = List.of(t.pid("solo"), t.pid("kid"));
            t.adopt(pids);
            int rc = criu(criu, dir, "dump", "-t", Integer.toString(t.pid("solo")), "-D", dir.toString(), "-v4", "-o", "dump.log");
            assertEquals(0, rc, "criu dump failed:\n" + tail(Files.readString(dir.resolve("dump.log"))));
            // the director reaps its dumped child; wait until the pids are free again
            for (int pid : pids) TopologyTest.await("pid " + pid + " gone", () -> ProcView.gone(pid));
            rc = criu(criu, dir, "restore", "-d", "-D", dir.toString(), "-v4", "-o", "restore.log");
            assertEquals(0, rc, "criu restore failed:\n" + tail(Files.readString(dir.resolve("restore.log"))));
            assertEquals("solo", ProcView.of(t.pid("solo")).comm());
            assertEquals(t.pid("solo"), ProcView.of(t.pid("kid")).ppid());
            // same fds of the same kinds; inodes are new after a restore
            for (String proc : List.of("solo", "kid")) {
                Map<Integer, String> want = new TreeMap<>(), got = new TreeMap<>();
                TopologyTest.expectedFds(t, proc).forEach((fd, link) -> want.put(fd, link.replaceAll("\\[\\d+]", "")));
                ProcView.fds(t.pid(proc)).forEach((fd, link) -> got.put(fd, link.replaceAll("\\[\\d+]", "")));
                assertEquals(want, got, "fds of restored " + proc);
            }
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(t.address("srv").value()))) {
                String msg = "after restore\n";
                ch.write(ByteBuffer.wrap(msg.getBytes(StandardCharsets.UTF_8)));
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (buf.position() < msg.length() && ch.read(buf) > 0) { /* whole echo */ }
                assertEquals(msg, new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
            }
            int before = t.log("p").size();
            TopologyTest.await("talk resumes after restore", () -> t.log("p").size() > before + 2);
            // signal handling survived too: SIGUSR1 makes kid ping on its dgram client
            t.ping("kid");
            TopologyTest.await("ping after restore", () -> t.log("log").contains("ping kid"));

            // the director on its own kills the restored tasks (not its children any more) by pid
            long t0 = System.nanoTime();
            ProcessSignals.kill(t.directorPid(), ProcessSignals.SIGTERM);
            TopologyTest.await("director exit", () -> !t.directorAlive());
            for (int pid : pids) assertTrue(ProcView.gone(pid), "restored pid " + pid + " survived the director");
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L, "director teardown took too long");
        }
        for (int pid : pids) assertTrue(ProcView.gone(pid) || ProcView.of(pid).state() == 'Z', "restored pid " + pid + " left running");
    }

    private static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }
}
