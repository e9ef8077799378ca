package org.criuatlas.plan;

import org.criuatlas.bridge.criu.FdEvents;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.awaitility.Awaitility;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The planner against real CRIU 4.1.1 on the real graph: for every boundary kind the project's
 * topology builder starts real processes ({@code app} is the root to dump, {@code outside} holds
 * the other side), {@link LiveScanner} scans them from the kernel, the planner predicts each plan
 * variant, and {@code criu dump --leave-running -v4} runs the plan's own CLI. Success and the kind
 * of the first error line must agree in every cell. Where a plan creates a restore obligation,
 * restores through {@link CriuSession} with and without it check the prediction.
 */
@Tag("criu")
class PlanRealMatrixTest {
    static final String APP = "app", OUTSIDE = "outside";

    /** One boundary kind: what to build, which process is the dump's root, our inode and the outside one. */
    record Case(String name, Supplier<TopologySpec> spec, String root, Function<Topology, long[]> facts) {}

    /** One variant: its name and the decisions it makes from the case's facts {our inode, outside inode}. */
    record Variant(String name, Function<long[], Decisions> decisions) {}

    static Variant v(String name, Function<long[], Decisions> d) { return new Variant(name, d); }

    static final Variant NONE = v("no fix", f -> Decisions.NONE);
    static final Variant EXT_OURS = v("fix: unix[our ino]", f -> Decisions.NONE.withExternal(f[0]));
    static final Variant EXT_THEIRS = v("wrong: unix[outside ino]", f -> Decisions.NONE.withExternal(f[1]));
    static final Variant EXT_UNIX_SK = v("--ext-unix-sk", f -> Decisions.NONE.withExtUnixSk(true));
    static final Variant SHELL_JOB = v("fix: --shell-job", f -> Decisions.NONE.withShellJob(true));

    static final Map<Case, List<Variant>> MATRIX = new LinkedHashMap<>();

    static TopologySpec two() {
        return new TopologySpec().process(APP).process(OUTSIDE);
    }

    static long[] none(Topology t) {
        return new long[] {0, 0};
    }

    static Case pair(SocketType type) {
        // outside holds end a, app end b
        return new Case("pair-" + type.name().toLowerCase(), () -> two().socketpair("sp", type, OUTSIDE, APP), APP,
                t -> new long[] {t.inode("sp", APP), t.inode("sp", OUTSIDE)});
    }

    static Case namedClient(SocketType type) {
        // app's client connected to a listener outside; outside holds the accepted end
        String name = type.name().toLowerCase() + "-named";
        return new Case(name, () -> two().listen("srv", type, OUTSIDE, TopologySpec.AUTO_PATH).connect("conn", APP, "srv"), APP,
                t -> new long[] {t.end("conn", "client", APP).inode(), t.end("conn", "accepted", OUTSIDE).inode()});
    }

    static Case tty(String name, String root) {
        // term leads a session whose controlling terminal is a pty; the master is outside
        return new Case(name, () -> new TopologySpec().process(OUTSIDE).process("term").process("member", "term")
                .pty("tty", OUTSIDE, "term").share("tty", "term", "member"), root, PlanRealMatrixTest::none);
    }

    static Case pipes(int n) {
        return new Case("pipes-" + n, () -> {
            TopologySpec s = new TopologySpec().process(APP);
            for (int i = 0; i < n; i++) s.pipe("p" + i, APP, APP);
            return s;
        }, APP, PlanRealMatrixTest::none);
    }

