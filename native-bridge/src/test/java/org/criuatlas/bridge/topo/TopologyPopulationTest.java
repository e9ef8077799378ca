package org.criuatlas.bridge.topo;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark population: 1,000 processes holding 20,000 sockets, started and torn down in bounded time. */
class TopologyPopulationTest {

    @Test
    void thousandProcessesTwentyThousandSockets() throws Exception {
        long t0 = System.nanoTime();
        List<Integer> pids;
        long startMs;
        long closeStart;
        try (Topology t = Topology.population(1000, 20000)) {
            startMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1000, t.manifest().processes().size());
            long socketEnds = t.manifest().ends().stream().filter(e -> !t.object(e.object()).kind().equals("pipe")).count();
            assertTrue(socketEnds >= 20000, "socket ends: " + socketEnds);
            pids = t.manifest().processes().values().stream().map(Topology.Proc::pid).toList();

            // every socket end is seen by sock_diag in the right process at the right fd
            Map<Long, SsUnix> ss = SsUnix.snapshot();
            for (Topology.End e : t.manifest().ends()) {
                SsUnix row = ss.get(e.inode());
                assertTrue(row != null && row.users().contains(new SsUnix.User(e.process(), e.pid(), e.fd())),
                        "ss disagrees about " + e);
            }
            // a sample of processes holds exactly its ends and nothing inherited
            Random r = new Random(7);
            for (int i = 0; i < 50; i++) {
                String name = "p" + r.nextInt(1000);
                assertEquals(TopologyTest.expectedFds(t, name), ProcView.fds(t.pid(name)), "fds of " + name);
            }
            // the generated tree is real: p1 is forked by p0
            assertEquals(t.pid("p0"), ProcView.of(t.pid("p1")).ppid());
            closeStart = System.nanoTime();
        }
        long closeMs = (System.nanoTime() - closeStart) / 1_000_000;
        for (int pid : pids) assertTrue(ProcView.gone(pid), "pid " + pid + " left over");
        System.out.printf("population 1000 processes / 20000 sockets: ready in %d ms, close() took %d ms%n",
                startMs, closeMs);
        assertTrue(startMs < 30_000, "start took " + startMs + " ms");
        assertTrue(closeMs < 30_000, "teardown took " + closeMs + " ms");
    }
}
