package org.criuatlas.plan.suggest;

import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;

import java.util.List;

/**
 * A set of changes that makes the dump succeed, with the plan it leads to (shown before the person
 * accepts it) and what it costs at restore.
 *
 * @param root      the root to dump from (the asked one, or a higher one)
 * @param decisions the ticks to apply (the person's own ones included)
 * @param changes   what changes, in words and as data; {@link #size()} of them
 * @param plan      the planner's plan with these changes: it dumps
 * @param cost      what it costs at restore
 */
public record Suggestion(int root, Decisions decisions, List<Change> changes, DumpPlan plan, RestoreCost cost) {
    public Suggestion {
        changes = List.copyOf(changes);
    }

    /** How many changes (a new root counts as one). */
    public int size() { return changes.size(); }
}
