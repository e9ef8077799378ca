package org.criuatlas.ui.restore.vm;

import org.criuatlas.host.LocalHost;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.WiringFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The board's state without a toolkit: edits, inline rejections, blocking, the command line. */
class RestoreBoardModelTest {
    private RestoreBoardModel model() {
        return new RestoreBoardModel(WiringFixtures.plan(), new LocalHost(Runnable::run), Path.of("/usr/bin/criu"),
                Runnable::run, Runnable::run);
    }

    @Test
    void rejectedEditsShowOnTheirRowAndLeaveThePlan() {
        RestoreBoardModel m = model();
        var plan = m.planProperty().get();
        int i = plan.indexOf("socket:[" + WiringFixtures.STREAM + "]");
        m.commitKey(i, "socket:[4242]");
        assertSame(plan, m.planProperty().get());
        assertTrue(m.rows().get(i).errorProperty().get());
        assertTrue(m.rows().get(i).messageProperty().get().contains("no object in the image has this key"));
        assertEquals("socket:[" + WiringFixtures.STREAM + "]", m.rows().get(i).keyProperty().get());
        int other = plan.rows().get((i + 1) % plan.rows().size()).criuFd();
        m.commitFd(i, Integer.toString(other));
        assertTrue(m.rows().get(i).messageProperty().get().contains("already used"));
        m.commitFd(i, "77");
        assertEquals("77", m.rows().get(i).criuFdProperty().get());
        assertFalse(m.rows().get(i).errorProperty().get());
        assertEquals("--inherit-fd fd[77]:socket:[" + WiringFixtures.STREAM + "]", m.rows().get(i).inheritProperty().get());
        assertTrue(m.commandLineProperty().get().contains("'fd[77]:socket:[" + WiringFixtures.STREAM + "]'"));
    }

    @Test
    void blockingFollowsTheWiring() {
        RestoreBoardModel m = model();
        assertTrue(m.canRestoreProperty().get());
        int i = m.planProperty().get().indexOf("socket:[" + WiringFixtures.STREAM + "]");
        m.chooseDestination(i, Destination.Kind.COMMAND, "");
        assertFalse(m.canRestoreProperty().get());
        assertTrue(m.blockingTextProperty().get().contains("name the command"));
        m.chooseDestination(i, Destination.Kind.COMMAND, "cat");
        assertTrue(m.canRestoreProperty().get());
        m.chooseDestination(i, Destination.Kind.RECONNECT, "");
        assertTrue(m.rows().get(i).messageProperty().get().contains("no name"), "reconnect refused for a socketpair end");
        assertEquals(Destination.Kind.COMMAND, m.rows().get(i).destinationProperty().get());
        m.addKey("pipe[3002]");
        assertTrue(m.addMessageProperty().get().contains("pipe:[3002]"));
        m.addKey("pipe:[3002]");
        assertEquals("", m.addMessageProperty().get());
        assertEquals(5, m.rows().size());
        m.removeRow(4);
        assertEquals(4, m.rows().size());
    }
}
