package org.criuatlas.ui.graph;

import org.criuatlas.plan.PlanCheck;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.ObjectRow;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.plan.Verdict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan's objects on the graph, and "only what blocks this dump". The objects CRIU judges one
 * by one (a TCP connection, a lock, a SysV segment, a namespace) mark the edge of their socket and
 * say on their process's hover card what the plan makes of them. The filter keeps the crossings
 * and objects that stop the dump or leave it undecided, the processes they touch, the root, and
 * the processes between them and the root (so one sees where they are); everything else is hidden
 * in place, so turning the filter off shows the same picture as before. Pure.
 */
final class BlockingFilter {
    private BlockingFilter() {}

    /** At most this many plan lines on one process's hover card. */
    static final int MAX_LINES = 4;

    /**
     * Marks the edges of socket objects in {@code em} (a verdict does not overwrite a crossing's,
     * except that a failure wins) and returns, per node, what the plan says about its objects.
     */
    static String[] objectMarks(RenderGraph rg, PlanOutcome plan, byte[] em) {
        if (plan.objects().isEmpty()) return null;
        Map<String, ObjectRow> byKey = new HashMap<>();
        for (ObjectRow o : plan.objects()) if (o.key() != null && !o.plain()) byKey.merge(o.key(), o, BlockingFilter::worse);
        if (!byKey.isEmpty()) {
            for (int e = 0; e < rg.edgeCount; e++) {
                if (rg.key[e] == null) continue;
                ObjectRow o = byKey.get(rg.key[e]);
                ObjectRow p = rg.peerKey[e] == null ? null : byKey.get(rg.peerKey[e]);
                if (o == null || p != null && worse(o, p) == p) o = p;
                if (o == null) continue;
                byte m = GraphPaint.verdictMark(o.verdict());
                if (em[e] == GraphPaint.E_NONE || em[e] == GraphPaint.E_INSIDE || m == GraphPaint.E_FAIL) em[e] = m;
            }
        }
        String[] lines = new String[rg.nodeCount];
        int[] count = new int[rg.nodeCount];
        boolean any = false;
        for (ObjectRow o : plan.objects()) {
            int i = rg.indexOf(o.source().pid());
            if (i < 0 || RenderGraph.isOutside(rg.kind[i])) continue;
            // a plain "dumps fine" is said only for what the badges stand for
            String g = o.source().group();
            if (o.plain() && !(g.equals("files") || g.equals("ipc") || g.equals("namespaces"))) continue;
            count[i]++;
            if (count[i] > MAX_LINES) continue;
            String line = (o.blocks() ? "blocks the dump: " : o.verdict() == Verdict.OBLIGATION ? "restore needs care: "
                    : "dumps: ") + o.what() + " \u2014 " + o.explanation();
            lines[i] = lines[i] == null ? line : lines[i] + "\n" + line;
            any = true;
        }
        for (int i = 0; i < rg.nodeCount; i++) {
            if (count[i] > MAX_LINES) lines[i] += "\n+" + (count[i] - MAX_LINES) + " more in the plan panel";
        }
        return any ? lines : null;
    }

    private static ObjectRow worse(ObjectRow a, ObjectRow b) {
        return rank(b.verdict()) > rank(a.verdict()) ? b : a;
    }

    private static int rank(Verdict v) {
        return switch (v) {
            case FAIL -> 3;
            case UNKNOWN -> 2;
            case OBLIGATION -> 1;
            case RESOLVED -> 0;
        };
    }

    /** The nodes "only what blocks this dump" draws. */
    static boolean[] keep(RenderGraph rg, PlanOutcome plan, byte[] nf, byte[] em) {
        boolean[] keep = new boolean[rg.nodeCount];
        int root = rg.indexOf(plan.rootPid());
        if (root >= 0) keep[root] = true;
        for (int e = 0; e < rg.edgeCount; e++) {
            if (em[e] == GraphPaint.E_FAIL || em[e] == GraphPaint.E_UNKNOWN) {
                keep[rg.from[e]] = true;
                keep[rg.to[e]] = true;
            }
        }
        List<Integer> pids = new ArrayList<>();
        for (CrossingRow c : plan.crossings()) {
            if (c.verdict() != Verdict.FAIL && c.verdict() != Verdict.UNKNOWN) continue;
            pids.add(c.insidePid());
            pids.add(c.outsidePid());
        }
        for (ObjectRow o : plan.objects()) if (o.blocks()) pids.add(o.source().pid());
        for (PlanCheck c : plan.checks()) if (c.blocks() && c.pid() > 0) pids.add(c.pid());
        for (int pid : pids) {
            int i = pid > 0 ? rg.indexOf(pid) : -1;
            if (i >= 0) keep[i] = true;
        }
        // where they are: the processes between each kept one and the root, inside the plan
        for (int i = 0; i < rg.nodeCount; i++) {
            if (!keep[i] || (nf[i] & GraphPaint.IN_PLAN) == 0) continue;
            for (int p = rg.parent[i], guard = 0; p >= 0 && !keep[p] && (nf[p] & GraphPaint.IN_PLAN) != 0 && guard < rg.nodeCount;
                 p = rg.parent[p], guard++) keep[p] = true;
        }
        // an outside node stands beside its holder
        for (int i = 0; i < rg.nodeCount; i++) if (keep[i] && rg.anchor[i] >= 0) keep[rg.anchor[i]] = true;
        return keep;
    }
}
