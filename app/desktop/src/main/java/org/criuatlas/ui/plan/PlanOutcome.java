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
 * @param objects     the objects CRIU judges one by one (TCP, locks, SysV IPC, namespaces, ...), in the plan's order
 */
public record PlanOutcome(DumpPlan plan, Set<Integer> pids, List<CrossingRow> crossings, Verdict verdict, String commandText,
                          List<ObjectRow> objects) {
    public PlanOutcome {
        pids = Set.copyOf(pids);
        crossings = List.copyOf(crossings);
        objects = objects == null ? List.of() : List.copyOf(objects);
    }

    public PlanOutcome(DumpPlan plan, Set<Integer> pids, List<CrossingRow> crossings, Verdict verdict, String commandText) {
        this(plan, pids, crossings, verdict, commandText, List.of());
    }

    /** The objects that stop the dump or leave it undecided. */
    public List<ObjectRow> blockingObjects() {
        return objects.stream().filter(ObjectRow::blocks).toList();
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
            case DUMP_FAILS -> "Dump will fail: " + failing(fails, checks, Verdict.FAIL);
            case UNKNOWN -> "Cannot tell: " + undecided(checks) + " the snapshot cannot decide";
            case DUMPS_BREAKS_AT_RESTORE -> "Dump OK, but " + plural(crossings.stream().filter(c -> c.verdict() == Verdict.OBLIGATION)
                    .count(), "connection") + " break at restore unless handed in";
            case DUMPS -> "OK: the dump will succeed" + (obligations > 0 ? " (" + plural(obligations, "restore obligation") + ")" : "");
        };
    }

    /** "1 edge to resolve", "2 objects", "1 edge to resolve, 1 object": what makes it fail. */
    private String failing(long edges, long checks, Verdict v) {
        long objs = objects.stream().filter(o -> o.verdict() == v).count();
        List<String> parts = new java.util.ArrayList<>();
        if (edges > 0) parts.add(plural(edges, "edge") + " to resolve");
        if (objs > 0) parts.add(plural(objs, "object"));
        if (parts.isEmpty()) return plural(checks, "problem");
        return String.join(", ", parts);
    }

    private String undecided(long checks) {
        long edges = crossings.stream().filter(c -> c.verdict() == Verdict.UNKNOWN).count();
        long objs = objects.stream().filter(o -> o.verdict() == Verdict.UNKNOWN).count();
        List<String> parts = new java.util.ArrayList<>();
        if (checks > 0) parts.add(plural(checks, "check"));
        if (edges > 0) parts.add(plural(edges, "edge"));
        if (objs > 0) parts.add(plural(objs, "object"));
        return parts.isEmpty() ? plural(0, "edge") : String.join(", ", parts);
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
