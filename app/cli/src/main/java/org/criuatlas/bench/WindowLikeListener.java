package org.criuatlas.bench;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuListener;

import java.util.ArrayDeque;

/** What the window does with a session's events, for the benchmarks' sides: keeps a tail of the log and counts the stages. */
final class WindowLikeListener implements CriuListener {
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private int stages;

    @Override
    public void onEvent(CriuEvent e) {
        if (e instanceof CriuEvent.LogLine l) {
            tail.addLast(l.line().raw());
            if (tail.size() > 1000) tail.removeFirst();
        } else if (e instanceof CriuEvent.Stage) {
            stages++;
        }
    }
}
