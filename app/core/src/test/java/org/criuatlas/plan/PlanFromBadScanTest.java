package org.criuatlas.plan;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.SeamScans;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.ScriptProcs;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input, end to end: a live scan of real processes at a bad moment records what it could not
 * see as scan problems, and the plan of the tree it touches then says "cannot tell" with the scan's
 * reason, never "will succeed". The bad moment is real where it can be (a process killed while the
 * scan reads it; a process in a net namespace of its own); the refusals a root scanner never meets
 * (EACCES on fd links, setns refused) are put in through the scanner's seams ({@link SeamScans}),
 * everything else being read from the real /proc and kernel. Each case is checked against a clean
 * scan of the same processes, whose plan is not "cannot tell".
 */
class PlanFromBadScanTest {
    static final Path DIR = Path.of("target", "bad-scan-tests");
    static final IntPredicate ALIVE = TestProcs::alive;

    /** In a session of its own (spawned so), a socketpair inside; nothing crosses. */
    static final String HOLDER = """
            import socket, time
            a, b = socket.socketpair()
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    static DumpPlan plan(IpcGraph g, int root) {
        return DumpPlanner.plan(g, root, Decisions.NONE, ALIVE, CriuTarget.RULES);
    }

    static IpcGraph cleanScan() {
        try (LiveScanner s = new LiveScanner()) {
            return s.scan();
        }
    }

    static void assertCannotTell(DumpPlan p, String reasonPart) {
        assertEquals(Outcome.UNKNOWN, p.outcome(), p.reasons() + " " + p.checks());
        assertFalse(p.willSucceed());
        assertTrue(p.reasons().stream().anyMatch(r -> r.contains(reasonPart)), "the reason is given: " + p.reasons());
    }

    @Test
    void fdLinksRefusedWithEaccesMakeThePlanCannotTell() throws Exception {
        try (ScriptProcs py = ScriptProcs.start(DIR, "eacces", HOLDER)) {
            int pid = py.pid();
            DumpPlan clean = plan(cleanScan(), pid);
            assertNotEquals(Outcome.UNKNOWN, clean.outcome(), "a clean scan decides: " + clean.reasons());

            IpcGraph g = SeamScans.refusingFds(pid);
            assertFalse(g.process(pid).fdsReadable());
            assertTrue(g.problems().stream().anyMatch(p -> p.pid() == pid && p.kind() == ScanProblem.Kind.NO_PERMISSION
                    && p.reason().contains("EACCES")), g.problems().toString());
            DumpPlan p = plan(g, pid);
            assertCannotTell(p, "could not read the open files of pid " + pid);
        }
    }

    /** A parent that reaps at once (SIGCHLD ignored) and one child; the child's pid on stdout. */
    static final String PARENT = """
            import os, signal, time
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)
            c = os.fork()
            if c == 0:
                while True: time.sleep(1)
            print('child', c, flush=True)
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void aChildThatExitsWhileTheScanReadsItMakesThePlanOfItsParentCannotTell() throws Exception {
        try (ScriptProcs py = ScriptProcs.start(DIR, "exits", PARENT)) {
            int parent = py.pid(), child = py.intValue("child");
            DumpPlan clean = plan(cleanScan(), parent);
            assertNotEquals(Outcome.UNKNOWN, clean.outcome(), "a clean scan decides: " + clean.reasons());
            assertTrue(clean.dumped().contains(child));

            IpcGraph g = SeamScans.killingAfterStat(child);
            assertFalse(TestProcs.alive(child), "the child really exited");
            assertNull(g.process(child), "no half-read process");
            ScanProblem gone = g.problems().stream().filter(p -> p.pid() == child).findFirst().orElseThrow();
            assertEquals(ScanProblem.Kind.VANISHED, gone.kind());
            assertEquals(parent, gone.exitedChildOf(), "the scan read its parent before it went: " + gone);
            assertCannotTell(plan(g, parent), "pid " + child + ", a child of pid " + parent + " in the dump, exited while the scan read it");

            // the process that exited, planned itself: it is gone, said so; never "will succeed"
            DumpPlan ofChild = plan(g, child);
            assertEquals(Outcome.DUMP_FAILS, ofChild.outcome(), ofChild.reasons().toString());
            assertTrue(ofChild.checks().get(0).message().contains("exited while the scan read it"), ofChild.checks().toString());
        }
    }

    /** Its own network namespace (unshare -n), a TCP listener and a bound UDP socket in it. */
    static final String IN_NETNS = """
            import socket, time
            t = socket.socket(); t.bind(('0.0.0.0', 0)); t.listen()
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('0.0.0.0', 0))
            print('tcp', t.fileno(), flush=True)
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void aNetNamespaceThatCannotBeEnteredMakesThePlanCannotTell() throws Exception {
        Requirements.requireRoot();
        try (ScriptProcs py = ScriptProcs.start(DIR, "netns", List.of("unshare", "-n"), IN_NETNS)) {
            int pid = py.pid();
            String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
            long netNs = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), link, "a namespace of its own");

            IpcGraph clean = cleanScan();
            DumpPlan cleanPlan = plan(clean, pid);
            assertTrue(cleanPlan.checks().stream().noneMatch(c -> c.kind() == PlanCheck.Kind.SCAN_PROBLEM), cleanPlan.checks().toString());
            assertTrue(cleanPlan.objects().stream().anyMatch(o -> o.kind().equals("tcp-listen") && o.pid() == pid),
                    "a clean scan sees the listener in the namespace: " + cleanPlan.objects());
            assertNotEquals(Outcome.UNKNOWN, cleanPlan.outcome(), cleanPlan.reasons().toString());

            IpcGraph g = SeamScans.refusingNetNamespace(netNs, SeamScans.EPERM);
            ScanProblem refused = g.problems().stream().filter(p -> p.namespace() != null && p.namespace().inode() == netNs)
                    .findFirst().orElseThrow(() -> new AssertionError(g.problems().toString()));
            assertEquals(ScanProblem.Kind.NAMESPACE_NOT_ENTERED, refused.kind());
            assertTrue(g.inetSockets().stream().noneMatch(s -> s.netNs() == netNs), "nothing of that namespace was read");
            DumpPlan p = plan(g, pid);
            assertCannotTell(p, "the scan could not read the sockets of net namespace " + netNs);
            assertTrue(p.reasons().stream().anyMatch(r -> r.contains("EPERM")), p.reasons().toString());
        }
    }
}
