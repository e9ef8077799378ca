package org.criuatlas.ui.dump;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.log.CriuLogLine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the timeline of a dump from its events: CRIU's stage notifications, plus a few milestones
 * that only the log shows (tasks seized = frozen, memory being written, finished). Pure; feed it
 * events in order.
 */
public final class StageTimeline {
    private static final Map<String, String> STAGE_MEANING = Map.ofEntries(
            Map.entry("started", "criu started and received the request"),
            Map.entry("pre-dump", "about to freeze the tree"),
            Map.entry("network-lock", "network of the dumped namespace locked"),
            Map.entry("query-ext-files", "tree frozen; CRIU asks which objects are external"),
            Map.entry("post-dump", "images written; the tree is about to be resumed (or ended, if not left running)"),
            Map.entry("network-unlock", "network unlocked"),
            Map.entry("finished", "CRIU replied"));

    /** Log message start → milestone name, meaning. First occurrence only. */
    private static final String[][] LOG_MILESTONES = {
            {"Seized task", "freeze", "tasks seized and frozen"},
            {"Dumping task (pid", "tasks", "collecting each task's state and files"},
            {"Dumping pages (", "memory", "writing the memory pages"},
            {"Dumping finished successfully", "dumped", "CRIU finished writing the images"},
            {"Dumping FAILED", "failed", "CRIU gave up; the tree is being released"},
    };

    private final Instant started;
    private final List<StageRow> rows = new ArrayList<>();
    private final Set<String> seenMilestones = new HashSet<>();

    public StageTimeline(Instant started) {
        this.started = started;
        add("started", null, false, started);
    }

    /** Takes one event; returns true when the timeline changed. */
    public boolean accept(CriuEvent e) {
        if (e instanceof CriuEvent.Stage s) {
            add(s.name(), null, false, s.at());
            return true;
        }
        if (e instanceof CriuEvent.LogLine l) {
            CriuLogLine line = l.line();
            String raw = line.raw();
            for (String[] m : LOG_MILESTONES) {
                // the message is part of the text: a line without the words is not taken apart (most of a -v4 log)
                if (raw.contains(m[0]) && line.message().startsWith(m[0]) && seenMilestones.add(m[1])) {
                    rows.add(new StageRow(m[1], m[2], true, since(l.at()), line.time(), null));
                    closePrevious();
                    return true;
                }
            }
            return false;
        }
        if (e instanceof CriuEvent.Finished f) {
            add("finished", f.result().success() ? "CRIU replied: success" : "CRIU replied: failed", false, f.at());
            return true;
        }
        return false;
    }

    public List<StageRow> rows() {
        return List.copyOf(rows);
    }

    public static String meaning(String stage) {
        return STAGE_MEANING.getOrDefault(stage, "CRIU stage " + stage);
    }

    private void add(String name, String meaning, boolean fromLog, Instant at) {
        rows.add(new StageRow(name, meaning != null ? meaning : meaning(name), fromLog, since(at), null, null));
        closePrevious();
    }

    private void closePrevious() {
        int n = rows.size();
        if (n < 2) return;
        StageRow prev = rows.get(n - 2);
        Duration d = rows.get(n - 1).since().minus(prev.since());
        rows.set(n - 2, prev.withTook(d.isNegative() ? Duration.ZERO : d));
    }

    private Duration since(Instant at) {
        Duration d = Duration.between(started, at);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
