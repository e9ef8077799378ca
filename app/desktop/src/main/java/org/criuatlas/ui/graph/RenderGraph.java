package org.criuatlas.ui.graph;

import org.criuatlas.model.GraphEdge;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the graph view draws, flattened into arrays so the rasterizer loops over primitives
 * instead of objects: node positions in world pixels and edges by node index. Immutable once
 * built; built off the FX thread for every refresh.
 *
 * <p>Just over 400 lines because the arrays and the one pass that fills them (nodes, edges, pair
 * keys, dangling ends, ghosts) belong together: the rasterizer's speed depends on their layout.
 */
public final class RenderGraph {
    /** Edge types; each has its own stroke pattern (see {@link Rasterizer}). */
    public static final byte PARENT = 0, STREAM = 1, DGRAM = 2, SEQPACKET = 3, PIPE = 4, SHARED = 5, SOCKET_OTHER = 6,
            TCP = 7, UDP = 8;
    /**
     * Node kinds. GHOST is a process that vanished since the last refresh; OUTSIDE_DUMP and
     * OWNER_UNKNOWN are the other end of a dangling connection (see {@link DanglingEnds}); REMOTE is
     * the far end of a TCP/UDP connection that no socket of the snapshot matches (another host).
     */
    public static final byte PROCESS = 0, ZOMBIE = 1, GHOST = 2, HIDDEN_FDS = 3, OUTSIDE_DUMP = 4, OWNER_UNKNOWN = 5, REMOTE = 6;

    /**
     * Where an outside node sits relative to its holder, world pixels: up-right, up-left, then in
     * the gap towards the right-hand neighbour. Close to the holder and above its label, so it
     * reads as the holder's; the next process is a column (120) away.
     */
    static final float[][] OUTSIDE_SLOTS = {{38, -22}, {-38, -22}, {64, -4}};

    public final int nodeCount;
    public final int[] pid;
    public final float[] x;
    public final float[] y;
    public final String[] label;
    public final byte[] kind;
    /** Appeared since the previous snapshot. */
    public final boolean[] appeared;
    /** Outside nodes: the key of the connection to select when clicked; null for processes. */
    public final String[] nodeKey;
    /** Outside nodes: what the other end is and what that means; null for processes. */
    public final String[] note;
    /** Outside nodes: the node index of the holder they sit beside; -1 for processes. */
    public final int[] anchor;
    /** How many nodes are outside nodes. */
    public final int outsideCount;
    /** Processes: their badges ({@link ObjectMarks#LOCK}, ...), 0 for none. */
    public final byte[] marks;
    /** Processes: what their badges mean, one line per badge; null for none. */
    public final String[] markText;
    private final Map<Integer, Integer> indexOfPid;

    public final int edgeCount;
    public final int[] from;
    public final int[] to;
    public final byte[] type;
    /** The CRIU key of the object at the {@code from} side (null for parent/child). */
    public final String[] key;
    /** The key at the {@code to} side (equal to {@link #key} for pipes and shared objects). */
    public final String[] peerKey;
    /** A named socket's path (or @abstract name), a TCP/UDP connection's protocol and port, to show along the edge; null otherwise. */
    public final String[] name;
    /** More for the hover card: both ends of a TCP/UDP connection as {@code ss} prints them; null otherwise. */
    public final String[] info;
    /** Side-by-side lane of an edge among the edges joining the same two processes: 0, 1, -1, 2, ... */
    public final byte[] lane;

    public final float minX, minY, maxX, maxY;

    // ---- the tree's structure, for the overview (see Overview) --------------------------------

    /** Group kinds: what a collapsed subtree stands for. */
    public static final byte G_TREE = 0, G_SERVICE = 1, G_SESSION = 2, G_CONTAINER = 3;
    /** The node index of a process's parent, -1 for roots and for other nodes. */
    public final int[] parent;
    /** Processes in the subtree (the process included); 1 for other nodes. */
    public final int[] subtreeSize;
    /** The subtree's bounding box in world pixels. */
    public final float[] boxX0, boxY0, boxX1, boxY1;
    /** Distinct other processes this process shares a socket, pipe or object with (a hub has many). */
    public final int[] peers;
    /** What its subtree is when shown as a group ({@link #G_SERVICE}...). */
    public final byte[] groupKind;
    /** The short name (comm) of a process, null for other nodes. */
    public final String[] comm;
    /** Node indices, parents before their children. */
    public final int[] topDown;

