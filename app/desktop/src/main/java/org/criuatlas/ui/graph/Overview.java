package org.criuatlas.ui.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the graph shows at one zoom: semantic zoom over the process tree. A subtree that would be
 * too small on screen to read collapses into one group (a service, a session, a container, a tree,
 * with its count); zooming in expands it in place (its processes are laid out where the group was).
 * Connections between groups are bundled into one line per pair, with a count and a width by
 * number; a hub (a process that talks to many: a D-Bus daemon, an X server, the journal) always
 * keeps its own node and label. Processes that matter now (the selection, the plan and its
 * crossings, a search's match) never hide in a group.
 * <p>
 * Depends only on the graph, the scale and what must stay visible, not on panning: the skin
 * computes it when the zoom or the graph changes. Pure.
 */
public final class Overview {
    /** A subtree smaller than this on screen (pixels, its larger side) never opens. */
    public static final double COLLAPSE_PIXELS = 150;
    /** Screen area per item (a process or a group) at which the overview stays readable. */
    public static final double CELL_PIXELS = 110 * 70;
    /** Subtrees of fewer processes are never groups (a pair is easier read as two nodes). */
    public static final int MIN_GROUP = 3;
    /** A process sharing objects with this many other processes is a hub. */
    public static final int HUB_PEERS = 6;
    /** At most this many hubs (the busiest). */
    public static final int MAX_HUBS = 16;

    /** Nothing collapsed (tests, the raw view). */
    public static Overview none(RenderGraph g) {
        return new Overview(g, identity(g.nodeCount), new int[0], new int[0], new int[0], new int[0], new int[0],
                new int[0], boolean_(g.nodeCount), null);
    }

    /**
     * Only the nodes {@code keep} holds, each as itself (no groups, no bundles, no hubs): what "only
     * what blocks this dump" draws. The others keep their places, hidden.
     */
    public static Overview only(RenderGraph g, boolean[] keep) {
        boolean[] hidden = new boolean[g.nodeCount];
        for (int i = 0; i < g.nodeCount; i++) hidden[i] = i >= keep.length || !keep[i];
        return new Overview(g, identity(g.nodeCount), new int[0], new int[0], new int[0], new int[0], new int[0],
                new int[0], boolean_(g.nodeCount), hidden);
    }

    /** The node each node is drawn as: itself, or the root of the group it is folded into. */
    public final int[] rep;
    /** Group roots (node indices), in drawing order. */
    public final int[] groups;
    /** Per group: connections inside it (not drawn separately). */
    public final int[] groupInner;
    /** Bundles: node indices of the two representatives, how many connections, which edge types (bit per type). */
    public final int[] bundleA, bundleB, bundleCount, bundleTypes;
    /** Hubs: processes with many peers. */
    public final boolean[] hub;
    private final RenderGraph g;
    private final Map<Integer, Integer> groupOf;
    /** Nodes not drawn at all (the blocking filter), null for none. */
    private final boolean[] hidden;

    private Overview(RenderGraph g, int[] rep, int[] groups, int[] groupInner, int[] ba, int[] bb, int[] bc, int[] bt,
                     boolean[] hub, boolean[] hidden) {
        this.g = g;
        this.hidden = hidden;
        this.rep = rep;
        this.groups = groups;
        this.groupInner = groupInner;
        this.bundleA = ba;
        this.bundleB = bb;
        this.bundleCount = bc;
        this.bundleTypes = bt;
        this.hub = hub;
        this.groupOf = new HashMap<>(groups.length * 2);
        for (int i = 0; i < groups.length; i++) groupOf.put(groups[i], i);
    }

    /**
     * @param scale   the zoom (screen pixels per world pixel)
     * @param visible nodes that must not fold into a group (null for none)
     */
    public static Overview of(RenderGraph g, double scale, boolean[] visible) {
        return of(g, scale, visible, 1200, 800);
    }

    /** As {@link #of(RenderGraph, double, boolean[])} for a view of {@code viewW} by {@code viewH} pixels. */
    public static Overview of(RenderGraph g, double scale, boolean[] visible, double viewW, double viewH) {
        int n = g.nodeCount;
        boolean[] hub = hubs(g);
        // a group may not hide what must stay visible: mark their ancestors
        boolean[] keepOpen = boolean_(n);
        if (visible != null) {
            for (int i = 0; i < n && i < visible.length; i++) {
                if (!visible[i]) continue;
                for (int p = g.parent[i], guard = 0; p >= 0 && !keepOpen[p] && guard < n; p = g.parent[p], guard++) keepOpen[p] = true;
                keepOpen[i] = true;
            }
        }
        int[] rep = identity(n);
        List<Integer> groups = cut(g, scale, keepOpen, viewW * viewH);
        // everything below a group folds into it (hubs keep their own node)
        boolean[] isRoot = boolean_(n);
        for (int root : groups) isRoot[root] = true;
        int[] groupOfNode = new int[n];
        java.util.Arrays.fill(groupOfNode, -1);
        for (int i : g.topDown) {
            if (RenderGraph.isOutside(g.kind[i]) || g.kind[i] == RenderGraph.GHOST) continue;
            int p = g.parent[i];
            int above = p < 0 ? -1 : isRoot[p] ? p : groupOfNode[p];
            if (above >= 0) {
                groupOfNode[i] = above;
                if (!hub[i]) rep[i] = above;
            }
        }
        // outside nodes and ghosts go with their holder
        for (int i = 0; i < n; i++) {
            if (RenderGraph.isOutside(g.kind[i]) && g.anchor[i] >= 0) rep[i] = rep[g.anchor[i]] == g.anchor[i] ? i : rep[g.anchor[i]];
        }
        int[] gs = groups.stream().mapToInt(Integer::intValue).toArray();
        Map<Integer, Integer> groupIndex = new HashMap<>();
        for (int k = 0; k < gs.length; k++) groupIndex.put(gs[k], k);
        int[] inner = new int[gs.length];
        Map<Long, int[]> bundles = new HashMap<>();
        for (int e = 0; e < g.edgeCount; e++) {
            if (g.type[e] == RenderGraph.PARENT) continue;
            int a = g.from[e], b = g.to[e];
            int ra = rep[a], rb = rep[b];
            if (ra == a && rb == b) continue; // both shown: drawn as itself
            if (ra == rb) {
                Integer k = groupIndex.get(ra);
                if (k != null) inner[k]++;
                continue;
            }
            // min * n + max, not min << 32 | max: a Long hashes as high XOR low half (collisions for small indices)
            long key = (long) Math.min(ra, rb) * g.nodeCount + Math.max(ra, rb);
            int[] c = bundles.computeIfAbsent(key, x -> new int[2]);
            c[0]++;
            c[1] |= 1 << g.type[e];
        }
        int m = bundles.size(), k = 0;
        int[] ba = new int[m], bb = new int[m], bc = new int[m], bt = new int[m];
        for (Map.Entry<Long, int[]> e : bundles.entrySet()) {
            ba[k] = (int) (e.getKey() / g.nodeCount);
            bb[k] = (int) (e.getKey() % g.nodeCount);
            bc[k] = e.getValue()[0];
            bt[k] = e.getValue()[1];
            k++;
        }
        return new Overview(g, rep, gs, inner, ba, bb, bc, bt, hub, null);
    }

    /**
     * The hubs: processes with many more peers than most (at least {@link #HUB_PEERS} and four times
     * the median of those with any), at most {@link #MAX_HUBS} of them, the busiest first. Relative,
     * so that on a graph where everyone talks to many the few that talk to everyone still stand out.
     */
    static boolean[] hubs(RenderGraph g) {
        int n = g.nodeCount;
        boolean[] hub = boolean_(n);
        int[] withPeers = java.util.Arrays.stream(g.peers).filter(p -> p > 0).sorted().toArray();
        if (withPeers.length == 0) return hub;
        int floor = Math.max(HUB_PEERS, 4 * withPeers[withPeers.length / 2]);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(g.peers[b], g.peers[a]));
        for (int k = 0; k < Math.min(MAX_HUBS, n); k++) {
            int i = order[k];
            if (g.peers[i] < floor) break;
            if (!RenderGraph.isOutside(g.kind[i]) && g.kind[i] != RenderGraph.GHOST) hub[i] = true;
        }
        return hub;
    }

    /**
     * Where to cut the tree at this zoom: the groups. Starts with every tree folded, then opens the
     * group that is largest on screen, again and again, while the items on screen stay readable:
     * about one per {@link #CELL_PIXELS} of the view, or of the whole graph's area at this zoom when
     * that is larger (so zooming in opens
     * more); a group whose children would not fit stays closed while smaller ones open. Groups that
     * hold a process that must show always open. Depends on the zoom only, not on panning.
     */
    static List<Integer> cut(RenderGraph g, double scale, boolean[] keepOpen, double viewArea) {
        int n = g.nodeCount;
        double gw = (g.maxX - g.minX + TidyTreeLayout.COLUMN) * scale, gh = (g.maxY - g.minY + TidyTreeLayout.ROW) * scale;
        double budget = Math.max(24, Math.max(viewArea, gw * gh) / CELL_PIXELS);
        java.util.PriorityQueue<Integer> closed = new java.util.PriorityQueue<>((a, b) -> Double.compare(extent(g, b), extent(g, a)));
        int items = 0;
        for (int i = 0; i < n; i++) {
            if (g.parent[i] >= 0 || RenderGraph.isOutside(g.kind[i]) || g.kind[i] == RenderGraph.GHOST) continue;
            items++;
            if (g.subtreeSize[i] >= MIN_GROUP) closed.add(i);
        }
        int[][] kids = children(g);
        List<Integer> parked = new ArrayList<>();
        while (!closed.isEmpty()) {
            int top = closed.peek();
            double ext = extent(g, top) * scale;
            // the top of each tree always opens: one box for the whole machine says nothing
            boolean must = keepOpen[top] || g.parent[top] < 0;
            int grow = kids[top].length;
            if (!must && ext < COLLAPSE_PIXELS) break;
            if (!must && items + grow > budget) {
                // too many at once: leave it closed, a smaller one may still fit
                closed.poll();
                parked.add(top);
                continue;
            }
            closed.poll();
            items += grow;
            for (int c : kids[top]) if (g.subtreeSize[c] >= MIN_GROUP) closed.add(c);
        }
        // the rest stay closed; a closed group that must open (a deeper selection) opens all the way down to it
        List<Integer> groups = new ArrayList<>();
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(closed);
        todo.addAll(parked);
        while (!todo.isEmpty()) {
            int i = todo.poll();
            if (keepOpen[i]) {
                for (int c : kids[i]) if (g.subtreeSize[c] >= MIN_GROUP) todo.add(c);
            } else {
                groups.add(i);
            }
        }
        return groups;
    }

    /** The larger side of a subtree's box, world pixels. */
    private static double extent(RenderGraph g, int i) {
        return Math.max(g.boxX1[i] - g.boxX0[i] + TidyTreeLayout.COLUMN, g.boxY1[i] - g.boxY0[i] + TidyTreeLayout.ROW);
    }

    private static int[][] children(RenderGraph g) {
        int[] count = new int[g.nodeCount];
        for (int i = 0; i < g.nodeCount; i++) if (g.parent[i] >= 0) count[g.parent[i]]++;
        int[][] out = new int[g.nodeCount][];
        for (int i = 0; i < g.nodeCount; i++) out[i] = new int[count[i]];
        int[] fill = new int[g.nodeCount];
        for (int i = 0; i < g.nodeCount; i++) if (g.parent[i] >= 0) out[g.parent[i]][fill[g.parent[i]]++] = i;
        return out;
    }

    /** True when node {@code i} is drawn (not folded into a group). */
    public boolean shown(int i) {
        return rep[i] == i && (hidden == null || !hidden[i]);
    }

    /** True when a filter hides some nodes. */
    public boolean filtered() {
        return hidden != null;
    }

    /** True when node {@code i} is the root of a collapsed group. */
    public boolean isGroup(int i) {
        return groupOf.containsKey(i);
    }

    /** The group's index in {@link #groups}, -1 when {@code i} is no group root. */
    public int groupIndex(int i) {
        Integer k = groupOf.get(i);
        return k == null ? -1 : k;
    }

    /** Where node {@code i} is drawn in world pixels: a group's centre, else the node. */
    public float cx(int i) {
        return isGroup(i) ? (g.boxX0[i] + g.boxX1[i]) / 2 : g.x[i];
    }

    public float cy(int i) {
        return isGroup(i) ? (g.boxY0[i] + g.boxY1[i]) / 2 : g.y[i];
    }

    /** A group's label: "service cupsd · 3 processes". */
    public String groupLabel(int root) {
        String kind = switch (g.groupKind[root]) {
            case RenderGraph.G_SERVICE -> "service ";
            case RenderGraph.G_SESSION -> "session ";
            case RenderGraph.G_CONTAINER -> "container ";
            default -> "";
        };
        return kind + g.label[root] + " \u00b7 " + g.subtreeSize[root];
    }

    /** A hub's label: "dbus-daemon 310 · 27 peers". */
    public String hubLabel(int i) {
        return g.label[i] + " \u00b7 " + g.peers[i] + " peers";
    }

    public RenderGraph graph() { return g; }

    private static int[] identity(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static boolean[] boolean_(int n) {
        return new boolean[n];
    }
}
