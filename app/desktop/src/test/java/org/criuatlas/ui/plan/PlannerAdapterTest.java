package org.criuatlas.ui.plan;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.DumpPlanner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter only translates: ticks become the planner's decisions, its crossings what the window draws. */
class PlannerAdapterTest {
    private final PlannerAdapter adapter = new PlannerAdapter(Path.of("/dumps"));

    @Test
    void aDanglingSocketpairFailsWithCriusLineAndTheExternalTickResolvesIt() {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init");
        b.process(100, 1, "supervisor");
        b.process(101, 100, "worker");
        long[] pair = b.pair(100, 101, SocketType.STREAM, null);
        IpcGraph g = b.build();

        PlanOutcome fail = adapter.plan(g, 101, Map.of());
        assertEquals(Verdict.FAIL, fail.verdict());
        CrossingRow c = fail.crossings().get(0);
        assertEquals("socket:[" + pair[1] + "]", c.key());
        assertEquals("socket:[" + pair[0] + "]", c.peerKey());
        assertEquals(Verdict.FAIL, c.verdict());
        assertEquals(List.of(Choice.EXTERNAL, Choice.PULL_PEER), c.choices());
        assertEquals(100, c.pullRoot());
        assertEquals(100, c.outsidePid());
        assertEquals(CriuErrorKind.EXTERNAL_SOCKET_USED, c.error().kind());
        assertEquals(c.error().line(), fail.firstErrorLine());
        assertTrue(fail.verdictText().contains("fail"), fail.verdictText());

        PlanOutcome ok = adapter.plan(g, 101, Map.of(c.key(), List.of(Choice.EXTERNAL)));
        assertEquals(Verdict.RESOLVED, ok.verdict());
        assertEquals(List.of(Choice.EXTERNAL), ok.crossings().get(0).chosen());
        assertNull(ok.firstErrorLine());
        assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, ok.obligations().get(0).kind());
        assertTrue(ok.verdictText().startsWith("OK"), ok.verdictText());
        // the command is the planner's, spelled by the bridge
        var plan = DumpPlanner.plan(g, 101, Decisions.NONE.withExternal(pair[1]));
        assertEquals(DumpCommand.text(plan.options(), "/dumps/101"), ok.commandText());
        assertTrue(ok.commandText().contains("--external 'unix[" + pair[1] + "]'"), ok.commandText());
    }

    @Test
    void aPipeToOutsideIsAmberUntilAPipeIsHandedInAtRestore() {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init");
        b.process(100, 1, "producer");
        b.process(200, 1, "consumer");
        b.pipe(100, 200);
        IpcGraph g = b.build();
        PlanOutcome o = adapter.plan(g, 200, Map.of());
        CrossingRow c = o.crossings().get(0);
        assertEquals(Verdict.OBLIGATION, c.verdict());
        assertEquals(Verdict.OBLIGATION, o.verdict());
        assertTrue(c.choices().contains(Choice.INHERIT_PIPE));
        assertTrue(!c.choices().contains(Choice.PULL_PEER), "only init holds both: no pull-in control");
        PlanOutcome handed = adapter.plan(g, 200, Map.of(c.key(), List.of(Choice.INHERIT_PIPE)));
        assertEquals(Verdict.RESOLVED, handed.crossings().get(0).verdict());
        assertEquals(Verdict.RESOLVED, handed.verdict());
        assertEquals(RestoreObligation.Kind.INHERIT_PIPE, handed.obligations().get(0).kind());
    }

    @Test
    void aRootOutsideItsSessionLeaderNeedsTheShellJobTick() {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init");
        b.process(100, 1, "bash");
        b.process(101, 100, "job");
        b.tty(101, 0, 100);
        IpcGraph g = b.build();
        PlanOutcome o = adapter.plan(g, 101, Map.of());
        CrossingRow session = o.crossings().stream().filter(x -> x.choices().contains(Choice.SHELL_JOB)).findFirst().orElseThrow();
        assertEquals(Verdict.FAIL, session.verdict());
        assertEquals(CriuErrorKind.NOT_SESSION_LEADER, session.error().kind());
        PlanOutcome ok = adapter.plan(g, 101, Map.of(session.key(), List.of(Choice.SHELL_JOB)));
        assertEquals(Verdict.RESOLVED, ok.verdict());
        assertTrue(ok.commandText().contains("--shell-job"), ok.commandText());
    }

    @Test
    void ticksBecomeThePlannersDecisions() {
        Decisions d = PlannerAdapter.decisions(Map.of("socket:[7]", List.of(Choice.EXTERNAL),
                "socket:[8]", List.of(Choice.RECONNECT_BY_NAME), "pipe:[9]", List.of(Choice.INHERIT_PIPE),
                "session 5", List.of(Choice.SHELL_JOB, Choice.PULL_PEER)));
        assertEquals(java.util.Set.of(7L), d.external());
        assertEquals(java.util.Set.of(8L), d.reconnectByName());
        assertEquals(java.util.Set.of("pipe:[9]"), d.inheritAtRestore());
        assertTrue(d.shellJob());
    }
}