    static {
        for (SocketType t : List.of(SocketType.STREAM, SocketType.DGRAM, SocketType.SEQPACKET))
            MATRIX.put(pair(t), List.of(NONE, EXT_OURS, EXT_THEIRS, EXT_UNIX_SK));
        MATRIX.put(new Case("dgram-named", () -> two().dgramServer("srv", OUTSIDE, TopologySpec.AUTO_PATH).connect("cl", APP, "srv"),
                APP, t -> new long[] {t.inode("cl", APP), t.inode("srv", OUTSIDE)}), List.of(NONE, EXT_UNIX_SK, EXT_OURS, EXT_THEIRS));
        MATRIX.put(namedClient(SocketType.STREAM), List.of(NONE, EXT_OURS, EXT_UNIX_SK, EXT_THEIRS));
        MATRIX.put(namedClient(SocketType.SEQPACKET), List.of(NONE, EXT_OURS, EXT_UNIX_SK));
        // app listens; a client outside was accepted (app holds the accepted end)
        MATRIX.put(new Case("listener-accepted", () -> two().listen("srv", SocketType.STREAM, APP, TopologySpec.AUTO_PATH)
                .connect("conn", OUTSIDE, "srv"), APP,
                t -> new long[] {t.end("conn", "accepted", APP).inode(), t.end("conn", "client", OUTSIDE).inode()}),
                List.of(NONE, EXT_OURS, EXT_UNIX_SK, EXT_THEIRS));
        // app listens; a client outside waits in its accept queue
        MATRIX.put(new Case("listener-pending", () -> two().listen("srv", SocketType.STREAM, APP, TopologySpec.AUTO_PATH)
                .connectPending("conn", OUTSIDE, "srv"), APP, t -> new long[] {0, t.inode("conn", OUTSIDE)}), List.of(NONE));
        // app's client waits in the accept queue of a listener outside (not in the original 39 cells)
        MATRIX.put(new Case("client-pending", () -> two().listen("srv", SocketType.STREAM, OUTSIDE, TopologySpec.AUTO_PATH)
                .connectPending("conn", APP, "srv"), APP, t -> new long[] {t.inode("conn", APP), t.inode("srv", OUTSIDE)}),
                List.of(NONE, EXT_OURS, EXT_UNIX_SK));
        MATRIX.put(new Case("pipe-in", () -> two().pipe("p", OUTSIDE, APP), APP, t -> new long[] {t.inode("p", APP), t.inode("p", APP)}),
                List.of(NONE));
        MATRIX.put(new Case("pipe-out", () -> two().pipe("p", APP, OUTSIDE), APP, t -> new long[] {t.inode("p", APP), t.inode("p", APP)}),
                List.of(NONE));
        // app is a child of outside in outside's session: not a session leader
        MATRIX.put(new Case("session", () -> new TopologySpec().process(OUTSIDE).process(APP, OUTSIDE), APP, PlanRealMatrixTest::none),
                List.of(NONE, SHELL_JOB));
        MATRIX.put(tty("tty-leader", "term"), List.of(NONE, SHELL_JOB));
        MATRIX.put(tty("tty-member", "member"), List.of(NONE, SHELL_JOB));
        // one socketpair end and a pipe's write end of app are also held by outside (as after fork)
        MATRIX.put(new Case("shared", () -> two().socketpair("sp", SocketType.STREAM, APP, APP).share("sp", APP, OUTSIDE, "a", -1)
                .pipe("p", APP, APP).share("p", APP, OUTSIDE, "write", -1), APP,
                t -> new long[] {t.end("sp", "a", APP).inode(), t.end("sp", "a", APP).inode()}), List.of(NONE));
        MATRIX.put(pipes(1024), List.of(NONE));
        MATRIX.put(pipes(1025), List.of(NONE));
        // CRIU counts only pipes whose read end it dumps: 1,025 pipes app writes and outside reads dump
        MATRIX.put(new Case("pipes-1025-written", () -> {
            TopologySpec s = two();
            for (int i = 0; i < 1025; i++) s.pipe("p" + i, APP, OUTSIDE);
            return s;
        }, APP, PlanRealMatrixTest::none), List.of(NONE));
    }

    @TempDir
    Path tmp;

    /** The kernel's view of the topology: every process the director started and their subtrees. */
    static IpcGraph scan(LiveScanner scanner, Topology t) {
        Set<Integer> tops = new HashSet<>();
        t.manifest().processes().values().stream().filter(p -> p.parent() == null).forEach(p -> tops.add(p.pid()));
        IpcGraph g = scanner.scan(ScanScope.subtrees(tops));
        assertTrue(g.processes().keySet().containsAll(t.knownPids()), "the scan sees every process of the topology");
        return g;
    }

    @Test
    void plannerAgreesWithRealCriuOnEveryBoundaryKind() throws Exception {
        Path criu = Requirements.requireCriu();
        List<String[]> rows = new ArrayList<>();
        int agree = 0, total = 0;
        try (LiveScanner scanner = new LiveScanner()) {
            for (var e : MATRIX.entrySet()) {
                Case c = e.getKey();
                try (Topology t = Topology.start(c.spec().get())) {
                    IpcGraph g = scan(scanner, t);
                    long[] facts = c.facts().apply(t);
                    for (Variant var : e.getValue()) {
                        Decisions d = var.decisions().apply(facts);
                        DumpPlan plan = DumpPlanner.plan(g, t.pid(c.root()), d);
                        Real real = dump(criu, plan.options(), tmp.resolve(c.name()).resolve("img-" + total));
                        String predicted = plan.willSucceed() ? "dumps" : "fails " + (plan.firstError() == null ? "?" : plan.firstError().kind());
                        String actual = real.ok() ? "dumps" : "fails " + real.error();
                        boolean same = predicted.equals(actual);
                        total++;
                        if (same) agree++;
                        rows.add(new String[] {c.name(), var.name(), predicted, actual, same ? "yes" : "NO",
                                plan.crossings().stream().map(x -> x.kind().name()).distinct().toList().toString()});
                    }
                    assertTrue(t.directorAlive(), "the topology outlived its dumps");
                }
            }
        }
        printTable(List.of("case", "variant", "planner says", "criu 4.1.1 did", "agree", "crossings"), rows);
        System.out.printf("agreement: %d of %d (%.0f%%)%n", agree, total, 100.0 * agree / total);
        assertEquals(43, total, "cells in the matrix: the 39 of the python-built matrix, client-pending's 3 and pipes-1025-written");
        assertEquals(total, agree, "the planner must agree with CRIU in every cell");
    }

