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
}
