package org.criuatlas.ui.dump;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;

/** {@link PlanIntents} over one graph snapshot: keeps the decisions and re-plans with {@link DumpPlanner}. */
public final class DecisionsPlanIntents implements PlanIntents {
    private final IpcGraph graph;
    private final int root;
    private Decisions decisions;

    public DecisionsPlanIntents(IpcGraph graph, int root, Decisions decisions) {
        this.graph = graph;
        this.root = root;
        this.decisions = decisions == null ? Decisions.NONE : decisions;
    }

    public DumpPlan plan() {
        return DumpPlanner.plan(graph, root, decisions);
    }

    public Decisions decisions() {
        return decisions;
    }

    @Override
    public DumpPlan markExternal(long ourIno) {
        decisions = decisions.withExternal(ourIno);
        return plan();
    }

    @Override
    public DumpPlan useShellJob() {
        decisions = decisions.withShellJob(true);
        return plan();
    }
}
