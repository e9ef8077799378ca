package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.sockdiag.SockDiagException;
import org.criuatlas.bridge.sockdiag.UnixSocketDump;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** What a scan cannot see is recorded, never thrown (scripted /proc and sock_diag). */
class LiveScannerProblemsTest {
    static UnixSocket sock(long ino, long peer) {
        return new UnixSocket(ino, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, peer, 0, 0,
                List.of(), List.of(), false);
    }

    static IpcGraph scan(FakeProcFs fs, Supplier<UnixSocketDump.Result> dump, int euid) {
        try (LiveScanner s = new LiveScanner(() -> fs, dump, euid, 2)) {
            return s.scan();
        }
    }

    static boolean has(IpcGraph g, int pid, String what, String reason) {
        for (ScanProblem p : g.problems()) {
            if (p.pid() == pid && p.what().contains(what) && p.reason().contains(reason)) return true;
        }
        return false;
    }

    @Test
    void notRootSeesOwnProcessesAndSaysWhatItCouldNot() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(10, 1, 1000).fd(3, "socket:[100]");
        fs.add(20, 1, 0).fd(4, "socket:[101]").fdsErrno = ProcSyscalls.EACCES;
        IpcGraph g = scan(fs, () -> new UnixSocketDump.Result(List.of(sock(100, 101), sock(101, 100)), false), 1000);
        assertFalse(g.meta().privileged());
        assertEquals(List.of(10), List.copyOf(g.processes().keySet()));
        assertEquals(List.of(new Holder(10, 3)), g.socket(100).holders());
        assertEquals(List.of(), g.socket(101).holders(), "the peer stays, owner unknown");
        assertTrue(has(g, 0, "processes of other users", "1 not shown: no permission"), g.problems().toString());
    }

    @Test
    void refusedFdLinksMarkTheFdTableUnreadable() {
        FakeProcFs fs = new FakeProcFs();
        FakeProcFs.Proc p = fs.add(1, 0, 0).fd(0, "/dev/null").fd(1, "socket:[5]");
        p.fdErrno.put(0, ProcSyscalls.EACCES);
        IpcGraph g = scan(fs, () -> new UnixSocketDump.Result(List.of(), false), 0);
        assertTrue(g.meta().privileged());
        assertFalse(g.process(1).fdsReadable());
        assertEquals(List.of(), g.process(1).fds());
        assertTrue(has(g, 1, "fds", "no permission"));
    }

    @Test
    void vanishedProcessesAndClosedFdsAreProblems() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(7, 1, 0).openErrno = ProcSyscalls.ENOENT;
        FakeProcFs.Proc p = fs.add(8, 1, 0).fd(0, "pipe:[50]").fd(1, "socket:[60]").fd(2, "pipe:[50]");
        p.fdErrno.put(1, ProcSyscalls.ENOENT);
        p.fdinfo.put(0, "pos:\t0\nflags:\t00\n");
        // fd 2's fdinfo is missing: closed between readlink and fdinfo
        IpcGraph g = scan(fs, () -> new UnixSocketDump.Result(List.of(), false), 0);
        assertNull(g.process(7));
        assertTrue(has(g, 7, "process", "exited during the scan"));
        assertTrue(has(g, 8, "fd 1", "closed during the scan"));
        assertTrue(has(g, 8, "fd 2", "closed during the scan"));
        assertEquals(List.of(0), g.process(8).fds().stream().map(f -> f.fd()).toList());
        assertEquals(List.of(new Holder(8, 0)), g.pipe(50).readers());
    }

    @Test
    void aFailingSocketDumpIsAProblemNotAnException() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(8, 1, 0).fd(1, "socket:[60]");
        IpcGraph g = scan(fs, () -> { throw new SockDiagException("socket(AF_NETLINK)", 93); }, 0);
        assertEquals(1, g.processes().size());
        assertTrue(has(g, 0, "sock_diag", "EPROTONOSUPPORT"), g.problems().toString());
    }

    @Test
    void socketsInAnotherNetNamespaceAreReported() {
        FakeProcFs fs = new FakeProcFs();
        FakeProcFs.Proc p = fs.add(9, 1, 0).fd(3, "socket:[70]");
        p.netns = "net:[12345]";
        IpcGraph g = scan(fs, () -> new UnixSocketDump.Result(List.of(), false), 0);
        assertTrue(has(g, 9, "net namespace 12345", "not visible to sock_diag"), g.problems().toString());
    }

    @Test
    void malformedStatIsAProblem() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(11, 1, 0).stat = "garbage";
        IpcGraph g = scan(fs, () -> new UnixSocketDump.Result(List.of(), false), 0);
        assertNull(g.process(11));
        assertTrue(has(g, 11, "stat", "comm"));
    }
}
