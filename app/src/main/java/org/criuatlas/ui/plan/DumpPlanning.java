package org.criuatlas.ui.plan;

import org.criuatlas.model.IpcGraph;

import java.util.List;
import java.util.Map;

/**
 * The window's view of the dump planner: a pure function from a snapshot, a subtree and the
 * person's choices to crossings, verdicts and the command. The planner itself lives in
 * org.criuatlas.plan; an adapter to it implements this.
 */
@FunctionalInterface
public interface DumpPlanning {
    /**
     * @param graph   the snapshot
     * @param rootPid the root of the dumped subtree
     * @param choices ticked choices by crossing key ({@link Crossing#key()})
     */
    PlanOutcome plan(IpcGraph graph, int rootPid, Map<String, List<Choice>> choices);
}
