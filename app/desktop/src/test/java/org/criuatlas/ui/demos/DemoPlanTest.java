package org.criuatlas.ui.demos;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.plan.Crossing;
import org.criuatlas.plan.CrossingKind;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.Fix;
import org.criuatlas.plan.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every demo with real processes: start it, scan the live system, plan from its root, and check
 * the plan says what the lesson claims; stopping it leaves no process and no directory behind.
 * Works as any user (the processes are ours); CRIU is not needed.
 */
class DemoPlanTest {
    static DemoRunner runner;
    static LiveScanner scanner;

    @BeforeAll
    static void setUp() {
        runner = new DemoRunner();
        scanner = new LiveScanner();
    }

    @AfterAll
    static void tearDown() {
        if (runner != null) runner.close();
        if (scanner != null) scanner.close();
    }

    static List<Demo> demos() {
        return DemoCatalog.all();
    }

    /** A scan of the demo's processes (the director's subtree: the root, its children and the processes beside it). */
    static IpcGraph scan(StartedDemo s) {
        return scanner.scan(ScanScope.subtrees(Set.of(s.topology().directorPid())));
    }

    static StartedDemo start(Demo d) throws Exception {
        return runner.start(d).get(60, TimeUnit.SECONDS);
    }

    /** Stops the demo and checks that every pid and both directories are gone. */
    static void stopAndCheckGone(StartedDemo s) throws Exception {
        Set<Integer> pids = s.knownPids();
        Path sockets = s.socketDir(), work = s.workDir();
        runner.stop(s.demo()).get(60, TimeUnit.SECONDS);
        for (int pid : pids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " still exists after stop");
        assertFalse(Files.exists(sockets), "socket dir " + sockets + " left behind");
        assertFalse(Files.exists(work), "work dir " + work + " left behind");
        assertTrue(runner.running(s.demo()).isEmpty());
    }

    static long safeInode(StartedDemo s, String object, String process) {
        try {
            return s.inode(object, process);
        } catch (IllegalArgumentException notInThisDemo) {
            return -1;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("demos")
    void planAgreesWithTheLesson(Demo demo) throws Exception {
        StartedDemo s = start(demo);
        try {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.socketDir())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.workDir())));
            // every live value the lesson names exists in this demo
            String lesson = demo.lesson().text(Lesson.Values.of(s));
            assertFalse(lesson.contains("{") || lesson.contains("<"), lesson);
            assertTrue(lesson.contains(demo.rootProcess() + " (pid " + s.rootPid() + ")"), lesson);
            IpcGraph g = scan(s);
            DumpPlan plain = DumpPlanner.plan(g, s.rootPid(), Decisions.NONE);
            DumpPlan fixed = DumpPlanner.plan(g, s.rootPid(), DemoCheck.lessonFixes(s));
            assertEquals(List.of(), DemoCheck.disagreements(demo.expected(), s::inode, plain, fixed),
                    () -> "plan of " + demo + ": " + plain.crossings().stream().map(c -> c.kind() + " " + c.key()).toList());
            // and the check is not blind: the next demo's lesson does not fit this plan
            Demo other = DemoCatalog.all().get(demo.number() % DemoCatalog.all().size());
            assertFalse(DemoCheck.disagreements(other.expected(), (o, p) -> safeInode(s, o, p), plain, fixed).isEmpty(),
                    () -> other + "'s lesson fits the plan of " + demo);
            // the dump takes exactly the root's subtree: the processes beside it stay outside
            Set<Integer> subtree = g.subtree(s.rootPid());
            assertEquals(Set.copyOf(plain.dumped()), subtree);
        } finally {
            stopAndCheckGone(s);
        }
    }

    @Test
    void seedCaseIsOneSocketpairThatNeedsTheWorkersInode() throws Exception {
        StartedDemo s = start(DemoCatalog.SEED);
        try {
            long workerEnd = s.inode("seed", "worker");
            long supervisorEnd = s.inode("seed", "supervisor");
            // the whole system, as the window scans it
            DumpPlan plan = DumpPlanner.plan(scanner.scan(), s.rootPid(), Decisions.NONE);
            assertEquals(1, plan.crossings().size(), () -> "crossings: " + plan.crossings());
            Crossing c = plan.crossings().get(0);
            assertEquals(CrossingKind.SOCKETPAIR, c.kind());
            assertEquals("socket:[" + workerEnd + "]", c.key());
            assertEquals(supervisorEnd, c.outsideIno());
            assertEquals(List.of(s.topology().pid("supervisor")), c.outsideHolders().stream().map(h -> h.pid()).toList());
            assertEquals(Outcome.DUMP_FAILS, plan.outcome());
            assertEquals(CriuError.Kind.EXTERNAL_SOCKET_USED, plan.firstError().kind());
            assertEquals("Error (criu/sk-unix.c:874): unix: External socket is used. Consider using --ext-unix-sk option.",
                    plan.firstError().line());
            Fix fix = c.fixes().stream().filter(Fix::works).findFirst().orElseThrow();
            assertEquals(Fix.Kind.MARK_EXTERNAL, fix.kind());
            assertEquals("mark external: unix[" + workerEnd + "]", fix.title());
            // ticking the outside end is the tempting mistake: still fails
            assertFalse(DumpPlanner.plan(scan(s), s.rootPid(), Decisions.NONE.withExternal(supervisorEnd)).willSucceed());
            DumpPlan fixed = DumpPlanner.plan(scan(s), s.rootPid(), Decisions.NONE.withExternal(workerEnd));
            assertTrue(fixed.willSucceed());
            assertEquals(List.of("unix[" + workerEnd + "]"), fixed.options().external());
            assertEquals(1, fixed.obligations().size());
            assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, fixed.obligations().get(0).kind());
            assertEquals("socket:[" + workerEnd + "]", fixed.obligations().get(0).key());
        } finally {
            stopAndCheckGone(s);
        }
    }

    @Test
    void startingARunningDemoReturnsTheSameRunAndStopAllLeavesNothing() throws Exception {
        StartedDemo a = start(DemoCatalog.SELF_CONTAINED);
        StartedDemo b = start(DemoCatalog.SELF_CONTAINED);
        assertSame(a, b);
        StartedDemo c = start(DemoCatalog.PIPELINE);
        Set<Integer> pids = new java.util.HashSet<>(a.knownPids());
        pids.addAll(c.knownPids());
        runner.stopAll();
        for (int pid : pids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " survived stopAll");
        assertFalse(Files.exists(a.workDir()));
        assertFalse(Files.exists(c.socketDir()));
        assertTrue(runner.running().isEmpty());
    }

    @Test
    void adoptedPidsAreKilledAtStop() throws Exception {
        StartedDemo s = start(DemoCatalog.SELF_CONTAINED);
        // stands in for a process CRIU restored: not a child of the topology
        Process stray = new ProcessBuilder("sleep", "600").start();
        try {
            assertEquals(s, runner.adoptRestored(List.of((int) stray.pid())).orElseThrow());
            stopAndCheckGone(s);
            assertTrue(stray.waitFor(10, TimeUnit.SECONDS), "the adopted process was not killed");
        } finally {
            stray.destroyForcibly();
        }
    }
}
