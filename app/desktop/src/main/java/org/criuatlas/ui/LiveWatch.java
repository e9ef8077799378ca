package org.criuatlas.ui;

import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.util.Duration;
import org.criuatlas.model.IpcGraph;

/**
 * Waits for a process to show up in the live graph (a demo just started, a tree just restored):
 * scans again until it is there, then runs an action on the FX thread. Uses the refresh and an FX
 * timer between scans, so nothing waits on a thread.
 */
final class LiveWatch {
    /** Scans at most this many times, {@link #PAUSE} apart (about 20 s in all). */
    static final int TRIES = 40;
    static final Duration PAUSE = Duration.millis(500);

    private final AtlasApp.Window window;

    LiveWatch(AtlasApp.Window window) {
        this.window = window;
    }

    /**
     * Runs {@code then} on the FX thread once {@code pid} is in a fresh scan. Always scans first:
     * the current snapshot may predate the event (a restored pid can equal a pid it still shows).
     */
    void whenVisible(int pid, Runnable then) {
        var graph = window.vm().graphProperty();
        int[] tries = {0};
        @SuppressWarnings("unchecked")
        ChangeListener<IpcGraph>[] l = new ChangeListener[1];
        l[0] = (o, a, g) -> {
            if (g != null && g.process(pid) != null) {
                graph.removeListener(l[0]);
                // after the rest of apply(): the plan sees the new snapshot only after the graph property
                Platform.runLater(then);
            } else if (++tries[0] < TRIES) {
                PauseTransition p = new PauseTransition(PAUSE);
                p.setOnFinished(e -> window.refresh().refreshNow());
                p.play();
            } else {
                graph.removeListener(l[0]);
            }
        };
        graph.addListener(l[0]);
        window.refresh().refreshNow();
    }
}
