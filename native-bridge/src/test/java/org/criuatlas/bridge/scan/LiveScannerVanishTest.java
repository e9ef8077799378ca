package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.testing.ScriptProcs;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
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

    /** The real /proc, which kills {@code victim} right after its stat was read. */
    static final class KillAfterStat implements ProcFs {
        final NativeProcFs real = new NativeProcFs();
        final int victim;

        KillAfterStat(int victim) { this.victim = victim; }

        @Override public int[] pids() throws ProcError { return real.pids(); }

        @Override public byte[] readProc(String name) throws ProcError { return real.readProc(name); }

        @Override
        public Dir open(int pid) throws ProcError {
            Dir d = real.open(pid);
            if (pid != victim) return d;
            return new Dir() {
                @Override
                public byte[] read(String name) throws ProcError {
                    byte[] b = d.read(name);
                    if (name.equals("stat")) {
                        LibC.kill(victim, LibC.SIGKILL);
                        assertTrue(TestProcs.waitGone(victim, Duration.ofSeconds(10)), "the victim was reaped");
                    }
                    return b;
                }
                @Override public String readlink(String name) throws ProcError { return d.readlink(name); }
                @Override public int[] fds() throws ProcError { return d.fds(); }
                @Override public String fdLink(int fd) throws ProcError { return d.fdLink(fd); }
                @Override public FileStat fdStat(int fd) throws ProcError { return d.fdStat(fd); }
                @Override public byte[] fdinfo(int fd) throws ProcError { return d.fdinfo(fd); }
                @Override public String socketProtocol(int fd) throws ProcError { return d.socketProtocol(fd); }
                @Override public void close() { d.close(); }
            };
        }

        @Override public void close() { real.close(); }
    }

    @Test
    void aProcessThatExitsWhileItIsReadIsAProblem() throws Exception {
        try (ScriptProcs py = ScriptProcs.start(Path.of("target", "scan-tests"), "vanish", HOLDER)) {
            int victim = py.pid();
            IpcGraph g;
            try (LiveScanner scanner = new LiveScanner(() -> new KillAfterStat(victim), new NativeKernelObjects(),
                    ProcSyscalls.geteuid(), 1, LiveScanner.ownNamespaces())) {
                g = scanner.scan();
            }
            assertNull(g.process(victim), "no half-read process");
            List<ScanProblem> about = g.problems().stream().filter(p -> p.pid() == victim).toList();
            assertEquals(1, about.size(), about.toString());
            assertEquals(ScanProblem.Kind.VANISHED, about.get(0).kind());
            assertEquals("exited during the scan", about.get(0).reason());
            assertFalse(g.processes().isEmpty(), "the rest of the system is still there");
        }
    }
}
