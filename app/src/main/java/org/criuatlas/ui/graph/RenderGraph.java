package org.criuatlas.ui.graph;

import org.criuatlas.model.GraphEdge;
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
 */
public final class RenderGraph {
    /** Edge types; each has its own stroke pattern (see {@link Rasterizer}). */
    public static final byte PARENT = 0, STREAM = 1, DGRAM = 2, SEQPACKET = 3, PIPE = 4, SHARED = 5, SOCKET_OTHER = 6;
    /** Node kinds. */
    public static final byte PROCESS = 0, ZOMBIE = 1, GHOST = 2, HIDDEN_FDS = 3;

    public final int nodeCount;
    public final int[] pid;
    public final float[] x;
    public final float[] y;
    public final String[] label;
    public final byte[] kind;
    /** Appeared since the previous snapshot. */
    public final boolean[] appeared;
    private final Map<Integer, Integer> indexOfPid;

    public final int edgeCount;
    public final int[] from;
    public final int[] to;
    public final byte[] type;
    /** The CRIU key of the object at the {@code from} side (null for parent/child). */
    public final String[] key;
    /** The key at the {@code to} side (equal to {@link #key} for pipes and shared objects). */
    public final String[] peerKey;
    /** A named socket's path (or @abstract name) to show along the edge; null otherwise. */
    public final String[] name;
    /** Side-by-side lane of an edge among the edges joining the same two processes: 0, 1, -1, 2, ... */
    public final byte[] lane;

    public final float minX, minY, maxX, maxY;

    private RenderGraph(List<Node> nodes, List<Edge> edges) {
        nodeCount = nodes.size();
        pid = new int[nodeCount];
        x = new float[nodeCount];
        y = new float[nodeCount];
        label = new String[nodeCount];
        kind = new byte[nodeCount];
        appeared = new boolean[nodeCount];
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
            indexOfPid.put(n.pid, i);
            x0 = Math.min(x0, n.x);
            y0 = Math.min(y0, n.y);
            x1 = Math.max(x1, n.x);
            y1 = Math.max(y1, n.y);
        }
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
        lane = new byte[edgeCount];
        Map<Long, Integer> perPair = new HashMap<>();
        for (int i = 0; i < edgeCount; i++) {
            Edge e0 = edges.get(i);
            long pair = ((long) Math.min(e0.from, e0.to) << 32) | Math.max(e0.from, e0.to);
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
        }
    }

    public static final RenderGraph EMPTY = new RenderGraph(List.of(), List.of());

    private record Node(int pid, float x, float y, String label, byte kind, boolean appeared) {}

    private record Edge(int from, int to, byte type, String key, String peerKey, String name) {}

    /** A process that vanished since the previous snapshot, kept in place for a moment. */
    public record Ghost(int pid, float x, float y, String label) {}

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
        for (ProcessInfo p : g.processes().values()) {
            TidyTreeLayout.Point pt = positions.get(p.pid());
            if (pt == null || !shown.test(p)) continue;
            byte k = p.isZombie() ? ZOMBIE : !p.fdsReadable() ? HIDDEN_FDS : PROCESS;
            idx.put(p.pid(), nodes.size());
            nodes.add(new Node(p.pid(), (float) pt.x(), (float) pt.y(), p.comm() + " " + p.pid(), k,
                    appeared.contains(p.pid())));
        }
        for (Ghost gh : ghosts) {
            if (idx.containsKey(gh.pid())) continue;
            idx.put(gh.pid(), nodes.size());
            nodes.add(new Node(gh.pid(), gh.x(), gh.y(), gh.label(), GHOST, false));
        }
        List<Edge> edges = new ArrayList<>();
        for (GraphEdge e : g.edges()) {
            Integer a = idx.get(e.fromPid());
            Integer b = idx.get(e.toPid());
            if (a == null || b == null) continue;
            byte t;
            String nm = null;
            switch (e.kind()) {
                case PARENT_CHILD -> t = PARENT;
                case PIPE -> {
                    t = PIPE;
                    Pipe pp = g.pipe(inode(e.objectKey()));
                    if (pp != null && pp.isFifo()) nm = pp.fifoPath();
                }
                case SHARED -> {
                    // a pipe between writer and reader is already drawn as a pipe edge
                    Pipe pp = g.pipe(inode(e.objectKey()));
                    if (e.objectKey().startsWith("pipe:") && pp != null && joins(pp, e.fromPid(), e.toPid())) continue;
                    t = SHARED;
                }
                default -> {
                    UnixSocket s = g.socket(inode(e.objectKey()));
                    UnixSocket peer = g.socket(inode(e.peerKey()));
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
            edges.add(new Edge(a, b, t, e.objectKey(), e.peerKey(), nm));
        }
        return new RenderGraph(nodes, edges);
    }

    private static boolean joins(Pipe p, int a, int b) {
        boolean aw = p.writers().stream().anyMatch(h -> h.pid() == a), ar = p.readers().stream().anyMatch(h -> h.pid() == a);
        boolean bw = p.writers().stream().anyMatch(h -> h.pid() == b), br = p.readers().stream().anyMatch(h -> h.pid() == b);
        return (aw && br) || (bw && ar);
    }

    static long inode(String key) {
        if (key == null) return -1;
        int a = key.indexOf('[');
        int b = key.indexOf(']');
        if (a < 0 || b < a) return -1;
        try {
            return Long.parseLong(key.substring(a + 1, b));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
