package org.criuatlas.plan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.criuatlas.plan.DumpPlannerTest.base;
import static org.criuatlas.plan.DumpPlannerTest.only;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Connections waiting in an accept queue in the form the live scan gives them (the listener lists
 * the waiting client's inode; no socket points at a queued half). Measured in PlanRealMatrixTest.
 */
class DumpPlannerQueuedClientTest {
    @Test
    void clientOutsideWaitingAtAnInsideListenerIsAPendingCrossingThatDumps() {
        Graphs b = base();
        long[] l = b.listenerWithQueuedClient("/run/app.sock", 201, 300);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.PENDING_CLIENT_OUTSIDE);
        assertEquals("socket:[" + l[1] + "]", c.key());
        assertEquals(List.of(300), c.outsideHolders().stream().map(h -> h.pid()).toList());
        assertEquals(List.of(201), c.insideHolders().stream().map(h -> h.pid()).toList());
        assertTrue(p.willSucceed(), "CRIU 4.1.1 dumps the listener without its queue");
        assertEquals(1, p.crossings().size(), p.crossings()::toString);
    }

    @Test
    void clientInsideWaitingAtAnOutsideListenerIsAConnectionToANamedListener() {
        Graphs b = base();
        long[] l = b.listenerWithQueuedClient("/run/srv.sock", 300, 201);
        DumpPlan p = DumpPlanner.plan(b.build(), 200, Decisions.NONE);
        Crossing c = only(p, CrossingKind.STREAM_TO_NAMED_LISTENER);
        assertEquals(l[1], c.ourIno());
        assertTrue(c.ownerVisible());
        assertEquals(300, c.outsideHolders().get(0).pid());
        assertEquals(1, p.crossings().size(), p.crossings()::toString);
        // measured on CRIU 4.1.1: dumps with no option; no restore obligation
        assertTrue(p.willSucceed(), p.crossings()::toString);
        assertTrue(p.obligations().isEmpty());
        assertTrue(DumpPlanner.plan(b.build(), 200, Decisions.NONE.withExtUnixSk(true)).willSucceed());
    }

    @Test
    void bothSidesInsideIsNoCrossing() {
        Graphs b = base();
        b.listenerWithQueuedClient("/run/app.sock", 200, 201);
        assertTrue(DumpPlanner.plan(b.build(), 200, Decisions.NONE).crossings().isEmpty());
    }
}
