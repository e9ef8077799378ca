package org.criuatlas.plan.suggest;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.plan.Crossing;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.Fix;
import org.criuatlas.plan.Outcome;
import org.criuatlas.plan.PlanCheck;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "Make it dumpable": for a plan that fails, the cheapest sets of changes that make
 * {@code criu dump} succeed, each with the plan it leads to. A pure function over the dump planner's
 * public API: the planner decides every verdict; this only searches.
 * <p>
 * The changes it considers are the ones the window can make: dump from a higher root (the root's
 * ancestors, nearest first: the smallest enclosing subtree that takes the other ends along), and,
 * under each root, the planner's own working fixes of the crossings that fail or cannot be told
 * (mark our end external, reconnect by name, shell job, hand the object in at restore). Under each
 * root it looks for the fewest ticks first (every subset of the candidate ticks by size, each a
 * cover of the failing crossings, checked by the planner), so no smaller set of these changes exists
 * for that root. Suggestions are ranked by what they cost at restore (obligations and lost
 * connections, then processes taken along), then by size.
 */
public final class DumpSuggester {
    /** Suggestions offered at most. */
    public static final int MAX_SUGGESTIONS = 6;
    /** Ancestors tried as roots, nearest first. */
    public static final int MAX_ANCESTORS = 8;
    /** Up to this many candidate ticks the search is exhaustive by size; above it, one tick per crossing. */
    static final int EXHAUSTIVE_CANDIDATES = 18;
    /** Minimal-size sets kept per root (the alternatives differ in which fix they use). */
    static final int PER_ROOT = 4;

    private DumpSuggester() {}

    public static Suggestions suggest(IpcGraph g, int root, Decisions current) {
        return suggest(g, root, current, -1);
    }

    /**
     * As {@link #suggest(IpcGraph, int, Decisions)}, never proposing a root whose subtree holds
     * {@code keepOut} (the process asking: CRIU Atlas does not suggest dumping itself); -1 for none.
     */
    public static Suggestions suggest(IpcGraph g, int root, Decisions current, int keepOut) {
        Decisions base = current == null ? Decisions.NONE : current;
        DumpPlan asked = DumpPlanner.plan(g, root, base);
        if (asked.willSucceed()) return new Suggestions(root, true, List.of(), List.of());
        List<String> unfixable = new ArrayList<>();
        for (PlanCheck c : asked.checks()) if (c.blocks()) unfixable.add(c.message());
        for (Crossing c : asked.crossings()) {
            Outcome o = c.withDecisions().outcome();
            if (o.dumps()) continue;
            if (ticks(c).isEmpty() && c.fixes().stream().noneMatch(f -> f.works() && f.kind() == Fix.Kind.PULL_IN))
                unfixable.add(c.key() + ": " + c.withDecisions().why());
        }
        List<Suggestion> found = new ArrayList<>();
        for (int r : roots(g, root)) {
            if (keepOut > 0 && r != root && holds(g, r, keepOut)) break;
            DumpPlan under = r == root ? asked : DumpPlanner.plan(g, r, base);
            for (List<Change> ticks : smallestTickSets(g, r, base, under)) {
                Decisions d = apply(base, ticks);
                DumpPlan plan = ticks.isEmpty() ? under : DumpPlanner.plan(g, r, d);
                if (!plan.willSucceed()) continue;
                List<Change> changes = new ArrayList<>();
                if (r != root) changes.add(dumpFrom(g, r, plan.dumped().size() - asked.dumped().size()));
                changes.addAll(ticks);
                found.add(new Suggestion(r, d, changes, plan, cost(plan, asked)));
            }
        }
        found.sort(Comparator.comparing(Suggestion::cost).thenComparingInt(Suggestion::size));
        // one suggestion per distinct set of changes
        Map<String, Suggestion> distinct = new LinkedHashMap<>();
        for (Suggestion s : found) distinct.putIfAbsent(s.root() + " " + new HashSet<>(s.changes()), s);
        // a suggestion no better in any way than another one (restore cost, processes, size) is left out
        List<Suggestion> ranked = new ArrayList<>();
        for (Suggestion x : distinct.values()) {
            if (distinct.values().stream().noneMatch(y -> y != x && dominates(y, x))) ranked.add(x);
        }
        // the smallest one is always offered, even when its restore costs more
        Suggestion smallest = ranked.stream().min(Comparator.comparingInt(Suggestion::size)).orElse(null);
        List<Suggestion> out = new ArrayList<>(ranked.subList(0, Math.min(MAX_SUGGESTIONS, ranked.size())));
        if (smallest != null && !out.contains(smallest)) out.set(out.size() - 1, smallest);
        return new Suggestions(root, false, out, unfixable);
    }

