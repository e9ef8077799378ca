package org.criuatlas.host.bridge;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.host.HostEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A bridge's batch of log lines as the host events a window gets, including the lines the bridge left out. */
class LogBatchEventsTest {
    @Test
    void linesLeftOutAreSaidOnceWhereTheyWereLeftOutThenTheLinesFollow() {
        BridgeProto.LogBatch b = BridgeProto.LogBatch.newBuilder().setSkippedBefore(12_345)
                .addNumbers(12_346).addLines("(00.100000) after the gap").addAtNanos(1_000_000_000L)
                .addNumbers(12_347).addLines("(00.100001) next").addAtNanos(1_000_000_001L).build();
        List<HostEvent> got = new ArrayList<>();
        BridgeHost.logLines(b, got::add);
        assertEquals(3, got.size());
        CriuEvent first = ((HostEvent.Criu) got.get(0)).event();
        assertInstanceOf(CriuEvent.Output.class, first);
        assertTrue(((CriuEvent.Output) first).byAtlas(), "marked as CRIU Atlas's own line, not criu's");
        assertTrue(((CriuEvent.Output) first).line().contains(String.format("%,d line(s) of the log were not sent here", 12_345)), first.toString());
        CriuEvent.LogLine l = (CriuEvent.LogLine) ((HostEvent.Criu) got.get(1)).event();
        assertEquals(12_346, l.line().number());
        assertEquals("(00.100000) after the gap", l.line().raw());
        assertEquals(12_347, ((CriuEvent.LogLine) ((HostEvent.Criu) got.get(2)).event()).line().number());
    }

    @Test
    void aBatchWithNothingLeftOutIsJustItsLines() {
        BridgeProto.LogBatch b = BridgeProto.LogBatch.newBuilder().addNumbers(1).addLines("(00.000001) one").addAtNanos(5).build();
        List<HostEvent> got = new ArrayList<>();
        BridgeHost.logLines(b, got::add);
        assertEquals(1, got.size());
        assertInstanceOf(CriuEvent.LogLine.class, ((HostEvent.Criu) got.get(0)).event());
    }
}
