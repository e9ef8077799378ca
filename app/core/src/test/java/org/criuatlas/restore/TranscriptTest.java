package org.criuatlas.restore;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TranscriptTest {
    @Test
    void keepsTheLastLimitCharacters() {
        Transcript<Object> t = new Transcript<>(5);
        t.append("abc");
        t.append("defg");
        assertEquals("cdefg", t.text());
        assertThrows(IllegalArgumentException.class, () -> new Transcript<>(0));
    }

    /** A follower that joins while text keeps coming gets everything exactly once: the text so far, then each read. */
    @Test
    void listenLosesNothingAndRepeatsNothingWhileTextComes() throws Exception {
        Transcript<Consumer<String>> t = new Transcript<>(1 << 20);
        int n = 20_000;
        Thread writer = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                String s = i + ",";
                Transcript.tell(t.append(s), l -> l.accept(s));
            }
        });
        List<String> later = new CopyOnWriteArrayList<>();
        writer.start();
        while (t.text().length() < 1000) Thread.onSpinWait(); // join in the middle
        String sofar = t.listen(later::add);
        writer.join();
        String all = sofar + String.join("", later);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) expected.append(i).append(',');
        assertEquals(expected.toString(), all);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthers() {
        Transcript<Consumer<String>> t = new Transcript<>(100);
        List<String> got = new ArrayList<>();
        Consumer<String> view = got::add;
        t.add(s -> { throw new IllegalStateException("broken view"); });
        t.add(view);
        Transcript.tell(t.append("x"), l -> l.accept("x"));
        t.tell(l -> l.accept("y"));
        assertEquals(List.of("x", "y"), got);
        t.remove(view);
        t.tell(l -> l.accept("z"));
        assertEquals(List.of("x", "y"), got, "a removed listener is told nothing more");
    }
}
