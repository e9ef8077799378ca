package org.criuatlas.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The plan as text and JSON: every field a script or a person needs is there. */
class PlanReportTest {
    @Test
    void textAndJsonCarryTheVerdictFixesAndObligations() throws Exception {
        Graphs b = DumpPlannerTest.base();
        long[] ends = b.pair(SocketType.STREAM, 201, 100);
        long pipe = b.pipe(100, 201);
        IpcGraph g = b.build();
        PlanSet failing = DumpPlanner.planAll(g, Selection.of(200), Decisions.NONE, pid -> true);
        String text = PlanReport.text(failing, g);
        assertTrue(text.contains("the dump will FAIL as planned"), text);
        assertTrue(text.contains("mark external: unix[" + ends[0] + "]"), text);
        assertTrue(text.contains("mark the outside end unix[" + ends[1] + "]"), text);
        assertTrue(text.contains("Will the dump succeed as planned? no"), text);

        PlanSet fixed = DumpPlanner.planAll(g, Selection.of(200), Decisions.NONE.withExternal(ends[0]), pid -> true);
        JsonNode j = new ObjectMapper().readTree(PlanReport.json(fixed));
        assertTrue(j.get("willSucceed").asBoolean());
        JsonNode p = j.get("plans").get(0);
        assertEquals(200, p.get("root").asInt());
        assertEquals("DUMPS_BREAKS_AT_RESTORE", p.get("outcome").asText());
        assertEquals("unix[" + ends[0] + "]", p.get("options").get("external").get(0).asText());
        assertTrue(p.get("command").toString().contains("unix[" + ends[0] + "]"));
        assertEquals(2, p.get("restoreObligations").size());
        assertEquals("socket:[" + ends[0] + "]", p.get("crossings").get(0).get("key").asText());
        assertEquals("EXTERNAL_SOCKET_USED", p.get("crossings").get(0).get("withoutHelp").get("error").get("kind").asText());
        assertTrue(p.get("restoreObligations").toString().contains("pipe:[" + pipe + "]"));
    }

    /** With two failing objects CRIU stops at whichever it meets first: the text must not pretend to know which. */
    @Test
    void severalFailingObjectsDoNotNameOneAsTheFirst() {
        Graphs b = DumpPlannerTest.base();
        b.pair(SocketType.STREAM, 201, 100);
        long[] second = b.pair(SocketType.SEQPACKET, 201, 100);
        IpcGraph g = b.build();
        String two = PlanReport.text(DumpPlanner.planAll(g, Selection.of(200), Decisions.NONE, pid -> true), g);
        assertTrue(two.contains("CRIU will stop at the first of the objects below it meets"), two);
        assertFalse(two.contains("CRIU will print:"), two);
        String one = PlanReport.text(DumpPlanner.planAll(g, Selection.of(200), Decisions.NONE.withExternal(second[0]), pid -> true), g);
        assertTrue(one.contains("CRIU will print: Error (criu/sk-unix.c:874)"), one);
    }
}
