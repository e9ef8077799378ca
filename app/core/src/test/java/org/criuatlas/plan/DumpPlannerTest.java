package org.criuatlas.plan;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Every rule of the planner on hand-built snapshots (no processes, no CRIU). */
class DumpPlannerTest {
    /** init(1) ─ supervisor(100) ─ app(200, own session) ─ worker(201); init ─ other(300). */
    static Graphs base() {
        return new Graphs().proc(1, 0, "init").proc(100, 1, "supervisor").proc(200, 100, "app").proc(201, 200, "worker", 200)
                .proc(300, 1, "other");
    }

    static Crossing only(DumpPlan p, CrossingKind k) {
        List<Crossing> l = p.crossings().stream().filter(c -> c.kind() == k).toList();
        assertEquals(1, l.size(), () -> "crossings: " + p.crossings());
        return l.get(0);
    }

    @Test
    void treeWithoutCrossingsDumps() {
        Graphs b = base();
        b.pair(SocketType.STREAM, 200, 201);
        b.pipe(200, 201);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        assertTrue(p.crossings().isEmpty(), p.crossings()::toString);
        assertEquals(Outcome.DUMPS, p.outcome());
        assertTrue(p.willSucceed());
        assertEquals(List.of(200, 201), p.dumped());
        assertEquals(200, p.options().pid());
    }

