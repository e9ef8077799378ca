package org.criuatlas.bridge.scan;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ScanProblem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Scanning while processes start and exit all the time: no exception, and the churn is recorded. */
class LiveScannerChurnTest {
    @Test
    void processesExitingDuringScansBecomeProblemsNotExceptions() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Process> started = new ArrayList<>();
        // a shell that forks short-lived children holding a pipe, as fast as it can
        Process churn = new ProcessBuilder("sh", "-c", "while :; do (sleep 0.0$((RANDOM % 9)) | cat) & sleep 0.005; done")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(churn);
        try (LiveScanner scanner = new LiveScanner()) {
            int problemsSeen = 0;
            // scan until some process was caught exiting (a deadline, not a number of scans: how long a
            // scan takes depends on how many processes the machine has and how busy it is)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int scans = 0;
            while (System.nanoTime() < deadline && (scans < 3 || problemsSeen == 0)) {
                IpcGraph g = scanner.scan();
                scans++;
                for (ScanProblem p : g.problems()) {
                    if (p.reason().contains("during the scan")) problemsSeen++;
                }
                assertFalse(g.processes().isEmpty());
            }
            assertTrue(scans >= 3, "scans " + scans);
            // ~200 processes a second come and go: some must exit between listing /proc and reading them
            assertTrue(problemsSeen > 0, "no vanished process recorded in " + scans + " scans");
            System.out.println("scans " + scans + ", vanish problems recorded " + problemsSeen);
        } finally {
            stop.set(true);
            for (Process p : started) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
