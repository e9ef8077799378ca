package org.criuatlas.ui.graph;

import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.plan.Verdict;
import org.criuatlas.ui.graph.SelectedItem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How each element of a {@link RenderGraph} is decorated right now: selection, the planned
 * subtree, each crossing edge's verdict, the appeared/vanished marks. Cheap to recompute (one
 * pass over nodes and edges), so a tick in the plan panel repaints at once. Pure.
 */
public final class GraphPaint {
    public static final byte SELECTED = 1, IN_PLAN = 2, PLAN_ROOT = 4,
            /** The restore preview found something about this process (its pid in use, a file it holds...). */
            CONFLICT = 8,
            /** ... and it blocks the restore (else it only warns). */
            CONFLICT_BLOCKS = 16;
    /** Edge decorations; verdicts are 1..4 in {@link Verdict} order. */
    public static final byte E_NONE = 0, E_FAIL = 1, E_OBLIGATION = 2, E_RESOLVED = 3, E_UNKNOWN = 4, E_INSIDE = 5,
            E_SELECTED = 6,
            /** A restore conflict on this socket (its path gone or taken): blocks / warns. */
            E_CONFLICT = 7, E_CONFLICT_WARN = 8;

    /** A verdict marker for one crossing: placed on its edge, or on the inside node when no edge is drawn. */
    public record Badge(CrossingRow crossing, int edge, int node) {}

    /** A restore conflict's caption on the graph: at a node, or at an edge's middle when {@code edge >= 0}. */
    public record Tag(String text, boolean blocks, int node, int edge) {}

    public final byte[] nodeFlags;
    public final byte[] edgeMark;
    public final boolean planActive;
    public final boolean showMarks;
    public final List<Badge> badges;
    /**
     * "Only what blocks this dump": the nodes to draw (the others are hidden, their places kept);
     * null when everything is drawn.
     */
    public final boolean[] keep;
    /** Processes: what the plan says about their own objects (locks, SysV IPC, namespaces, sockets), one per line; null for none. */
    public final String[] nodePlan;
    /** The restore preview's captions (empty without a preview). */
    public final List<Tag> tags;

    private GraphPaint(byte[] nodeFlags, byte[] edgeMark, boolean planActive, boolean showMarks, List<Badge> badges,
                       boolean[] keep, String[] nodePlan, List<Tag> tags) {
        this.nodeFlags = nodeFlags;
        this.edgeMark = edgeMark;
        this.planActive = planActive;
        this.showMarks = showMarks;
        this.badges = List.copyOf(badges);
        this.keep = keep;
        this.nodePlan = nodePlan;
        this.tags = List.copyOf(tags);
    }

    public static GraphPaint of(RenderGraph rg, SelectedItem sel, PlanOutcome plan, boolean showMarks) {
        return of(rg, sel, plan, showMarks, false, RestoreMarks.NONE);
    }

    /** @param onlyBlocking with a plan: draw only what blocks it (see {@link BlockingFilter}) */
    public static GraphPaint of(RenderGraph rg, SelectedItem sel, PlanOutcome plan, boolean showMarks, boolean onlyBlocking) {
        return of(rg, sel, plan, showMarks, onlyBlocking, RestoreMarks.NONE);
    }

    /** With the restore preview's conflicts marked on the processes and sockets they concern. */
    public static GraphPaint of(RenderGraph rg, SelectedItem sel, PlanOutcome plan, boolean showMarks, RestoreMarks marks) {
        return of(rg, sel, plan, showMarks, false, marks);
    }

