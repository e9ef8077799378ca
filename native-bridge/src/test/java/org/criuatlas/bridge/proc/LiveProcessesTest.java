package org.criuatlas.bridge.proc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** /proc facts of live processes, against ps(1). */
class LiveProcessesTest {
    @Test
    void ourOwnStatAgreesWithPs() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        ProcStat st = LiveProcesses.stat(self).orElseThrow();
        String[] ps = ps("pid=,ppid=,pgid=,sid=,comm=", self).trim().split("\\s+", 5);
        assertEquals(Integer.parseInt(ps[0]), st.pid());
        assertEquals(Integer.parseInt(ps[1]), st.ppid());
        assertEquals(Integer.parseInt(ps[2]), st.pgid());
        assertEquals(Integer.parseInt(ps[3]), st.sid());
        assertEquals(ps[4], st.comm());
        assertEquals(ps[4], LiveProcesses.comm(self).orElseThrow());
        assertTrue(LiveProcesses.running(self));
        assertFalse(LiveProcesses.loadAverage().isEmpty());
        Process id = new ProcessBuilder("id", "-u").start();
        assertEquals(new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(), Integer.toString(LiveProcesses.effectiveUid()));
    }

    @Test
    void aMissingProcessIsAbsentNotAnError() {
        int none = Integer.MAX_VALUE - 7; // above pid_max
        assertFalse(LiveProcesses.exists(none));
        assertTrue(LiveProcesses.stat(none).isEmpty());
        assertTrue(LiveProcesses.comm(none).isEmpty());
        assertEquals(List.of(), LiveProcesses.subtree(none));
        assertFalse(LiveProcesses.exists(0));
    }

    @Test
    void subtreeListsTheSameDescendantsAsPs() throws Exception {
        Process tree = new ProcessBuilder("bash", "-c", "(sleep 600 & wait) & sleep 600 & wait").start();
        try {
            int root = (int) tree.pid();
            await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.subtree(root).size() == 4);
            List<Integer> sub = LiveProcesses.subtree(root);
            assertEquals(root, sub.get(0), "the root first");
            Set<Integer> viaPs = new TreeSet<>(Set.of(root));
            for (int round = 0; round < 3; round++)
                for (int p : Set.copyOf(viaPs)) viaPs.addAll(children(p));
            assertEquals(viaPs, new TreeSet<>(sub));
            for (int p : sub.subList(1, sub.size()))
                assertTrue(sub.indexOf(LiveProcesses.stat(p).orElseThrow().ppid()) < sub.indexOf(p), "parents before children");
        } finally {
            tree.descendants().forEach(ProcessHandle::destroyForcibly);
            tree.destroyForcibly();
        }
    }

    @Test
    void processStateLettersInWords() {
        assertTrue(ProcessState.of('T').stopped());
        assertTrue(ProcessState.of('t').stopped());
        assertTrue(ProcessState.of('Z').ended());
        assertTrue(ProcessState.of('X').ended());
        assertTrue(ProcessState.of('S').alive());
        assertFalse(ProcessState.of('Z').alive());
        assertEquals(ProcessState.OTHER, ProcessState.of('?'));
    }

    static Set<Integer> children(int pid) throws Exception {
        String out = ps("pid=", -pid);
        return Arrays.stream(out.trim().split("\\s+")).filter(s -> !s.isEmpty()).map(Integer::parseInt).collect(Collectors.toSet());
    }

    /** {@code ps -o FORMAT -p PID}, or with a negative pid {@code --ppid -PID}. */
    static String ps(String format, int pid) throws Exception {
        Process p = new ProcessBuilder("ps", "-o", format, pid < 0 ? "--ppid" : "-p", Integer.toString(Math.abs(pid))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