    /** {@code a} is at least as good as {@code b} in every respect and better in one. */
    static boolean dominates(Suggestion a, Suggestion b) {
        RestoreCost x = a.cost(), y = b.cost();
        boolean noWorse = x.obligations() <= y.obligations() && x.connectionsLost() <= y.connectionsLost()
                && x.processesAdded() <= y.processesAdded() && a.size() <= b.size();
        boolean better = x.obligations() < y.obligations() || x.connectionsLost() < y.connectionsLost()
                || x.processesAdded() < y.processesAdded() || a.size() < b.size();
        return noWorse && better;
    }

    /** Whether {@code pid} is {@code root} or below it. */
    static boolean holds(IpcGraph g, int root, int pid) {
        ProcessInfo p = g.process(pid);
        for (int i = 0; p != null && i < 10_000; i++) {
            if (p.pid() == root) return true;
            if (p.ppid() == p.pid()) return false;
            p = g.process(p.ppid());
        }
        return false;
    }

    /** The asked root, then its ancestors nearest first (never init or the kernel's threads: criu cannot dump those). */
    static List<Integer> roots(IpcGraph g, int root) {
        List<Integer> out = new ArrayList<>();
        out.add(root);
        ProcessInfo p = g.process(root);
        Set<Integer> seen = new HashSet<>(out);
        while (p != null && out.size() <= MAX_ANCESTORS) {
            int parent = p.ppid();
            if (parent <= 2 || !seen.add(parent)) break;
            ProcessInfo pp = g.process(parent);
            if (pp == null || pp.ppid() == 2) break;
            out.add(parent);
            p = pp;
        }
        return out;
    }

    /**
     * The smallest sets of ticks that resolve every crossing that fails or cannot be told under
     * {@code plan}, checked by the planner; several when several fixes of the same size work.
     */
    static List<List<Change>> smallestTickSets(IpcGraph g, int root, Decisions base, DumpPlan plan) {
        if (plan.willSucceed()) return List.of(List.of());
        List<Crossing> open = plan.crossings().stream().filter(c -> !c.withDecisions().outcome().dumps()).toList();
        boolean blockingCheck = plan.checks().stream().anyMatch(PlanCheck::blocks);
        List<Set<Change>> needs = new ArrayList<>();
        Set<Change> candidates = new LinkedHashSet<>();
        for (Crossing c : open) {
            Set<Change> t = ticks(c);
            if (t.isEmpty()) return List.of(); // a crossing no tick resolves under this root
            needs.add(t);
            candidates.addAll(t);
        }
        // a check on the whole tree (a session outside, a terminal) may give way to the shell-job option
        if (blockingCheck) candidates.add(shellJob());
        List<Change> cand = new ArrayList<>(candidates);
        List<List<Change>> found = new ArrayList<>();
        if (cand.size() <= EXHAUSTIVE_CANDIDATES) {
            for (int k = 1; k <= cand.size() && found.isEmpty(); k++) {
                for (List<Change> set : combinations(cand, k)) {
                    if (!covers(set, needs)) continue;
                    if (DumpPlanner.plan(g, root, apply(base, set)).willSucceed()) found.add(set);
                    if (found.size() >= PER_ROOT) break;
                }
            }
        } else {
            // many crossings: one tick each (the first working fix the planner lists), then checked
            Set<Change> one = new LinkedHashSet<>();
            for (Set<Change> n : needs) if (n.stream().noneMatch(one::contains)) one.add(n.iterator().next());
            List<Change> set = new ArrayList<>(one);
            if (blockingCheck && !one.contains(shellJob())) set.add(shellJob());
            if (DumpPlanner.plan(g, root, apply(base, set)).willSucceed()) found.add(set);
        }
        return found;
    }

