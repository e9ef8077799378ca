package org.criuatlas.plan;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketName;
import org.criuatlas.plan.CrossingDiscovery.Raw;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Predicts, from a snapshot alone, what {@code criu dump -t ROOT} (CRIU 4.1.1) will do: which
 * objects cross the boundary of the root's subtree, which error CRIU prints for each, which
 * options fix it and what the restore must then be given. Pure: no I/O; "is this pid still
 * alive?" comes in as a predicate. The rules and the experiments behind them are in
 * docs/dump-rules.md.
 *
 * <p>This class is the public entry point and the selection (which roots make independent dumps);
 * the work is done along its seams by package-private classes: {@link TreeChecks} (the tree as a
 * whole), {@link CrossingDiscovery} (what crosses the boundary), {@link CrossingRules} (what CRIU
 * does with each crossing, and the fixes), {@link ObjectRules} (objects CRIU checks one by one) and
 * {@link PlanVerdict} (the roll-up into one outcome).
 */
public final class DumpPlanner {
    /**
     * CRIU keeps at most this many pipes (and, separately, FIFOs) per dump; one more fails with "OOM storing pipe".
     * Only pipes whose read end is dumped count: the table holds pipe data, and CRIU reads it from a read end.
     */
    public static final int PIPE_LIMIT = 1024;

    private DumpPlanner() {}

    private static volatile CriuTarget defaultTarget = CriuTarget.RULES;

    /**
     * The CRIU that plans are made for when none is given: set once CRIU Atlas knows which CRIU it
     * uses ({@link CriuTarget#detect()}, off the UI thread). Until then the rules apply.
     */
    public static void setDefaultTarget(CriuTarget t) {
        defaultTarget = t == null ? CriuTarget.RULES : t;
    }

    public static CriuTarget defaultTarget() {
        return defaultTarget;
    }

    /** Plans with every process assumed alive (the snapshot is fresh). */
    public static DumpPlan plan(IpcGraph g, int root, Decisions d) {
        return plan(g, root, d, pid -> true);
    }

    /** Plans a whole selection: one dump per independent root, plus what the selection cannot do as asked. */
    public static PlanSet planAll(IpcGraph g, Selection sel, Decisions d, IntPredicate alive) {
        return planAll(g, sel, d, alive, defaultTarget);
    }

    /** {@link #planAll(IpcGraph, Selection, Decisions, IntPredicate)} for a given CRIU. */
    public static PlanSet planAll(IpcGraph g, Selection sel, Decisions d, IntPredicate alive, CriuTarget target) {
        List<PlanCheck> sc = new ArrayList<>();
        List<Integer> roots = new ArrayList<>();
        for (int r : sel.roots()) {
            if (sel.exclude().contains(r)) continue;
            if (!roots.contains(r)) roots.add(r);
        }
        // a root inside another root's subtree is already part of that dump
        List<Integer> independent = new ArrayList<>();
        Map<Integer, Set<Integer>> subtrees = new HashMap<>();
        for (int r : roots) subtrees.put(r, g.subtree(r));
        for (int r : roots) {
            Integer container = null;
            for (int o : roots) if (o != r && subtrees.get(o).contains(r)) { container = o; break; }
            if (container != null) {
                sc.add(new PlanCheck(PlanCheck.Kind.ALREADY_INCLUDED, r, Prediction.dumps(""),
                        "pid " + r + " is already in the subtree of pid " + container + ": dumped with it"));
            } else {
                independent.add(r);
            }
        }
        Set<Integer> all = new HashSet<>();
        for (int r : independent) all.addAll(subtrees.get(r));
        for (int x : sel.exclude()) {
            if (!all.contains(x)) continue;
            int under = -1;
            for (int r : independent) if (subtrees.get(r).contains(x)) under = r;
            sc.add(new PlanCheck(PlanCheck.Kind.CANNOT_LEAVE_OUT, x, Prediction.unknown("selection cannot be honoured"),
                    "CRIU dumps every descendant of the root: pid " + x + " (" + comm(g, x) + ") cannot be left out of the dump of pid "
                            + under + ". Dump its siblings' subtrees separately, or stop it first"));
        }
        List<Integer> wanted = new ArrayList<>(independent);
        for (int x : sel.include()) {
            if (all.contains(x)) continue;
            wanted.add(x);
            int lca = commonAncestor(g, List.of(independent.isEmpty() ? x : independent.get(0), x));
            sc.add(new PlanCheck(PlanCheck.Kind.OUTSIDE_SUBTREE, x, Prediction.unknown("selection cannot be honoured"),
                    "pid " + x + " (" + comm(g, x) + ") is not a descendant of the chosen root"
                            + (lca > 1 ? ": to take it along, dump from their common ancestor pid " + lca + " (" + comm(g, lca) + ")"
                            : ": no common ancestor that CRIU can dump (only init); it needs a separate dump")));
        }
        int ca = wanted.size() > 1 ? commonAncestor(g, wanted) : 0;
        if (independent.size() > 1) {
            sc.add(new PlanCheck(PlanCheck.Kind.SEPARATE_DUMPS, 0, Prediction.dumps(""),
                    independent.size() + " separate dumps (one per root)"
                            + (ca > 1 ? "; to dump them together, dump from their common ancestor pid " + ca + " (" + comm(g, ca) + ")" : "")));
        }
        List<DumpPlan> plans = new ArrayList<>();
        for (int r : independent) plans.add(plan(g, r, d, alive, target));
        return new PlanSet(plans, sc, ca);
    }

