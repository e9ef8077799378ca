package org.criuatlas.ui.restore.vm;

import org.criuatlas.ui.restore.vm.ConsoleTranscript.Direction;
import org.criuatlas.ui.restore.vm.ConsoleTranscript.Line;
import javafx.collections.ListChangeListener;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Sent and received lines stay apart and in order, whatever chunks the traffic arrives in. */
class ConsoleTranscriptTest {
    @Test
    void anEchoShowsAsOneSentAndOneReceivedLine() {
        ConsoleTranscript t = new ConsoleTranscript();
        t.sent("hello after restore");
        t.received("hello after ");
        t.received("restore\n");
        assertEquals(List.of(new Line(Direction.SENT, "hello after restore"), new Line(Direction.RECEIVED, "hello after restore")),
                t.lines());
        assertEquals("→ hello after restore\n← hello after restore\n", t.text());
    }

    @Test
    void chunksSplitAndJoinAtNewlinesAndASendClosesAnOpenLine() {
        ConsoleTranscript t = new ConsoleTranscript();
        t.received("a\r\nb\n\nc");
        t.received("d");
        t.sent("x");
        t.received("e\n");
        assertEquals(List.of("← a", "← b", "← ", "← cd", "→ x", "← e"), t.lines().stream().map(Line::toString).toList());
        t.received("");
        t.received("\n");
        assertEquals("← ", t.lines().get(t.lines().size() - 1).toString(), "a lone newline is an empty line");
    }

    @Test
    void aBurstIsOneChangeAndOldLinesDropOff() {
        ConsoleTranscript t = new ConsoleTranscript();
        int[] changes = {0};
        t.lines().addListener((ListChangeListener<Line>) c -> changes[0]++);
        StringBuilder burst = new StringBuilder();
        int n = ConsoleTranscript.LINE_LIMIT * 3;
        for (int i = 0; i < n; i++) burst.append("line ").append(i).append('\n');
        t.received(burst.toString());
        assertEquals(1, changes[0], "one list change for the whole batch");
        assertEquals(ConsoleTranscript.LINE_LIMIT, t.lines().size());
        assertEquals("line " + (n - 1), t.lines().get(t.lines().size() - 1).text());
        assertEquals("line " + (n - ConsoleTranscript.LINE_LIMIT), t.lines().get(0).text());
        t.sent("more");
        assertEquals(ConsoleTranscript.LINE_LIMIT, t.lines().size());
    }

    @Test
    void aHugeLineIsCutIntoPieces() {
        ConsoleTranscript t = new ConsoleTranscript();
        t.received("x".repeat(ConsoleTranscript.LINE_CHARS * 2 + 5));
        assertEquals(3, t.lines().size());
        t.received("y\n");
        assertEquals(3, t.lines().size());
        assertEquals("x".repeat(5) + "y", t.lines().get(2).text());
        assertTrue(t.lines().stream().allMatch(l -> l.text().length() <= ConsoleTranscript.LINE_CHARS));
    }
}