    /**
     * @param onlyBlocking with a plan: draw only what blocks it (see {@link BlockingFilter})
     * @param marks        the restore preview's conflicts (image view), or {@link RestoreMarks#NONE}
     */
    public static GraphPaint of(RenderGraph rg, SelectedItem sel, PlanOutcome plan, boolean showMarks, boolean onlyBlocking,
                                RestoreMarks marks) {
        byte[] nf = new byte[rg.nodeCount];
        byte[] em = new byte[rg.edgeCount];
        List<Badge> badges = new ArrayList<>();
        String[] nodePlan = null;
        if (plan != null) {
            for (int p : plan.pids()) {
                int i = rg.indexOf(p);
                if (i >= 0) nf[i] |= IN_PLAN;
            }
            int r = rg.indexOf(plan.rootPid());
            if (r >= 0) nf[r] |= PLAN_ROOT;
            for (int e = 0; e < rg.edgeCount; e++) {
                if ((nf[rg.from[e]] & IN_PLAN) != 0 && (nf[rg.to[e]] & IN_PLAN) != 0) em[e] = E_INSIDE;
            }
            // crossings by the unordered pair of keys (and of pids) they join
            Map<String, CrossingRow> byKeys = new HashMap<>();
            java.util.Set<String> keys = new java.util.HashSet<>();
            for (CrossingRow c : plan.crossings()) {
                byKeys.put(pairKey(c.key(), c.peerKey(), c.insidePid(), c.outsidePid()), c);
                keys.add(c.key());
            }
            // identity: crossings are compared as objects, not by hashing their whole contents
            Map<CrossingRow, Integer> placed = new java.util.IdentityHashMap<>();
            for (int e = 0; e < rg.edgeCount; e++) {
                // only edges that touch a crossing's object need the (string-building) pair lookup
                if (rg.key[e] == null || !(keys.contains(rg.key[e]) || (rg.peerKey[e] != null && keys.contains(rg.peerKey[e])))) continue;
                // an outside node stands for "no visible holder", which the planner names pid -1
                CrossingRow c = byKeys.get(pairKey(rg.key[e], rg.peerKey[e], rg.plannerPid(rg.from[e]), rg.plannerPid(rg.to[e])));
                if (c == null) continue;
                em[e] = verdictMark(c.verdict());
                placed.putIfAbsent(c, e);
            }
            for (CrossingRow c : plan.crossings()) {
                Integer e = placed.get(c);
                badges.add(new Badge(c, e == null ? -1 : e, rg.indexOf(c.insidePid())));
            }
            nodePlan = BlockingFilter.objectMarks(rg, plan, em);
        }
        boolean[] keep = plan != null && onlyBlocking ? BlockingFilter.keep(rg, plan, nf, em) : null;
        if (sel != null) {
            if (sel.kind() == SelectedItem.Kind.PROCESS) {
                int i = rg.indexOf(sel.pid());
                if (i >= 0) nf[i] |= SELECTED;
            } else {
                String k = (sel.kind() == SelectedItem.Kind.SOCKET ? "socket:[" : "pipe:[") + sel.id() + "]";
                for (int e = 0; e < rg.edgeCount; e++) {
                    if ((k.equals(rg.key[e]) || k.equals(rg.peerKey[e])) && em[e] == E_NONE) em[e] = E_SELECTED;
                }
            }
        }
        List<Tag> tags = new ArrayList<>();
        if (marks != null && !marks.isEmpty()) {
            // sockets first: a caption shown on a socket's edge is not repeated at its holder
            java.util.Set<String> onEdges = new java.util.HashSet<>();
            java.util.Set<String> tagged = new java.util.HashSet<>();
            for (int e = 0; e < rg.edgeCount; e++) {
                if (rg.type[e] == RenderGraph.PARENT) continue;
                String k = rg.key[e] != null && marks.keys().containsKey(rg.key[e]) ? rg.key[e]
                        : rg.peerKey[e] != null && marks.keys().containsKey(rg.peerKey[e]) ? rg.peerKey[e] : null;
                if (k == null) continue;
                boolean blocks = marks.keys().get(k);
                em[e] = blocks ? E_CONFLICT : E_CONFLICT_WARN;
                List<String> words = marks.keyCaptions().getOrDefault(k, List.of());
                onEdges.addAll(words);
                if (tagged.add(k)) tags.add(new Tag(String.join("\n", words), blocks, -1, e));
            }
            for (var m : marks.pids().entrySet()) {
                int i = rg.indexOf(m.getKey());
                if (i < 0) continue;
                nf[i] |= CONFLICT;
                if (m.getValue()) nf[i] |= CONFLICT_BLOCKS;
                List<String> words = marks.captions().getOrDefault(m.getKey(), List.of()).stream().filter(w -> !onEdges.contains(w)).toList();
                if (!words.isEmpty()) tags.add(new Tag(String.join("\n", words), m.getValue(), i, -1));
            }
        }
        return new GraphPaint(nf, em, plan != null, showMarks, badges, keep, nodePlan, tags);
    }

    static byte verdictMark(Verdict v) {
        return switch (v) {
            case FAIL -> E_FAIL;
            case OBLIGATION -> E_OBLIGATION;
            case RESOLVED -> E_RESOLVED;
            case UNKNOWN -> E_UNKNOWN;
        };
    }

    private static String pairKey(String k1, String k2, int p1, int p2) {
        String a = k1 == null ? "" : k1;
        String b = k2 == null ? a : k2;
        String keys = a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
        return keys + "|" + Math.min(p1, p2) + "|" + Math.max(p1, p2);
    }
}
