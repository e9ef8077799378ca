package org.criuatlas.ui.dump;

import java.util.List;

/**
 * What the main window does when a dump failure (or a log line) points at objects: highlight them on
 * the graph and select the first. Implemented by the explorer window; called on the FX thread.
 */
public interface GraphPin {
    /**
     * @param objectKeys CRIU object keys ({@code socket:[INO]}, {@code pipe:[INO]}), the most relevant first
     * @param pids       processes concerned
     * @param why        one line saying why they are pinned (shown as the highlight's caption)
     */
    void pin(List<String> objectKeys, List<Integer> pids, String why);

    /** Removes every pin this component set. */
    void clearPins();

    GraphPin NONE = new GraphPin() {
        @Override public void pin(List<String> objectKeys, List<Integer> pids, String why) {}
        @Override public void clearPins() {}
    };
}
