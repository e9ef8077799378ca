package org.criuatlas.plan;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SeccompMode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Which scan problems leave a plan undecided, on made-up snapshots (PlanFromBadScanTest does it on real processes). */
class ScanChecksTest {
    static ProcessInfo proc(int pid, int ppid, long netNs) {
        Namespaces ns = new Namespaces(1, 2, 3, netNs, 5, 5, 6, 6, 7, 8);
        return new ProcessInfo(pid, ppid, "p" + pid, List.of("p" + pid), 0, 'S', 10, 10, 0, netNs, List.of(), true, -1, 0, 1,
                SeccompMode.DISABLED, ns, "/");
    }

    static DumpPlan plan(ScanProblem... problems) {
        IpcGraph g = IpcGraph.builder(new IpcGraph.Meta(IpcGraph.Source.LIVE, "t", Instant.EPOCH, true, 1))
                .processes(List.of(proc(10, 1, 4), proc(11, 10, 44), proc(20, 1, 4))).problems(List.of(problems)).build();
        return DumpPlanner.plan(g, 10, Decisions.NONE, pid -> true, CriuTarget.RULES);
    }

    static List<PlanCheck> scanChecks(DumpPlan p) {
        return p.checks().stream().filter(c -> c.kind() == PlanCheck.Kind.SCAN_PROBLEM).toList();
    }

    @Test
    void problemsOutsideTheTreeOrOrdinaryChurnChangeNothing() {
        DumpPlan p = plan(new ScanProblem(20, "status", "no permission (EACCES)", ScanProblem.Kind.NO_PERMISSION),
                ScanProblem.exited(30, 20),
                new ScanProblem(11, "fd 3", "closed during the scan", ScanProblem.Kind.VANISHED),
                new ScanProblem(0, ScanProblem.namespaceWhat(NamespaceKind.NET, 4) + " (icmp/ipv6)", "read failed", ScanProblem.Kind.UNSUPPORTED),
                new ScanProblem(11, "sockets", "not listed by sock_diag (...): fd 5 (socket:[900], TCP), fd 6 (socket:[901], UDPv6)",
                        ScanProblem.Kind.UNSUPPORTED));
        assertEquals(List.of(), scanChecks(p));
        assertNotEquals(Outcome.UNKNOWN, p.outcome(), p.reasons().toString());
    }

    @Test
    void eachProblemThatTouchesTheTreeIsACheckThatCannotTell() {
        ScanProblem ns = new ScanProblem(11, ScanProblem.namespaceWhat(NamespaceKind.NET, 44),
                "cannot enter this net namespace: setns failed: EPERM", ScanProblem.Kind.NAMESPACE_NOT_ENTERED);
        assertEquals(new ScanProblem.Namespace(NamespaceKind.NET, 44), ns.namespace());
        DumpPlan p = plan(ns, ScanProblem.exited(12, 11),
                new ScanProblem(10, "status", "no permission (EACCES)", ScanProblem.Kind.NO_PERMISSION),
                new ScanProblem(11, "sockets", "not listed by sock_diag (...): fd 5 (socket:[900], ALG)", ScanProblem.Kind.UNSUPPORTED));
        List<PlanCheck> cs = scanChecks(p);
        assertEquals(4, cs.size(), cs.toString());
        assertEquals(Outcome.UNKNOWN, p.outcome());
        assertTrue(cs.get(0).message().contains("sockets of net namespace 44, where pid 11 of the dump lives: cannot enter"), cs.get(0).message());
        assertTrue(cs.get(1).message().startsWith("pid 12, a child of pid 11 in the dump, exited while the scan read it"), cs.get(1).message());
        assertTrue(cs.get(2).message().contains("could not read status of pid 10 (p10): no permission (EACCES)"), cs.get(2).message());
        assertTrue(cs.get(3).message().contains("fd 5 (socket:[900], ALG)"), cs.get(3).message());
        assertEquals(12, ScanProblem.exited(12, 11).pid());
        assertEquals(-1, new ScanProblem(12, "process", "exited during the scan", ScanProblem.Kind.VANISHED).exitedChildOf());
    }
}
