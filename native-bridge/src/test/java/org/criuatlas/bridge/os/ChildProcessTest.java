package org.criuatlas.bridge.os;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.proc.ProcessState;
import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** A child started with our fds, checked in /proc: what it holds, how it ends, that its whole group goes. */
class ChildProcessTest {
    @TempDir
    Path tmp;

    @Test
    void theChildGetsExactlyTheFdsGivenAndTalksThroughThem() throws Exception {
        try (Fd.Pair s = Fd.socketPair(SocketType.STREAM); Fd err = Fd.appendTo(tmp.resolve("err"));
             ChildProcess c = ChildProcess.startShell("ls /proc/self/fd >&2; tr a-z A-Z", Map.of("PATH", "/usr/bin:/bin"),
                     s.second(), s.second(), err)) {
            s.second().close(); // the child holds it now
            s.first().sendAll("hello\n".getBytes(StandardCharsets.UTF_8));
            s.first().shutdownOutput();
            StringBuilder got = new StringBuilder();
            byte[] b;
            while ((b = s.first().receive(new byte[64])) != null) got.append(new String(b, StandardCharsets.UTF_8));
            assertEquals("HELLO\n", got.toString());
            assertEquals(0, c.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
            Set<Integer> fds = Stream.of(Files.readString(tmp.resolve("err")).trim().split("\\s+")).map(Integer::parseInt)
                    .collect(Collectors.toCollection(TreeSet::new));
            // 0-2 and the directory ls reads: nothing of the JVM's leaks into the child
            assertEquals(Set.of(0, 1, 2, 3), fds);
        }
    }

    @Test
    void exitCodesAndSignalsAreReported() {
        try (ChildProcess ok = ChildProcess.startShell("exit 3", Map.of(), null, null, null);
             ChildProcess killed = ChildProcess.startShell("kill -9 $$", Map.of(), null, null, null)) {
            ChildProcess.Exit e = ok.waitFor(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(3, e.code());
            assertEquals("exit 3", e.toString());
            ChildProcess.Exit k = killed.waitFor(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(9, k.signal());
            assertEquals(-1, k.code());
            assertEquals("killed by signal 9", k.toString());
            assertFalse(LiveProcesses.exists(ok.pid()), "reaped");
        }
    }

    @Test
    void pollSaysRunningUntilItEnds() {
        try (Fd.Pipe gate = Fd.pipe();
             ChildProcess c = ChildProcess.startShell("read x", Map.of(), gate.readEnd(), null, null)) {
            assertTrue(c.poll().isEmpty());
            assertTrue(c.waitFor(Duration.ofMillis(50)).isEmpty(), "still waiting for its input");
            gate.writeEnd().sendAll("go\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, c.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
        }
    }

    @Test
    void terminateStopsTheWholeProcessGroup() {
        Path pidFile = tmp.resolve("grandchild");
        ChildProcess c = ChildProcess.startShell("sleep 600 & echo $! > " + pidFile + "; wait", Map.of("PATH", "/usr/bin:/bin"),
                null, null, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        int grandchild = Integer.parseInt(readQuietly(pidFile));
        assertEquals(c.pid(), LiveProcesses.stat(grandchild).orElseThrow().pgid(), "same process group as the shell");
        ChildProcess.Exit e = c.terminate(Duration.ofSeconds(5));
        assertEquals(15, e.signal(), "ended by SIGTERM: " + e);
        await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.state(grandchild).map(ProcessState::ended).orElse(true));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
