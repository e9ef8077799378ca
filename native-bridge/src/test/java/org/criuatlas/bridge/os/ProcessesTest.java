package org.criuatlas.bridge.os;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.proc.ProcessState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** Signals, reaping and waiting for an end on a pidfd, on real processes. */
class ProcessesTest {
    @Test
    void awaitEndWakesWhenAProcessEndsAndTimesOutWhileItRuns() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        try {
            int pid = (int) sleeper.pid();
            long t0 = System.nanoTime();
            assertFalse(Processes.awaitEnd(pid, Duration.ofMillis(100)), "still running");
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(90), "waited the whole timeout");
            assertTrue(Processes.signal(pid, Processes.Signal.KILL));
            assertTrue(Processes.awaitEnd(pid, Duration.ofSeconds(10)), "woken by the pidfd once the JDK reaped it");
            assertFalse(LiveProcesses.exists(pid));
            assertFalse(Processes.signal(pid, Processes.Signal.KILL), "no such process any more");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void anEndedChildOfOursIsAZombieUntilStillPresentReapsIt() {
        ChildProcess c = ChildProcess.startShell("exit 0", Map.of(), null, null, null);
        int pid = c.pid();
        assertTrue(Processes.awaitExit(pid, Duration.ofSeconds(10)));
        assertEquals(ProcessState.ZOMBIE, LiveProcesses.state(pid).orElseThrow(), "nobody has waited for it yet");
        assertEquals(List.of(), Processes.stillPresent(List.of(pid)));
        assertFalse(LiveProcesses.exists(pid), "reaped");
    }

    @Test
    void stopAndContinueShowInTheProcessState() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        try {
            int pid = (int) sleeper.pid();
            new ProcessBuilder("kill", "-STOP", Integer.toString(pid)).start().waitFor();
            await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.state(pid).map(ProcessState::stopped).orElse(false));
            assertEquals("T", ps(pid).substring(0, 1), "ps agrees");
            Processes.signal(pid, Processes.Signal.CONT);
            await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.state(pid).map(s -> !s.stopped()).orElse(false));
            assertTrue(LiveProcesses.running(pid));
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void killAllKillsChildrenFirstAndWaitsForThem() throws Exception {
        Process tree = new ProcessBuilder("bash", "-c", "sleep 600 & sleep 600 & wait").start();
        try {
            int root = (int) tree.pid();
            await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.subtree(root).size() == 3);
            List<Integer> pids = LiveProcesses.subtree(root);
            assertEquals(List.of(), Processes.killAll(pids, Duration.ofSeconds(10)));
            for (int p : pids) assertFalse(LiveProcesses.running(p), "pid " + p);
        } finally {
            tree.destroyForcibly();
        }
    }

    static String ps(int pid) throws Exception {
        Process p = new ProcessBuilder("ps", "-o", "stat=", "-p", Integer.toString(pid)).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }
}
