package org.criuatlas.ui.dump;

import java.time.Duration;

/**
 * One step of a running dump as the timeline shows it.
 *
 * @param name     CRIU's name for it ({@code pre-dump}, {@code query-ext-files}) or a milestone from the log ({@code memory})
 * @param meaning  what it means, in plain words
 * @param fromLog  true for milestones read from the log, false for CRIU's own stage notifications
 * @param since    time since the dump started (our clock)
 * @param criuTime CRIU's log time for log milestones, null for notifications
 * @param took     time until the next step, null while it is the last one
 */
public record StageRow(String name, String meaning, boolean fromLog, Duration since, Duration criuTime, Duration took) {
    public StageRow withTook(Duration d) {
        return new StageRow(name, meaning, fromLog, since, criuTime, d);
    }

    /** "+0.042 s" */
    public String sinceText() {
        return String.format("+%.3f s", since.toNanos() / 1e9);
    }

    public String tookText() {
        return took == null ? "" : String.format("%.3f s", took.toNanos() / 1e9);
    }
}