    /** Plans {@code criu dump -t root} under the given decisions. */
    public static DumpPlan plan(IpcGraph g, int root, Decisions d, IntPredicate alive) {
        return plan(g, root, d, alive, defaultTarget);
    }

    /** Plans {@code criu dump -t root} under the given decisions, for the given CRIU. */
    public static DumpPlan plan(IpcGraph g, int root, Decisions d, IntPredicate alive, CriuTarget target) {
        if (g == null) throw new IllegalArgumentException("no snapshot to plan from");
        if (d == null) d = Decisions.NONE;
        if (target == null) target = defaultTarget;
        ProcessInfo rp = g.process(root);
        if (rp == null) {
            // a root that exited while the scan read it: said so, with what the scan saw
            String exited = g.problems().stream().anyMatch(x -> x.pid() == root && x.kind() == org.criuatlas.model.ScanProblem.Kind.VANISHED
                    && x.what().startsWith("process")) ? " (it exited while the scan read it)" : "";
            Prediction p = alive.test(root)
                    ? Prediction.unknown("pid " + root + " is not in the snapshot" + exited + ": scan again")
                    : Prediction.fails(CriuError.of(CriuErrorKind.PROCESS_GONE, "Unable to detach from " + root + ": No such process"),
                    "there is no process " + root + exited);
            PlanCheck c = new PlanCheck(PlanCheck.Kind.ROOT_MISSING, root, p, p.why());
            return PlanVerdict.finish(root, "", List.of(), List.of(c), List.of(), d.objects().applyTo(CriuOptions.defaults().withPid(root)),
                    List.of(), List.of(), target);
        }
        Set<Integer> inside = g.subtree(root);
        List<PlanCheck> checks = new ArrayList<>();
        TreeChecks.check(g, rp, inside, alive, d.objects().external(), checks);
        ScanChecks.check(g, inside, checks);

        List<Raw> raws = CrossingDiscovery.discover(g, rp, inside);

        // the options the decisions amount to, as CRIU reads them
        CrossingRules.Opts opts = CrossingRules.options(d, raws);
        List<Crossing> crossings = new ArrayList<>();
        List<RestoreObligation> obligations = new ArrayList<>();
        CrossingRules.Cache cache = new CrossingRules.Cache(g);
        for (Raw r : raws) {
            Crossing c = CrossingRules.judge(g, root, r, opts, d, cache);
            crossings.add(c);
            if (c.obligation() != null && c.withDecisions().outcome().dumps()) obligations.add(c.obligation());
        }
        if (d.shellJob()) {
            obligations.add(new RestoreObligation("shell-job", RestoreObligation.Kind.SHELL_JOB, 0, new Holder(root, -1), null,
                    SocketName.NONE, false, "dumped as a shell job: restore with --shell-job too; the restored tree joins the"
                    + " session and terminal of the process that runs the restore"));
        }
        List<ObjectVerdict> objects = ObjectRules.judge(g, root, inside, d, target);
        CriuOptions o = d.objects().applyTo(CriuOptions.defaults().withPid(root).withShellJob(d.shellJob())
                .withExtUnixSk(opts.extUnixSk()).withExternal(List.copyOf(opts.external())));
        return PlanVerdict.finish(root, rp.commandText(), List.copyOf(inside), checks, crossings, o, obligations, objects, target);
    }

    /** The deepest process that has every pid in {@code pids} in its subtree, 0 if none in the snapshot. */
    public static int commonAncestor(IpcGraph g, Collection<Integer> pids) {
        Integer acc = null;
        for (int p : pids) {
            if (g.process(p) == null) return 0;
            if (acc == null) { acc = p; continue; }
            Set<Integer> chain = new HashSet<>(chain(g, acc));
            int found = 0;
            for (int q : chain(g, p)) if (chain.contains(q)) { found = q; break; }
            if (found == 0) return 0;
            acc = found;
        }
        return acc == null ? 0 : acc;
    }

    /** The pid and its ancestors, nearest first. */
    static List<Integer> chain(IpcGraph g, int pid) {
        List<Integer> c = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        ProcessInfo p = g.process(pid);
        while (p != null && seen.add(p.pid())) {
            c.add(p.pid());
            p = p.ppid() == p.pid() ? null : g.process(p.ppid());
        }
        return c;
    }

    /** The command name of a pid, "?" when it is not in the snapshot. */
    static String comm(IpcGraph g, int pid) {
        ProcessInfo p = g.process(pid);
        return p == null ? "?" : p.comm();
    }
}