    /** The ticks that resolve {@code c}, from the planner's working fixes. */
    static Set<Change> ticks(Crossing c) {
        Set<Change> out = new LinkedHashSet<>();
        for (Fix f : c.fixes()) {
            if (!f.works()) continue;
            switch (f.kind()) {
                case MARK_EXTERNAL -> out.add(new Change(Change.Kind.MARK_EXTERNAL, 0, c.ourIno(), null,
                        "mark " + c.key() + " external (--external unix[" + c.ourIno() + "])"));
                case RECONNECT_BY_NAME -> out.add(new Change(Change.Kind.RECONNECT_BY_NAME, 0, c.ourIno(), null,
                        "reconnect " + c.key() + " by name at restore (--ext-unix-sk)"));
                case SHELL_JOB -> out.add(shellJob());
                case INHERIT_PIPE -> out.add(new Change(Change.Kind.INHERIT_AT_RESTORE, 0, 0, c.key(),
                        "hand in a replacement for " + c.key() + " at restore (--inherit-fd)"));
                default -> { }
            }
        }
        return out;
    }

    private static Change shellJob() {
        return new Change(Change.Kind.SHELL_JOB, 0, 0, null, "dump as a shell job (--shell-job)");
    }

    private static Change dumpFrom(IpcGraph g, int root, int more) {
        ProcessInfo p = g.process(root);
        return new Change(Change.Kind.DUMP_FROM, root, 0, null, "dump from pid " + root + (p == null ? "" : " (" + p.comm() + ")")
                + (more > 0 ? ": takes " + more + " more process" + (more == 1 ? "" : "es") + " along" : ""));
    }

    /** {@code base} with {@code changes}' ticks applied (a new root is not a tick). */
    public static Decisions apply(Decisions base, List<Change> changes) {
        Decisions d = base;
        for (Change c : changes) {
            d = switch (c.kind()) {
                case MARK_EXTERNAL -> d.withExternal(c.inode());
                case RECONNECT_BY_NAME -> d.withReconnectByName(c.inode());
                case SHELL_JOB -> d.withShellJob(true);
                case INHERIT_AT_RESTORE -> d.withInheritAtRestore(c.key());
                case DUMP_FROM -> d;
            };
        }
        return d;
    }

    static RestoreCost cost(DumpPlan plan, DumpPlan asked) {
        int lost = 0;
        for (Crossing c : plan.crossings()) if (c.socketType() != null && c.outsideIno() != 0) lost++;
        return new RestoreCost(plan.obligations().size(), lost, Math.max(0, plan.dumped().size() - asked.dumped().size()));
    }

    /**
     * Can {@code set} resolve every crossing in {@code needs}? A tick resolves the crossings that
     * list it; reconnect-by-name and shell job are options of the whole dump ({@code --ext-unix-sk},
     * {@code --shell-job}), so one of them may resolve every crossing that lists that kind. The
     * planner has the last word on each set that passes.
     */
    private static boolean covers(List<Change> set, List<Set<Change>> needs) {
        for (Set<Change> n : needs) {
            boolean ok = false;
            for (Change c : set) {
                if (n.contains(c) || (wholeDump(c.kind()) && n.stream().anyMatch(x -> x.kind() == c.kind()))) {
                    ok = true;
                    break;
                }
            }
            if (!ok) return false;
        }
        return true;
    }

    private static boolean wholeDump(Change.Kind k) {
        return k == Change.Kind.RECONNECT_BY_NAME || k == Change.Kind.SHELL_JOB;
    }

    /** Every {@code k}-subset of {@code items}, in order. */
    static List<List<Change>> combinations(List<Change> items, int k) {
        List<List<Change>> out = new ArrayList<>();
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) idx[i] = i;
        while (true) {
            List<Change> set = new ArrayList<>(k);
            for (int i : idx) set.add(items.get(i));
            out.add(set);
            int i = k - 1;
            while (i >= 0 && idx[i] == items.size() - k + i) i--;
            if (i < 0) return out;
            idx[i]++;
            for (int j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
        }
    }
}