    private RenderGraph(List<Node> nodes, List<Edge> edges) {
        nodeCount = nodes.size();
        pid = new int[nodeCount];
        x = new float[nodeCount];
        y = new float[nodeCount];
        label = new String[nodeCount];
        kind = new byte[nodeCount];
        appeared = new boolean[nodeCount];
        nodeKey = new String[nodeCount];
        note = new String[nodeCount];
        anchor = new int[nodeCount];
        marks = new byte[nodeCount];
        markText = new String[nodeCount];
        int outside = 0;
        indexOfPid = new HashMap<>(nodeCount * 2);
        float x0 = Float.MAX_VALUE, y0 = Float.MAX_VALUE, x1 = -Float.MAX_VALUE, y1 = -Float.MAX_VALUE;
        for (int i = 0; i < nodeCount; i++) {
            Node n = nodes.get(i);
            pid[i] = n.pid;
            x[i] = n.x;
            y[i] = n.y;
            label[i] = n.label;
            kind[i] = n.kind;
            appeared[i] = n.appeared;
            nodeKey[i] = n.key;
            note[i] = n.note;
            anchor[i] = n.anchor;
            if (n.mark != null) {
                marks[i] = n.mark.flags();
                markText[i] = n.mark.text();
            }
            if (isOutside(n.kind)) outside++;
            indexOfPid.put(n.pid, i);
            x0 = Math.min(x0, n.x);
            y0 = Math.min(y0, n.y);
            x1 = Math.max(x1, n.x);
            y1 = Math.max(y1, n.y);
        }
        outsideCount = outside;
        if (nodeCount == 0) x0 = y0 = x1 = y1 = 0;
        minX = x0;
        minY = y0;
        maxX = x1;
        maxY = y1;
        edgeCount = edges.size();
        from = new int[edgeCount];
        to = new int[edgeCount];
        type = new byte[edgeCount];
        key = new String[edgeCount];
        peerKey = new String[edgeCount];
        name = new String[edgeCount];
        info = new String[edgeCount];
        lane = new byte[edgeCount];
        Map<Long, Integer> perPair = new HashMap<>(edgeCount * 2);
        for (int i = 0; i < edgeCount; i++) {
            Edge e0 = edges.get(i);
            long pair = pairKey(e0.from, e0.to, nodeCount);
            int k = perPair.merge(pair, 1, Integer::sum) - 1;
            // 0, 1, -1, 2, -2, ... capped so a hundred edges between two processes stay near their line
            int l = Math.min(6, (k + 1) / 2) * (k % 2 == 1 ? 1 : -1);
            // the sign is relative to the from->to direction: normalise so lanes do not swap sides
            lane[i] = (byte) (e0.from <= e0.to ? l : -l);
        }
        for (int i = 0; i < edgeCount; i++) {
            Edge e = edges.get(i);
            from[i] = e.from;
            to[i] = e.to;
            type[i] = e.type;
            key[i] = e.key;
            peerKey[i] = e.peerKey;
            name[i] = e.name;
            info[i] = e.info;
        }
        parent = new int[nodeCount];
        subtreeSize = new int[nodeCount];
        boxX0 = new float[nodeCount];
        boxY0 = new float[nodeCount];
        boxX1 = new float[nodeCount];
        boxY1 = new float[nodeCount];
        peers = new int[nodeCount];
        groupKind = new byte[nodeCount];
        comm = new String[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            Node nd = nodes.get(i);
            parent[i] = nd.parent;
            groupKind[i] = nd.group;
            comm[i] = nd.comm;
            subtreeSize[i] = 1;
            boxX0[i] = boxX1[i] = x[i];
            boxY0[i] = boxY1[i] = y[i];
        }
        // children before parents: deepest first (a process's depth is one more than its parent's)
        int[] depth = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            int d = 0;
            for (int p = parent[i]; p >= 0 && d < nodeCount; p = parent[p]) d++;
            depth[i] = d;
        }
        Integer[] byDepth = new Integer[nodeCount];
        for (int i = 0; i < nodeCount; i++) byDepth[i] = i;
        java.util.Arrays.sort(byDepth, (a, b) -> Integer.compare(depth[b], depth[a]));
        topDown = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++) topDown[i] = byDepth[nodeCount - 1 - i];
        for (int i : byDepth) {
            int p = parent[i];
            if (p < 0) continue;
            subtreeSize[p] += subtreeSize[i];
            boxX0[p] = Math.min(boxX0[p], boxX0[i]);
            boxY0[p] = Math.min(boxY0[p], boxY0[i]);
            boxX1[p] = Math.max(boxX1[p], boxX1[i]);
            boxY1[p] = Math.max(boxY1[p], boxY1[i]);
        }
        java.util.Set<Long> pairs = new java.util.HashSet<>(edgeCount * 2);
        for (int e = 0; e < edgeCount; e++) {
            if (type[e] == PARENT) continue;
            int a = from[e], b = to[e];
            if (a == b || isOutside(kind[a]) || isOutside(kind[b])) continue;
            if (pairs.add(pairKey(a, b, nodeCount))) {
                peers[a]++;
                peers[b]++;
            }
        }
    }

    /**
     * One number per unordered pair of node indices. Not {@code min << 32 | max}: a Long hashes as
     * its high half XOR its low half, so every pair of small indices would land in a few thousand
     * buckets (measured: the hash maps treeified and took most of a refresh's preparation).
     */
    private static long pairKey(int a, int b, int nodeCount) {
        return (long) Math.min(a, b) * nodeCount + Math.max(a, b);
    }

    public static final RenderGraph EMPTY = new RenderGraph(List.of(), List.of());

    private record Node(int pid, float x, float y, String label, byte kind, boolean appeared, String key, String note,
                        int anchor, int parent, byte group, String comm, ObjectMarks.Mark mark) {
        Node(int pid, float x, float y, String label, byte kind, boolean appeared) {
            this(pid, x, y, label, kind, appeared, null, null, -1, -1, G_TREE, null, null);
        }

        Node(int pid, float x, float y, String label, byte kind, boolean appeared, String key, String note, int anchor) {
            this(pid, x, y, label, kind, appeared, key, note, anchor, -1, G_TREE, null, null);
        }

        Node withParent(int p) {
            return new Node(pid, x, y, label, kind, appeared, key, note, anchor, p, group, comm, mark);
        }
    }

    private record Edge(int from, int to, byte type, String key, String peerKey, String name, String info) {
        Edge(int from, int to, byte type, String key, String peerKey, String name) {
            this(from, to, type, key, peerKey, name, null);
        }
    }

    /** A process that vanished since the previous snapshot, kept in place for a moment. */
    public record Ghost(int pid, float x, float y, String label) {}

    /** True for the node kinds that stand for the other end of a dangling connection. */
    public static boolean isOutside(byte kind) { return kind == OUTSIDE_DUMP || kind == OWNER_UNKNOWN || kind == REMOTE; }

    /** The pid of a node as the planner names the other end: -1 for outside nodes (no visible holder). */
    public int plannerPid(int node) { return isOutside(kind[node]) ? -1 : pid[node]; }

    /** The node index of a pid, -1 when it is not drawn. */
    public int indexOf(int p) {
        Integer i = indexOfPid.get(p);
        return i == null ? -1 : i;
    }

    /**
     * Builds the drawing of {@code g}.
     *
     * @param positions where each pid goes (from {@link TidyTreeLayout}); pids without a position are not drawn
     * @param shown     which processes to draw
     * @param appeared  pids to mark as new
     * @param ghosts    vanished processes to draw as outlines
     */
    public static RenderGraph build(IpcGraph g, Map<Integer, TidyTreeLayout.Point> positions,
                                    Predicate<ProcessInfo> shown, Set<Integer> appeared, List<Ghost> ghosts) {
        List<Node> nodes = new ArrayList<>(g.processes().size() + ghosts.size());
        Map<Integer, Integer> idx = new HashMap<>(g.processes().size() * 2);
        Map<Integer, ObjectMarks.Mark> marks = ObjectMarks.of(g);
        for (ProcessInfo p : g.processes().values()) {
            TidyTreeLayout.Point pt = positions.get(p.pid());
            if (pt == null || !shown.test(p)) continue;
            byte k = p.isZombie() ? ZOMBIE : !p.fdsReadable() ? HIDDEN_FDS : PROCESS;
            idx.put(p.pid(), nodes.size());
            byte group = RenderFacts.groupKind(g, p);
            nodes.add(new Node(p.pid(), (float) pt.x(), (float) pt.y(), group == G_CONTAINER ? ContainerLabel.label(p) : p.comm() + " " + p.pid(), k,
                    appeared.contains(p.pid()), null, null, -1, -1, group, p.comm(), marks.get(p.pid())));
        }
        int processes = nodes.size();
        for (int i = 0; i < processes; i++) {
            Node nd = nodes.get(i);
            ProcessInfo p = g.process(nd.pid());
            Integer pi = p == null || p.ppid() == p.pid() ? null : idx.get(p.ppid());
            if (pi != null) nodes.set(i, nd.withParent(pi));
        }
        for (Ghost gh : ghosts) {
            if (idx.containsKey(gh.pid())) continue;
            idx.put(gh.pid(), nodes.size());
            nodes.add(new Node(gh.pid(), gh.x(), gh.y(), gh.label(), GHOST, false));
        }
        List<Edge> edges = new ArrayList<>();
        Set<String> listening = null;
        for (GraphEdge e : g.edges()) {
            Integer a = idx.get(e.fromPid());
            Integer b = idx.get(e.toPid());
            if (a == null || b == null) continue;
            byte t;
            String nm = null, info = null;
            switch (e.kind()) {
                case PARENT_CHILD -> t = PARENT;
                case PIPE -> {
                    t = PIPE;
                    Pipe pp = g.pipe(RenderFacts.inode(e.objectKey()));
                    if (pp != null && pp.isFifo()) nm = pp.fifoPath();
                }
                case SHARED -> {
                    // a pipe between writer and reader is already drawn as a pipe edge
                    Pipe pp = g.pipe(RenderFacts.inode(e.objectKey()));
                    if (e.objectKey().startsWith("pipe:") && pp != null && RenderFacts.joins(pp, e.fromPid(), e.toPid())) continue;
                    t = SHARED;
                }
                default -> {
                    InetSocket is = g.inetSocket(RenderFacts.inode(e.objectKey()));
                    if (is != null) {
                        // TCP/UDP between two local processes: a peer edge, typed by protocol, with both ends' addresses
                        t = DanglingEnds.inetType(is);
                        InetSocket ip = g.inetSocket(RenderFacts.inode(e.peerKey()));
                        if (listening == null) listening = ObjectMarks.listening(g);
                        nm = ObjectMarks.inetName(is, ip, listening);
                        info = ObjectMarks.inetInfo(is, ip);
                        break;
                    }
                    UnixSocket s = g.socket(RenderFacts.inode(e.objectKey()));
                    UnixSocket peer = g.socket(RenderFacts.inode(e.peerKey()));
                    SocketType st = s == null ? SocketType.UNKNOWN : s.type();
                    t = switch (st) {
                        case STREAM -> STREAM;
                        case DGRAM -> DGRAM;
                        case SEQPACKET -> SEQPACKET;
                        default -> SOCKET_OTHER;
                    };
                    if (peer != null && peer.name().isNamed()) nm = peer.name().display();
                    else if (s != null && s.name().isNamed()) nm = s.name().display();
                }
            }
            edges.add(new Edge(a, b, t, e.objectKey(), e.peerKey(), nm, info));
        }
        addOutside(g, nodes, edges, idx, processes);
        return new RenderGraph(nodes, edges);
    }

    /**
     * The other ends of dangling connections: up to three small nodes beside each holder (ends to
     * one named peer share a node; a holder with more groups puts the rest on its last node), each
     * joined to its holders. Their places follow the holder only, so nothing else moves. Synthetic
     * pids below zero keep them apart from processes.
     */
    private static void addOutside(IpcGraph g, List<Node> nodes, List<Edge> edges, Map<Integer, Integer> idx,
                                   int processes) {
        List<DanglingEnds.End> ends = DanglingEnds.of(g, p -> {
            Integer i = idx.get(p);
            return i != null && i < processes;
        });
        if (ends.isEmpty()) return;
        // per anchor: group -> node index, in order of first appearance
        Map<Integer, Map<String, Integer>> groups = new HashMap<>();
        Map<Integer, int[]> merged = new HashMap<>(); // node index -> {ends merged into it}
        int nextPid = -1;
        for (DanglingEnds.End end : ends) {
            int anchor = idx.get(end.holders().get(0));
            Map<String, Integer> mine = groups.computeIfAbsent(anchor, k -> new java.util.LinkedHashMap<>());
            Integer node = mine.get(end.group());
            if (node == null && mine.size() >= OUTSIDE_SLOTS.length) {
                // the last slot takes every further group: "+N more"
                node = mine.values().stream().reduce((a, b) -> b).orElseThrow();
                merged.computeIfAbsent(node, k -> new int[1])[0]++;
            }
            if (node == null) {
                float[] slot = OUTSIDE_SLOTS[mine.size()];
                Node h = nodes.get(anchor);
                node = nodes.size();
                byte kind = switch (end.where()) {
                    case OUTSIDE_DUMP -> OUTSIDE_DUMP;
                    case REMOTE -> REMOTE;
                    default -> OWNER_UNKNOWN;
                };
                nodes.add(new Node(nextPid--, h.x + slot[0], h.y + slot[1], end.label(), kind, false, end.key(),
                        end.note(), anchor));
                mine.put(end.group(), node);
            }
            for (int holder : end.holders()) {
                int a = idx.get(holder);
                edges.add(end.outward()
                        ? new Edge(a, node, end.type(), end.key(), end.peerKey(), null)
                        : new Edge(node, a, end.type(), end.peerKey(), end.key(), null));
            }
        }
        for (Map.Entry<Integer, int[]> m : merged.entrySet()) {
            Node n = nodes.get(m.getKey());
            String label = n.label + " +" + m.getValue()[0] + " more";
            nodes.set(m.getKey(), new Node(n.pid, n.x, n.y, label, n.kind, false, n.key,
                    n.note + " (" + m.getValue()[0] + " more connections of this process also leave it; see the inspector)",
                    n.anchor));
        }
    }
}
