package org.criuatlas.ui.plan;

import java.util.List;
import java.util.Set;

/**
 * What the window shows for one plan: the subtree, its crossing edges by verdict, and the exact command.
 *
 * @param rootPid   the process whose subtree is dumped
 * @param pids      the dumped processes
 * @param crossings every edge that leaves the subtree
 * @param verdict   the worst verdict over all crossings, RESOLVED when there are none
 * @param command   the exact {@code criu dump ...} argument list
 */
public record PlanOutcome(int rootPid, Set<Integer> pids, List<Crossing> crossings, Verdict verdict, List<String> command) {
    public PlanOutcome {
        pids = Set.copyOf(pids);
        crossings = List.copyOf(crossings);
        command = List.copyOf(command);
    }

    /** The command as one shell line (arguments with shell metacharacters quoted). */
    public String commandText() {
        StringBuilder b = new StringBuilder();
        for (String a : command) {
            if (b.length() > 0) b.append(' ');
            // brackets stay bare as in CRIU's own docs (unix[INO]); a glob would need a file named like unix1 in the cwd
            b.append(a.matches("[A-Za-z0-9_./=:,+\\[\\]-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

    /** Words for the verdict line of the plan panel. */
    public String verdictText() {
        long fails = crossings.stream().filter(c -> c.verdict() == Verdict.FAIL).count();
        long unknown = crossings.stream().filter(c -> c.verdict() == Verdict.UNKNOWN).count();
        long obligations = crossings.stream().filter(c -> c.verdict() == Verdict.OBLIGATION).count();
        if (fails > 0) return "\u2717 Dump will fail: " + fails + " edge" + (fails == 1 ? "" : "s") + " to resolve";
        if (unknown > 0) return "? Unknown: " + unknown + " edge" + (unknown == 1 ? "" : "s") + " with an owner we cannot see";
        if (obligations > 0) return "! OK with " + obligations + " restore obligation" + (obligations == 1 ? "" : "s");
        return "\u2713 OK: the dump will succeed";
    }
}
