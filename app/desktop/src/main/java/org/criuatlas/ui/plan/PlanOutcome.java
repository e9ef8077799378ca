package org.criuatlas.ui.plan;

import org.criuatlas.model.RestoreObligation;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.PlanCheck;

import java.util.List;
import java.util.Set;

/**
 * What the window shows for one plan: the planner's {@link DumpPlan}, its crossings as the window
 * draws them, and the exact command.
 *
 * @param plan        the dump planner's plan
 * @param pids        the dumped processes
 * @param crossings   every object that leaves the subtree
 * @param verdict     the whole dump's verdict (from the plan's outcome)
 * @param commandText the exact {@code criu dump ...} line (the bridge's spelling)
 */
public record PlanOutcome(DumpPlan plan, Set<Integer> pids, List<CrossingRow> crossings, Verdict verdict, String commandText) {
    public PlanOutcome {
        pids = Set.copyOf(pids);
        crossings = List.copyOf(crossings);
    }

    public int rootPid() { return plan.root(); }

    /** The error line CRIU will print first when the dump fails as planned, else null. */
    public String firstErrorLine() { return plan.firstError() == null ? null : plan.firstError().line(); }

    /** How many objects make the dump fail as planned (CRIU reports only the first it meets). */
    public int failingCount() { return plan.reasons().size(); }

    public List<RestoreObligation> obligations() { return plan.obligations(); }

    public List<PlanCheck> checks() { return plan.checks(); }

    /** Words for the verdict line of the plan panel. */
    public String verdictText() {
        long fails = crossings.stream().filter(c -> c.verdict() == Verdict.FAIL).count();
        long checks = plan.checks().stream().filter(PlanCheck::blocks).count();
        int obligations = plan.obligations().size();
        return switch (plan.outcome()) {
            // no failing edge and no failing check: objects fail it (a TCP connection, a lock...), counted by the planner's reasons
            case DUMP_FAILS -> "Dump will fail: " + (fails > 0 ? plural(fails, "edge") + " to resolve"
                    : plural(checks > 0 ? checks : Math.max(1, failingCount()), "problem"));
            case UNKNOWN -> "Cannot tell: " + (checks > 0 ? plural(checks, "check") : plural(
                    crossings.stream().filter(c -> c.verdict() == Verdict.UNKNOWN).count(), "edge")) + " the snapshot cannot decide";
            case DUMPS_BREAKS_AT_RESTORE -> "Dump OK, but " + plural(crossings.stream().filter(c -> c.verdict() == Verdict.OBLIGATION)
                    .count(), "connection") + " break at restore unless handed in";
            case DUMPS -> "OK: the dump will succeed" + (obligations > 0 ? " (" + plural(obligations, "restore obligation") + ")" : "");
        };
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
