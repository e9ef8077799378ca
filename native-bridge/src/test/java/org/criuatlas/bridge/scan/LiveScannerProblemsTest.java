package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.sockdiag.SockDiagException;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** What a scan cannot see is recorded, never thrown (scripted /proc and sock_diag). */
class LiveScannerProblemsTest {
    static UnixSocket sock(long ino, long peer) {
        return new UnixSocket(ino, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, peer, 0, 0,
                List.of(), List.of(), false);
    }

    static IpcGraph scan(FakeProcFs fs, FakeKernel kernel, int euid) {
        try (LiveScanner s = new LiveScanner(() -> fs, kernel, euid, 2, FakeKernel.OWN)) {
            return s.scan();
        }
    }

    static FakeKernel unix(UnixSocket... sockets) {
        return new FakeKernel().unix(1, List.of(sockets));
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
        IpcGraph g = scan(fs, unix(sock(100, 101), sock(101, 100)), 1000);
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
        IpcGraph g = scan(fs, unix(), 0);
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
        IpcGraph g = scan(fs, unix(), 0);
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
        FakeKernel k = unix();
        k.dumpFails = new SockDiagException("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", 93);
        IpcGraph g = scan(fs, k, 0);
        assertEquals(1, g.processes().size());
        assertTrue(has(g, 0, "sockets in net namespace 1", "EPROTONOSUPPORT"), g.problems().toString());
    }

    @Test
    void socketsInAnotherNetNamespaceAreReadThere() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(9, 1, 0).fd(3, "socket:[70]").inNs("net", 12345);
        FakeKernel k = unix().unix(12345, List.of(sock(70, 0)));
        IpcGraph g = scan(fs, k, 0);
        assertEquals(List.of(new Holder(9, 3)), g.socket(70).holders());
        assertEquals(12345, g.socket(70).netNs());
        assertEquals(List.of(), g.problems());
    }

    @Test
    void aNetNamespaceThatCannotBeEnteredIsAProblemWithTheReason() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(9, 1, 0).fd(3, "socket:[70]").inNs("net", 12345);
        fs.add(10, 1, 0).fd(3, "socket:[71]").inNs("net", 12345);
        FakeKernel k = unix();
        k.refuse.put(12345L, ProcSyscalls.EPERM);
        IpcGraph g = scan(fs, k, 0);
        ScanProblem p = g.problems().stream().filter(x -> x.what().equals("sockets in net namespace 12345")).findFirst().orElseThrow();
        assertEquals(ScanProblem.Kind.NAMESPACE_NOT_ENTERED, p.kind());
        assertEquals(9, p.pid());
        assertTrue(p.reason().contains("EPERM") && p.reason().contains("2 process(es): [9, 10]"), p.reason());
        // its sockets are covered by that problem, not reported once more as unknown
        assertFalse(has(g, 9, "sockets", "not reported by sock_diag"), g.problems().toString());
    }

    @Test
    void aSocketNoDumpDescribesIsAnExplicitUnknown() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(12, 1, 0).fd(5, "socket:[900]").fd(6, "socket:[901]").socketProtocol.put(5, "TCP");
        IpcGraph g = scan(fs, unix(), 0);
        assertTrue(has(g, 12, "sockets", "fd 5 (socket:[900], TCP), fd 6 (socket:[901])"), g.problems().toString());
    }

    @Test
    void malformedStatIsAProblem() {
        FakeProcFs fs = new FakeProcFs();
        fs.add(11, 1, 0).stat = "garbage";
        IpcGraph g = scan(fs, unix(), 0);
        assertNull(g.process(11));
        assertTrue(has(g, 11, "stat", "comm"));
    }
}