    @Test
    void restoreObligationsAreReal() throws Exception {
        Path criu = Requirements.requireCriu();
        List<String[]> rows = new ArrayList<>();
        Case pairCase = pair(SocketType.STREAM);
        // socketpair marked external: obligation INHERIT_SOCKET
        for (boolean inherit : List.of(false, true)) {
            try (LiveScanner scanner = new LiveScanner(); Topology t = Topology.start(pairCase.spec().get())) {
                long ours = t.inode("sp", APP);
                DumpPlan plan = DumpPlanner.plan(scan(scanner, t), t.pid(APP), Decisions.NONE.withExternal(ours));
                assertTrue(plan.willSucceed());
                assertEquals(1, plan.obligations().size());
                String key = plan.obligations().get(0).key();
                assertEquals("socket:[" + ours + "]", key);
                Path img = tmp.resolve("r-pair-" + inherit);
                Real real = dump(criu, plan.options(), img);
                assertTrue(real.ok(), real.error());
                killAndWait(t, APP);
                int[] fresh = inherit ? UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC) : null;
                try {
                    CriuResult r = restore(criu, t, img, key, fresh == null ? -1 : fresh[1]);
                    if (inherit) {
                        assertTrue(r.success(), () -> "restore failed: " + r);
                        LibC.close(fresh[1]);
                        fresh[1] = -1;
                        String reply = roundTrip(fresh[0], "hello after restore\n");
                        rows.add(new String[] {"socketpair marked external", "new pair handed in", "restored, echo " + reply.strip()});
                        assertEquals("hello after restore\n", reply, "data must flow through the handed-in socket");
                    } else {
                        String log = r.logFile() == null ? "" : Files.readString(r.logFile(), StandardCharsets.ISO_8859_1);
                        String err = log.lines().filter(l -> l.contains("External socket")).findFirst().orElse(r.crErrmsg());
                        rows.add(new String[] {"socketpair marked external", "nothing handed in",
                                r.success() ? "restored" : "restore failed: " + err.replaceFirst("^\\(\\S+\\)\\s*", "")});
                        assertFalse(r.success(), "restore must fail without the obligation met");
                        assertTrue(log.contains("External socket found in image"), log);
                    }
                } finally {
                    if (fresh != null) for (int fd : fresh) if (fd >= 0) LibC.close(fd);
                }
            }
        }
        // pipe read by app, written outside: obligation INHERIT_PIPE (without it the pipe comes back broken)
        Case pipeIn = MATRIX.keySet().stream().filter(c -> c.name().equals("pipe-in")).findFirst().orElseThrow();
        for (boolean inherit : List.of(false, true)) {
            try (LiveScanner scanner = new LiveScanner(); Topology t = Topology.start(pipeIn.spec().get())) {
                DumpPlan plan = DumpPlanner.plan(scan(scanner, t), t.pid(APP), Decisions.NONE);
                assertEquals(Outcome.DUMPS_BREAKS_AT_RESTORE, plan.outcome());
                String key = plan.obligations().get(0).key();
                assertEquals("pipe:[" + t.inode("p", APP) + "]", key);
                // before the dump, what outside writes reaches app's log
                t.ping(OUTSIDE);
                await("ping before the dump", () -> t.log("p").contains("ping outside"));
                Path img = tmp.resolve("r-pipe-" + inherit);
                Real real = dump(criu, plan.options(), img);
                assertTrue(real.ok(), real.error());
                killAndWait(t, APP);
                int[] fresh = inherit ? LibC.pipe(LibC.O_CLOEXEC) : null;
                try {
                    CriuResult r = restore(criu, t, img, key, fresh == null ? -1 : fresh[0]);
                    assertTrue(r.success(), () -> "restore failed: " + r);
                    int before = t.log("p").size();
                    t.ping(OUTSIDE); // writes into the original pipe
                    if (inherit) {
                        LibC.close(fresh[0]);
                        fresh[0] = -1;
                        LibC.write(fresh[1], "after-restore\n".getBytes(StandardCharsets.UTF_8));
                        await("data written into the new pipe reaches the restored reader", () -> t.log("p").contains("after-restore"));
                    } else {
                        // nothing handed in: the original writer's ping must never reach the restored reader
                        Awaitility.await("no ping through the old pipe").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                                .until(() -> !t.log("p").subList(before, t.log("p").size()).contains("ping outside"));
                    }
                    List<String> after = t.log("p").subList(before, t.log("p").size());
                    rows.add(new String[] {"pipe, write end outside", inherit ? "new pipe handed in" : "nothing handed in",
                            "restored, reader logged " + after});
                    assertFalse(after.contains("ping outside"), "the original writer no longer reaches the restored reader");
                } finally {
                    if (fresh != null) for (int fd : fresh) if (fd >= 0) LibC.close(fd);
                }
            }
        }
        printTable(List.of("restore obligation", "at restore", "result"), rows);
    }

    // ---------------------------------------------------------------------------------------------

    /** Kills a dumped process and waits until the director has reaped it, so its pid is free for the restore. */
    static void killAndWait(Topology t, String proc) throws InterruptedException {
        int pid = t.pid(proc);
        t.adopt(List.of(pid));
        t.signal(proc, 9);
        await("pid " + pid + " free", () -> !Files.exists(Path.of("/proc/" + pid)));
    }

    /** Restores through the product path; with {@code ourFd >= 0} it is handed in for {@code key}. */
    static CriuResult restore(Path criu, Topology t, Path img, String key, int ourFd) {
        CriuOptions o = CriuOptions.defaults().withImagesDir(img).withLogLevel(4).withLogFile("restore.log");
        Map<Integer, Integer> handIn = Map.of();
        if (ourFd >= 0) {
            o = o.withInheritFds(List.of(new CriuOptions.InheritFd(key, 10)));
            handIn = Map.of(10, ourFd);
        }
        try (CriuSession s = CriuSession.restore(criu, o, handIn, null)) {
            CriuResult r = s.await(Duration.ofSeconds(60));
            if (r.restoredPid() != null) t.adopt(List.of(r.restoredPid()));
            return r;
        }
    }

    static String roundTrip(int fd, String msg) {
        UnixSockets.send(fd, msg.getBytes(StandardCharsets.UTF_8), LibC.MSG_NOSIGNAL);
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[256];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.length() < msg.length() && System.nanoTime() < end) {
            if (!FdEvents.pollIn(fd, 200)) continue;
            int n = UnixSockets.recv(fd, buf, 0);
            if (n <= 0) break;
            got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return got.toString();
    }

    static void await(String what, BooleanSupplier cond) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(cond::getAsBoolean);
    }

    // ---------------------------------------------------------------------------------------------

    record Real(boolean ok, String error) {}

    /** Runs {@code criu dump --leave-running -v4} with the plan's options; success and the first known error kind. */
    static Real dump(Path criu, CriuOptions o, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(criu.toString());
        cmd.addAll(DumpCommand.args(o.withLeaveRunning(true).withLogLevel(4).withLogFile("dump.log"), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("criu.out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("criu dump hung: " + cmd);
        }
        List<String> log = Files.readAllLines(dir.resolve("dump.log"), StandardCharsets.ISO_8859_1);
        boolean ok = log.stream().anyMatch(l -> l.contains("Dumping finished successfully"));
        if (ok) return new Real(true, null);
        CriuErrorKind k = CriuErrorKind.firstIn(log);
        String other = log.stream().filter(l -> l.contains("Error") && !l.contains("RLIMIT")).findFirst().orElse("?");
        return new Real(false, k != null ? k.name() : "unrecognised: " + other);
    }

    static void printTable(List<String> head, List<String[]> rows) {
        int[] w = new int[head.size()];
        for (int i = 0; i < w.length; i++) w[i] = head.get(i).length();
        for (String[] r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder b = new StringBuilder("\n");
        StringBuilder sep = new StringBuilder("|");
        b.append('|');
        for (int i = 0; i < w.length; i++) {
            b.append(' ').append(String.format("%-" + w[i] + "s", head.get(i))).append(" |");
            sep.append("-".repeat(w[i] + 2)).append('|');
        }
        b.append('\n').append(sep).append('\n');
        for (String[] r : rows) {
            b.append('|');
            for (int i = 0; i < w.length; i++) b.append(' ').append(String.format("%-" + w[i] + "s", r[i])).append(" |");
            b.append('\n');
        }
        System.out.println(b);
    }
}
