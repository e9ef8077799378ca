package org.criuatlas.plan;

import java.util.List;

/**
 * The plans for a whole selection: one {@link DumpPlan} per separate dump (one per root that is
 * not inside another root's subtree), the selection problems, and the common ancestor that would
 * take every selected process into one dump.
 *
 * @param plans            one per dump
 * @param selectionChecks  what the selection asked for that CRIU cannot do as asked
 * @param commonAncestor   lowest common ancestor of the roots and added processes, 0 if none or only one root
 */
public record PlanSet(List<DumpPlan> plans, List<PlanCheck> selectionChecks, int commonAncestor) {
    public PlanSet {
        plans = List.copyOf(plans);
        selectionChecks = List.copyOf(selectionChecks);
    }

    /** True only when every dump would succeed and the selection can be done as asked. */
    public boolean willSucceed() {
        if (plans.isEmpty()) return false;
        for (PlanCheck c : selectionChecks) if (c.blocks()) return false;
        for (DumpPlan p : plans) if (!p.willSucceed()) return false;
        return true;
    }
}
