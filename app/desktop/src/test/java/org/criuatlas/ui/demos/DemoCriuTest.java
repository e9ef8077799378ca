package org.criuatlas.ui.demos;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.restore.ConsoleEnd;
import org.criuatlas.restore.RestoreOutcome;
import org.criuatlas.restore.RestoreRunner;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The lessons' claims against real CRIU 4.1.1, through the bridge's CriuSession: for every demo
 * the dump with nothing ticked fails (with the lesson's error, the tree still running) or dumps as
 * the lesson says, and the dump with the lesson's fixes succeeds. The seed case then goes all the
 * way: dump with the fix, restore with a console kept by CRIU Atlas, and the restored worker echoes.
 */
@Tag("criu")
class DemoCriuTest {
    Path criu;
    DemoRunner runner;
    LiveScanner scanner;
    ExecutorService pool;

    @BeforeEach
    void setUp() {
        criu = Requirements.requireCriu();
        runner = new DemoRunner();
        scanner = new LiveScanner();
        pool = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) runner.close();
        if (scanner != null) scanner.close();
        if (pool != null) {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    static List<Demo> demos() {
        return DemoCatalog.all();
    }

    private DumpPlan plan(StartedDemo s, Decisions d) {
        return DumpPlanner.plan(scanner.scan(ScanScope.subtrees(Set.of(s.topology().directorPid()))), s.rootPid(), d);
    }

    private CriuResult dump(DumpPlan plan, Path images, boolean leaveRunning) {
        CriuOptions o = plan.options().withImagesDir(images).withLeaveRunning(leaveRunning).withLogFile("dump.log");
        try (CriuSession session = CriuSession.dump(criu, o, null)) {
            return session.await(Duration.ofSeconds(90));
        }
    }

    private static List<String> log(CriuResult r) throws Exception {
        return r.logFile() != null && Files.exists(r.logFile()) ? Files.readAllLines(r.logFile()) : List.of();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("demos")
    void lessonHoldsAgainstRealCriu(Demo demo) throws Exception {
        StartedDemo s = runner.start(demo).get(60, TimeUnit.SECONDS);
        DumpPlan plain = plan(s, Decisions.NONE);
        CriuResult r = dump(plain, s.imagesDir(1), true);
        assertEquals(demo.expected().outcome().dumps(), r.success(), () -> "dump with nothing ticked: " + r);
        assertEquals(plain.willSucceed(), r.success(), "the planner agrees with CRIU");
        if (!r.success()) {
            assertEquals(demo.expected().firstError(), CriuError.Kind.firstIn(log(r)), () -> "first error in " + r.logFile());
            if (demo.expected().firstError() == CriuError.Kind.EXTERNAL_SOCKET_USED)
                assertTrue(r.has(CriuDiagnosis.Kind.EXTERNAL_SOCKET_USED), () -> r.diagnoses().toString());
        }
        for (var e : s.pids().entrySet())
            assertTrue(Files.exists(Path.of("/proc/" + e.getValue())), e.getKey() + " still runs after the dump");

        DumpPlan fixed = plan(s, DemoCheck.lessonFixes(s));
        assertTrue(fixed.willSucceed(), () -> "plan with fixes: " + fixed.reasons());
        CriuResult r2 = dump(fixed, s.imagesDir(2), true);
        assertTrue(r2.success(), () -> "dump with the lesson's fixes " + fixed.options() + ": " + r2);
        // the images ask for what the plan said the restore must be given; datagram sockets of a named
        // peer are listed too, and the board's default for them is "reconnect by name" (nothing handed in)
        ImageDump images = ImageReader.open(s.imagesDir(2));
        List<String> imageKeys = images.obligations().stream().map(o -> o.key()).toList();
        for (var o : fixed.obligations()) assertTrue(imageKeys.contains(o.key()), () -> o.key() + " not in " + imageKeys);
        RestoreWiringPlan board = RestoreWiringPlan.of(images);
        for (var row : board.rows()) {
            boolean planned = fixed.obligations().stream().anyMatch(o -> o.key().equals(row.key()));
            if (!planned) assertEquals(Destination.Kind.RECONNECT, row.destination().kind(), () -> "unplanned row " + row);
        }
        runner.stop(demo).get(60, TimeUnit.SECONDS);
        assertFalse(Files.exists(s.workDir()));
    }

    @Test
    void seedCaseRestoredWithAConsoleEchoesAgain() throws Exception {
        StartedDemo s = runner.start(DemoCatalog.SEED).get(60, TimeUnit.SECONDS);
        Map<String, Integer> pids = s.pids();
        long workerEnd = s.inode("seed", "worker");
        DumpPlan fixed = plan(s, DemoCheck.lessonFixes(s));
        assertEquals(List.of("unix[" + workerEnd + "]"), fixed.options().external());
        CriuResult d = dump(fixed, s.imagesDir(1), false);
        assertTrue(d.success(), () -> "dump: " + d);
        waitGone(pids.get("worker"));
        waitGone(pids.get("app"));

        ImageDump images = ImageReader.open(s.imagesDir(1));
        Path work = s.workDir().resolve("restore-work");
        Files.createDirectories(work);
        RestoreWiringPlan wiring = RestoreWiringPlan.of(images).withWorkDir(work).withRestoreSibling(true);
        assertEquals(1, wiring.rows().size(), wiring.rows().toString());
        assertEquals("socket:[" + workerEnd + "]", wiring.rows().get(0).key());
        assertEquals(Destination.Kind.CONSOLE, wiring.rows().get(0).destination().kind());

        RestoreOutcome out = new RestoreRunner(criu, pool).restore(wiring, null).outcome().get(90, TimeUnit.SECONDS);
        if (out instanceof RestoreOutcome.Restored r) runner.adoptRestored(r.pids());
        RestoreOutcome.Restored r = assertInstanceOf(RestoreOutcome.Restored.class, out, out::toString);
        try {
            assertEquals(pids.get("app"), r.rootPid(), "CRIU gives app its old pid back");
            assertTrue(r.pids().contains(pids.get("worker")), r.pids().toString());
            assertTrue(s.knownPids().containsAll(r.pids()), "the restored pids are the demo's to kill");
            ConsoleEnd console = r.wiring().console(wiring.rows().get(0).key());
            console.send("hello after restore\n");
            waitFor(() -> console.transcript().contains("hello after restore\n"), "the restored worker echoes");
        } finally {
            r.wiring().close();
            runner.stop(DemoCatalog.SEED).get(60, TimeUnit.SECONDS);
        }
        for (int pid : r.pids()) assertFalse(Files.exists(Path.of("/proc/" + pid)), "restored pid " + pid + " left after stop");
    }

    /**
     * "Reconnect by name" (demo 2) and "dumps and restores cleanly" (demo 5): dumped with the lesson's
     * fixes and restored with the board's default wiring (nothing handed in), the restored processes
     * keep talking: new datagrams from them reach the log of the datagram server.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("restoredByThemselves")
    void restoredWithoutHandingAnythingInKeepsTalking(String demoId, String logObject, String talker) throws Exception {
        Demo demo = DemoCatalog.byId(demoId).orElseThrow();
        StartedDemo s = runner.start(demo).get(60, TimeUnit.SECONDS);
        Map<String, Integer> pids = s.pids();
        waitFor(() -> s.topology().log(logObject).stream().anyMatch(l -> l.startsWith(talker + " ")), talker + " logs before the dump");
        DumpPlan fixed = plan(s, DemoCheck.lessonFixes(s));
        CriuResult d = dump(fixed, s.imagesDir(1), false);
        assertTrue(d.success(), () -> "dump: " + d);
        for (int pid : s.topology().endsOf(talker).stream().map(e -> e.pid()).distinct().toList()) waitGone(pid);
        waitGone(pids.get(demo.rootProcess()));
        ImageDump images = ImageReader.open(s.imagesDir(1));
        Path work = s.workDir().resolve("restore-work");
        Files.createDirectories(work);
        RestoreWiringPlan wiring = RestoreWiringPlan.of(images).withWorkDir(work).withRestoreSibling(true);
        assertFalse(wiring.blocked(), () -> wiring.blockingReasons().toString());
        for (var row : wiring.rows()) assertEquals(Destination.Kind.RECONNECT, row.destination().kind(), row::toString);

        RestoreOutcome out = new RestoreRunner(criu, pool).restore(wiring, null).outcome().get(90, TimeUnit.SECONDS);
        if (out instanceof RestoreOutcome.Restored r) runner.adoptRestored(r.pids());
        RestoreOutcome.Restored r = assertInstanceOf(RestoreOutcome.Restored.class, out, out::toString);
        try {
            assertEquals(pids.get(demo.rootProcess()), r.rootPid());
            int before = s.topology().log(logObject).size();
            waitFor(() -> s.topology().log(logObject).stream().skip(before).anyMatch(l -> l.startsWith(talker + " ")),
                    "the restored " + talker + " reaches " + logObject + " again");
        } finally {
            r.wiring().close();
            runner.stop(demo).get(60, TimeUnit.SECONDS);
        }
        for (int pid : r.pids()) assertFalse(Files.exists(Path.of("/proc/" + pid)), "restored pid " + pid + " left after stop");
    }

    static List<org.junit.jupiter.params.provider.Arguments> restoredByThemselves() {
        return List.of(org.junit.jupiter.params.provider.Arguments.of("logd", "syslog", "web"),
                org.junit.jupiter.params.provider.Arguments.of("contained", "log", "worker"));
    }

    private static void waitGone(int pid) throws InterruptedException {
        waitFor(() -> RestoreRunner.stillTaken(List.of(pid)).isEmpty(), "pid " + pid + " is free after the dump");
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(15);
        while (!c.getAsBoolean()) {
            if (Instant.now().isAfter(end)) fail("timed out: " + what);
            Thread.sleep(20);
        }
    }
}