    @ParameterizedTest
    @EnumSource(value = SocketType.class, names = {"STREAM", "DGRAM", "SEQPACKET"})
    void socketpairToOutsideFailsAndOurInodeFixesIt(SocketType t) {
        Graphs b = base();
        long[] ends = b.pair(t, 201, 100);  // ours = ends[0] held by the worker, peer held by the supervisor
        IpcGraph g = b.build();
        DumpPlan p = DumpPlanner.plan(g, 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.SOCKETPAIR);
        assertEquals(ends[0], c.ourIno());
        assertEquals(ends[1], c.outsideIno());
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, c.withoutHelp().error().kind());
        assertEquals("Error (criu/sk-unix.c:874): unix: External socket is used. Consider using --ext-unix-sk option.",
                c.withoutHelp().error().line());
        assertFalse(p.willSucceed());
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, p.firstError().kind());
        assertTrue(c.fixes().stream().anyMatch(f -> f.kind() == Fix.Kind.PULL_IN && f.newRoot() == 100));

        DumpPlan fixed = DumpPlanner.plan(g, 200, Decisions.NONE.withExternal(ends[0]));
        assertTrue(fixed.willSucceed());
        assertEquals(List.of("unix[" + ends[0] + "]"), fixed.options().external());
        assertEquals(1, fixed.obligations().size());
        RestoreObligation o = fixed.obligations().get(0);
        assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, o.kind());
        assertEquals("socket:[" + ends[0] + "]", o.key());
        assertEquals(t, o.socketType());

        // wrong fixes: the outside inode, ext_unix_sk, unix_sk_ino without ext_unix_sk
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED,
                DumpPlanner.plan(g, 200, Decisions.NONE.withExternal(ends[1])).firstError().kind());
        CriuErrorKind extSk = DumpPlanner.plan(g, 200, Decisions.NONE.withExtUnixSk(true)).firstError().kind();
        assertEquals(t == SocketType.DGRAM ? CriuErrorKind.NAMELESS_EXTERNAL_SOCKET : CriuErrorKind.HALF_STREAM_CONNECTION, extSk);
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED,
                DumpPlanner.plan(g, 200, Decisions.NONE.withLegacyUnixSkIno(ends[0])).firstError().kind());
        assertTrue(DumpPlanner.plan(g, 200, Decisions.NONE.withLegacyUnixSkIno(ends[0]).withExtUnixSk(true)).willSucceed());
    }

    @Test
    void halfStreamMessageNamesBothEnds() {
        Graphs b = base();
        b.pair(SocketType.SEQPACKET, 201, 100);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE.withExtUnixSk(true));
        assertEquals("unix: Can't dump half of stream unix connection. name: (null); peer name: (null)", p.firstError().text());
    }

    @Test
    void dgramClientOfNamedSocketOutside() {
        Graphs b = base();
        long[] s = b.dgramServer("/dev/log", 300, 201);
        IpcGraph g = b.build();
        DumpPlan p = DumpPlanner.plan(g, 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.DGRAM_TO_NAMED);
        assertEquals(s[1], c.ourIno());
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, c.withoutHelp().error().kind());
        DumpPlan ok = DumpPlanner.plan(g, 200, Decisions.NONE.withExtUnixSk(true));
        assertTrue(ok.willSucceed());
        assertTrue(ok.obligations().isEmpty(), "a datagram client reconnects by name on its own");
        assertTrue(DumpPlanner.plan(g, 200, Decisions.NONE.withExternal(s[1])).willSucceed());
        DumpPlan byName = DumpPlanner.plan(g, 200, Decisions.NONE.withReconnectByName(s[1]));
        assertTrue(byName.willSucceed());
        assertTrue(byName.options().extUnixSk());
        // pulling the server in: its owner 300 shares only init with the app
        Fix pull = c.fixes().stream().filter(f -> f.kind() == Fix.Kind.PULL_IN).findFirst().orElseThrow();
        assertEquals(1, pull.newRoot());
        assertFalse(pull.works(), "CRIU cannot dump init");
    }

    @Test
    void streamClientOfNamedListenerOutside() {
        Graphs b = base();
        long[] l = b.listenerWithClient(SocketType.STREAM, "/run/demo.sock", 300, 201);
        IpcGraph g = b.build();
        DumpPlan p = DumpPlanner.plan(g, 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.STREAM_TO_NAMED_LISTENER);
        assertEquals(l[2], c.ourIno());
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, c.withoutHelp().error().kind());
        DumpPlan sk = DumpPlanner.plan(g, 200, Decisions.NONE.withExtUnixSk(true));
        assertEquals("unix: Can't dump half of stream unix connection. name: (null); peer name: /run/demo.sock", sk.firstError().text());
        DumpPlan ok = DumpPlanner.plan(g, 200, Decisions.NONE.withExternal(l[2]));
        assertTrue(ok.willSucceed());
        assertEquals(RestoreObligation.Kind.INHERIT_OR_RECONNECT_SOCKET, ok.obligations().get(0).kind());
        DumpPlan byName = DumpPlanner.plan(g, 200, Decisions.NONE.withReconnectByName(l[2]));
        assertTrue(byName.willSucceed());
        assertEquals(List.of("unix[" + l[2] + "]"), byName.options().external());
        assertFalse(byName.options().extUnixSk());
    }

    @Test
    void listenerInsideWithClientOutside() {
        Graphs b = base();
        long[] l = b.listenerWithClient(SocketType.STREAM, "/run/app.sock", 201, 300);
        IpcGraph g = b.build();
        DumpPlan p = DumpPlanner.plan(g, 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.LISTENER_CLIENT_OUTSIDE);
        assertEquals(l[1], c.ourIno(), "the accepted socket is our end");
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, p.firstError().kind());
        assertEquals("unix: Can't dump half of stream unix connection. name: /run/app.sock; peer name: (null)",
                DumpPlanner.plan(g, 200, Decisions.NONE.withExtUnixSk(true)).firstError().text());
        DumpPlan ok = DumpPlanner.plan(g, 200, Decisions.NONE.withExternal(l[1]));
        assertTrue(ok.willSucceed());
        assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, ok.obligations().get(0).kind());
    }

    @Test
    void pendingConnectionFromOutsideIsSeen() {
        Graphs b = base();
        long[] l = b.listenerWithPending("/run/app.sock", 201, 300);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.PENDING_CLIENT_OUTSIDE);
        assertEquals(l[1], c.ourIno());
        assertTrue(p.willSucceed(), "CRIU 4.1.1 dumps the listener without its queue");
        assertEquals(List.of(300), c.outsideHolders().stream().map(h -> h.pid()).toList());
    }

    @Test
    void clientInsidePendingAtOutsideListenerHasAVisibleOwner() {
        Graphs b = base();
        long[] l = b.listenerWithPending("/run/srv.sock", 300, 201);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.STREAM_TO_NAMED_LISTENER);
        assertEquals(l[2], c.ourIno());
        assertTrue(c.ownerVisible());
        assertEquals(300, c.outsideHolders().get(0).pid());
    }

    @Test
    void dgramServerInsideWithClientsOutsideDumps() {
        Graphs b = base();
        b.dgramServer("/run/app-log.sock", 201, 300);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.DGRAM_SERVER_CLIENTS_OUTSIDE);
        assertEquals(Outcome.DUMPS, c.withoutHelp().outcome());
        assertTrue(p.willSucceed());
        assertFalse(p.warnings().isEmpty());
    }

    @Test
    void pipesWithAnEndOutsideDumpButBreakAtRestore() {
        Graphs b = base();
        long in = b.pipe(100, 201);   // written outside, read inside
        long out = b.pipe(201, 300);  // written inside, read outside
        IpcGraph g = b.build();
        DumpPlan p = DumpPlanner.plan(g, 200, Decisions.NONE);
        Crossing w = only(p, CrossingKind.PIPE_WRITER_OUTSIDE);
        Crossing r = only(p, CrossingKind.PIPE_READER_OUTSIDE);
        assertEquals(in, w.ourIno());
        assertEquals(out, r.ourIno());
        assertEquals(Outcome.DUMPS_BREAKS_AT_RESTORE, p.outcome());
        assertTrue(p.willSucceed(), "the dump itself succeeds");
        assertEquals(2, p.obligations().size());
        assertTrue(p.obligations().stream().anyMatch(o -> o.key().equals("pipe:[" + in + "]") && o.pipeEndRead()));
        assertTrue(p.obligations().stream().anyMatch(o -> o.key().equals("pipe:[" + out + "]") && !o.pipeEndRead()));
        DumpPlan handed = DumpPlanner.plan(g, 200, Decisions.NONE.withInheritPipe(in).withInheritPipe(out));
        assertEquals(Outcome.DUMPS, handed.outcome());
    }

    @Test
    void fifoWithAnEndOutsideDumps() {
        Graphs b = base();
        b.fifo("/run/app.fifo", 300, 201);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        assertEquals(Outcome.DUMPS, only(p, CrossingKind.FIFO_END_OUTSIDE).withDecisions().outcome());
    }

    @Test
    void sharedFdIsACrossingInItsOwnRight() {
        Graphs b = base();
        long[] ends = b.pair(SocketType.STREAM, 200, 201);
        b.share(ends[0], 100); // the supervisor kept its copy after fork
        long p = b.pipe(200, 201);
        DumpPlan plan = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        List<Crossing> shared = plan.crossings().stream().filter(c -> c.kind() == CrossingKind.SHARED_FD).toList();
        assertEquals(1, shared.size());
        assertEquals("socket:[" + ends[0] + "]", shared.get(0).key());
        assertEquals(100, shared.get(0).outsideHolders().get(0).pid());
        assertEquals(Outcome.DUMPS, plan.outcome());
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("no longer share")));
        assertTrue(shared.get(0).fixes().stream().anyMatch(f -> f.kind() == Fix.Kind.PULL_IN && f.newRoot() == 100));
        assertNotEquals(0, p);
    }

    @Test
    void rootOutsideItsSessionNeedsShellJob() {
        Graphs b = base();
        b.proc(202, 100, "job", 100); // in the supervisor's session
        IpcGraph g = b.build();
        DumpPlan p = DumpPlanner.plan(g, 202, Decisions.NONE);
        Crossing c = only(p, CrossingKind.SESSION_OUTSIDE);
        assertEquals("Error (criu/pstree.c:300): The root process 202 is not a session leader. Consider using --shell-job option",
                c.withoutHelp().error().line());
        assertTrue(c.fixes().stream().anyMatch(f -> f.kind() == Fix.Kind.PULL_IN && f.newRoot() == 100));
        b.pair(SocketType.STREAM, 202, 300);
        assertEquals(CriuErrorKind.NOT_SESSION_LEADER, DumpPlanner.plan(b.build(), 202, Decisions.NONE).firstError().kind(),
                "measured: the session check fails before the external socket check");
        DumpPlan ok = DumpPlanner.plan(g, 202, Decisions.NONE.withShellJob(true));
        assertTrue(ok.willSucceed());
        assertTrue(ok.options().shellJob());
        assertTrue(ok.obligations().stream().anyMatch(o -> o.kind() == RestoreObligation.Kind.SHELL_JOB));
    }

    @Test
    void terminalWhoseMasterIsOutside() {
        Graphs b = base();
        b.tty(200, "/dev/pts/3").tty(201, "/dev/pts/3");
        b.proc(202, 100, "job", 100).tty(202, "/dev/pts/4");
        IpcGraph g = b.build();
        DumpPlan leader = DumpPlanner.plan(g, 200, Decisions.NONE);
        assertEquals("tty: Found slave peer index 3 without correspond master peer", leader.firstError().text());
        DumpPlan job = DumpPlanner.plan(g, 202, Decisions.NONE);
        assertEquals(CriuErrorKind.DANGLING_TTY, job.firstError().kind(), "the tty error comes before the session check");
        assertTrue(job.firstError().text().startsWith("tty: Found dangling tty with sid 100 pgid 100 (pts) on peer fd "));
        assertTrue(DumpPlanner.plan(g, 202, Decisions.NONE.withShellJob(true)).willSucceed());
        assertTrue(DumpPlanner.plan(g, 200, Decisions.NONE.withShellJob(true)).willSucceed());
    }

    @Test
    void terminalWithItsMasterInsideIsFine() {
        Graphs b = base();
        b.tty(200, "/dev/ptmx").tty(201, "/dev/pts/3");
        assertTrue(DumpPlanner.plan(b.build(), 200, Decisions.NONE).willSucceed());
    }

    @Test
    void moreThan1024PipesFail() {
        Graphs b = base();
        for (int i = 0; i < 1024; i++) b.pipe(200, 201);
        assertTrue(DumpPlanner.plan(b.build(), 200, Decisions.NONE).willSucceed(), "1024 pipes dump");
        b.pipe(200, 200);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        assertEquals("Error (criu/pipes.c:416): OOM storing pipe", p.firstError().line());
    }

    @Test
    void onlyPipesReadInsideCount() {
        // CRIU 4.1.1 stores pipe data from read ends only: 1,025 pipes whose read ends are outside dump
        Graphs b = base();
        for (int i = 0; i < 1025; i++) b.pipe(200, 300);
        assertTrue(DumpPlanner.plan(b.build(), 200, Decisions.NONE).willSucceed(), "1025 pipes written inside, read outside");
        for (int i = 0; i < 1025; i++) b.pipe(300, 201);
        assertEquals(CriuErrorKind.TOO_MANY_PIPES, DumpPlanner.plan(b.build(), 200, Decisions.NONE).firstError().kind(),
                "1025 pipes read inside");
    }

    @Test
    void pipesOfUnknownDirectionMakeTheLimitUnknown() {
        Graphs b = base();
        for (int i = 0; i < 1024; i++) b.pipe(300, 200);
        long p = b.pipe(300, 300);
        IpcGraph g = b.build();
        assertTrue(DumpPlanner.plan(g, 200, Decisions.NONE).willSucceed(), "1024 read inside");
        // the 1025th pipe held inside with an unreadable fdinfo: its direction is unknown
        b.pipeFdOfUnknownMode(200, p);
        DumpPlan plan = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        assertEquals(Outcome.UNKNOWN, plan.outcome());
        assertTrue(plan.checks().stream().anyMatch(c -> c.kind() == PlanCheck.Kind.TOO_MANY_PIPES));
    }

    @Test
    void vanishedAndZombieRoots() {
        Graphs b = base();
        IpcGraph g = b.build();
        DumpPlan gone = DumpPlanner.plan(g, 200, Decisions.NONE, pid -> pid != 200);
        assertEquals("Error (compel/src/lib/infect.c:418): Unable to detach from 200: No such process", gone.firstError().line());
        DumpPlan childGone = DumpPlanner.plan(g, 200, Decisions.NONE, pid -> pid != 201);
        assertTrue(childGone.willSucceed());
        assertTrue(childGone.checks().stream().anyMatch(c -> c.kind() == PlanCheck.Kind.VANISHED && c.pid() == 201));
        ProcessInfo a = b.process(200);
        b.replace(new ProcessInfo(200, 100, "app", List.of(), 0, 'Z', 200, 200, 0, a.netNs(), List.of(), true));
        assertEquals(CriuErrorKind.PROCESS_GONE, DumpPlanner.plan(b.build(), 200, Decisions.NONE).firstError().kind());
        DumpPlan missing = DumpPlanner.plan(g, 4242, Decisions.NONE, pid -> false);
        assertEquals(CriuErrorKind.PROCESS_GONE, missing.firstError().kind());
    }

    @Test
    void otherNetNamespaceAndUnreadableFds() {
        Graphs b = base();
        ProcessInfo w = b.process(201);
        b.replace(new ProcessInfo(201, 200, "worker", List.of(), 0, 'S', 200, 200, 0, 999, List.of(), true));
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        assertTrue(p.willSucceed(), "a nested net namespace dumps");
        assertTrue(p.checks().stream().anyMatch(c -> c.kind() == PlanCheck.Kind.OTHER_NET_NAMESPACE));
        // measured (CRIU 4.1.1 and 4.2.1): a root in its own network namespace dumps
        DumpPlan r = DumpPlanner.plan(b.build(), 201, Decisions.NONE.withShellJob(true));
        assertEquals(Outcome.DUMPS, r.outcome());
        b.replace(new ProcessInfo(201, 200, "worker", List.of(), 0, 'S', 200, 200, 0, w.netNs(), List.of(), false));
        assertEquals(Outcome.UNKNOWN, DumpPlanner.plan(b.build(), 200, Decisions.NONE).outcome());
    }

    /** CRIU Atlas inside a container whose sessions began outside it: /proc says session 0 (seen in CI, CRIU 4.2.1). */
    @Test
    void sessionLeaderOutsideThePidNamespaceFails() {
        Graphs b = base();
        org.criuatlas.model.Namespaces ns = org.criuatlas.model.Namespaces.UNKNOWN
                .with(org.criuatlas.model.NamespaceKind.PID, 4026531836L).with(org.criuatlas.model.NamespaceKind.NET, 4026531840L);
        for (int pid : new int[] {100, 200, 201}) {
            ProcessInfo o = b.process(pid);
            int sid = pid == 100 ? 0 : o.sid();
            b.replace(new ProcessInfo(pid, o.ppid(), o.comm(), o.cmdline(), 0, 'S', o.pgid(), sid, 0, o.netNs(), o.fds(), true,
                    -1, 0, 1, null, ns, "/"));
        }
        IpcGraph g = b.build();
        assertTrue(DumpPlanner.plan(g, 200, Decisions.NONE).willSucceed(), "app leads its own session: it dumps");
        DumpPlan up = DumpPlanner.plan(g, 100, Decisions.NONE);
        assertEquals(CriuErrorKind.SESSION_LEADER_OUTSIDE_PID_NS, up.firstError().kind(), () -> up.toString());
        assertEquals("A session leader of 100(100) is outside of its pid namespace", up.firstError().text());
        assertFalse(DumpPlanner.plan(g, 100, Decisions.NONE.withShellJob(true)).willSucceed(), "--shell-job does not help");
    }

    @Test
    void peerMissingFromTheSnapshot() {
        Graphs b = base();
        long[] ends = b.pair(SocketType.STREAM, 201, 300);
        IpcGraph full = b.build();
        // drop the peer socket from the snapshot
        var socks = full.sockets().values().stream().filter(s -> s.ino() != ends[1]).toList();
        IpcGraph g = IpcGraph.of(full.meta(), full.processes().values(), socks, full.pipes().values(), List.of());
        DumpPlan p = DumpPlanner.plan(g, 200, Decisions.NONE);
        assertEquals("unix: Unix socket " + ends[0] + " without peer " + ends[1], p.firstError().text());
    }

    @Test
    void selectionRootsIncludesAndExcludes() {
        Graphs b = base();
        b.proc(400, 300, "other-child");
        IpcGraph g = b.build();
        PlanSet nested = DumpPlanner.planAll(g, Selection.of(200, 201), Decisions.NONE, pid -> true);
        assertEquals(1, nested.plans().size());
        assertTrue(nested.selectionChecks().stream().anyMatch(c -> c.kind() == PlanCheck.Kind.ALREADY_INCLUDED));
        assertTrue(nested.willSucceed());

        PlanSet two = DumpPlanner.planAll(g, Selection.of(200, 400), Decisions.NONE, pid -> true);
        assertEquals(2, two.plans().size());
        assertEquals(1, two.commonAncestor());

        PlanSet add = DumpPlanner.planAll(g, new Selection(List.of(201), Set.of(202 - 2), Set.of()), Decisions.NONE, pid -> true);
        assertTrue(add.selectionChecks().stream().anyMatch(c -> c.kind() == PlanCheck.Kind.OUTSIDE_SUBTREE
                && c.message().contains("common ancestor pid 200")));
        assertFalse(add.willSucceed());

        PlanSet leaveOut = DumpPlanner.planAll(g, new Selection(List.of(200), Set.of(), Set.of(201)), Decisions.NONE, pid -> true);
        assertTrue(leaveOut.selectionChecks().stream().anyMatch(c -> c.kind() == PlanCheck.Kind.CANNOT_LEAVE_OUT));
        assertFalse(leaveOut.willSucceed());
        assertEquals(200, DumpPlanner.commonAncestor(g, List.of(200, 201)));
        assertEquals(100, DumpPlanner.commonAncestor(g, List.of(100, 201)));
    }

    @Test
    void errorPatternsMatchRealLogLines() {
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, CriuErrorKind.firstIn(List.of(
                "(00.1) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
                "(00.105) Error (criu/sk-unix.c:874): unix: External socket is used. Consider using --ext-unix-sk option.")));
        assertEquals(CriuErrorKind.HALF_STREAM_CONNECTION, CriuErrorKind.firstIn(List.of(
                "Error (criu/sk-unix.c:881): unix: Can't dump half of stream unix connection. name: (null); peer name: (null)")));
        assertEquals(CriuErrorKind.NOT_SESSION_LEADER, CriuErrorKind.firstIn(List.of(
                "(00.068524) Error (criu/pstree.c:300): The root process 10752 is not a session leader. Consider using --shell-job option")));
        assertNull(CriuErrorKind.firstIn(List.of("Dumping finished successfully")));
    }
}
