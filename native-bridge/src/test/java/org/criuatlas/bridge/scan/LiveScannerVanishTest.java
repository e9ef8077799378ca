package org.criuatlas.bridge.scan;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.testing.ScriptProcs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real process that exits in the middle of being read: the scan reads its stat through the real
 * /proc, then the process is killed and reaped before the rest is read. What follows fails in the
 * kernel (the /proc directory it holds open now refuses everything), and the scan records
 * "exited during the scan" instead of a half-read process or an exception.
 */
class LiveScannerVanishTest {
    static final String HOLDER = """
            import os, socket, time
            a, b = socket.socketpair(); r, w = os.pipe()
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void aProcessThatExitsWhileItIsReadIsAProblem() throws Exception {
        try (ScriptProcs py = ScriptProcs.start(Path.of("target", "scan-tests"), "vanish", HOLDER)) {
            int victim = py.pid();
            IpcGraph g = SeamScans.killingAfterStat(victim);
            assertNull(g.process(victim), "no half-read process");
            List<ScanProblem> about = g.problems().stream().filter(p -> p.pid() == victim).toList();
            assertEquals(1, about.size(), about.toString());
            assertEquals(ScanProblem.Kind.VANISHED, about.get(0).kind());
            assertEquals("exited during the scan", about.get(0).reason());
            assertFalse(g.processes().isEmpty(), "the rest of the system is still there");
        }
    }
}
