package org.criuatlas.ui.plan;

import org.criuatlas.model.IpcGraph;

import java.util.List;
import java.util.Map;

/**
 * The window's view of the dump planner: a pure function from a snapshot, a subtree and the
 * person's ticks to crossings, verdicts and the command. {@link PlannerAdapter} implements it over
 * org.criuatlas.plan.DumpPlanner; tests may substitute their own.
 */
@FunctionalInterface
public interface DumpPlanning {
    /**
     * @param graph   the snapshot
     * @param rootPid the root of the dumped subtree
     * @param choices ticked controls by crossing key ({@link CrossingRow#key()})
     */
    PlanOutcome plan(IpcGraph graph, int rootPid, Map<String, List<Choice>> choices);

    /**
     * The plan with options for the objects besides the ticks (a container's checkpoint: what podman and
     * runc pass to CRIU whatever is ticked); planners without them plan with the ticks alone.
     */
    default PlanOutcome plan(IpcGraph graph, int rootPid, Map<String, List<Choice>> choices,
                             org.criuatlas.plan.Decisions.ObjectOptions objects) {
        return plan(graph, rootPid, choices);
    }

    /**
     * "Make it dumpable": the cheapest sets of changes (a higher root, ticks) that make the plan of
     * {@code rootPid} with {@code choices} succeed, cheapest at restore first; empty when none is
     * found or the planner offers no search. Pure, any thread.
     *
     * @param keepOut a process no suggested subtree may hold (the window's own JVM); -1 for none
     */
    default List<SuggestionRow> suggest(IpcGraph graph, int rootPid, Map<String, List<Choice>> choices, int keepOut) {
        return List.of();
    }
}
