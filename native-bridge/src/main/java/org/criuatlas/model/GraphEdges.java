package org.criuatlas.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The list {@link IpcGraph#edges()} fills, one kind of tie at a time: a parent and its child, the
 * holders of two connected sockets, the writers and readers of a pipe, the processes sharing one
 * object. Each pair of processes gets one edge per object; edges inside one process are left out.
 */
final class GraphEdges {
    private final List<GraphEdge> out = new ArrayList<>();

    void parentChild(int parent, int child) {
        out.add(new GraphEdge(GraphEdge.Kind.PARENT_CHILD, parent, child, null, null));
    }

    /** Every holder of one end to every holder of the other, in another process. */
    void peers(String key, List<Holder> holders, String peerKey, List<Holder> peerHolders) {
        Set<Long> seen = new TreeSet<>();
        for (Holder a : holders) {
            for (Holder b : peerHolders) {
                if (a.pid() == b.pid()) continue;
                if (!seen.add(((long) a.pid() << 32) | b.pid())) continue;
                out.add(new GraphEdge(GraphEdge.Kind.SOCKET_PEER, a.pid(), b.pid(), key, peerKey));
            }
        }
    }

    /** The pipe as shared by all its ends, and from each writer to each reader in another process. */
    void pipe(Pipe p) {
        shared(p.key(), union(p.readers(), p.writers()));
        Set<Long> seen = new TreeSet<>();
        for (Holder w : p.writers()) {
            for (Holder r : p.readers()) {
                if (w.pid() == r.pid()) continue;
                if (!seen.add(((long) w.pid() << 32) | r.pid())) continue;
                out.add(new GraphEdge(GraphEdge.Kind.PIPE, w.pid(), r.pid(), p.key(), p.key()));
            }
        }
    }

    /** The segment as shared by the processes attached to it. */
    void sharedMemory(SysvSharedMemory m) {
        List<Holder> hs = new ArrayList<>(m.attachedPids().size());
        for (int pid : m.attachedPids()) hs.add(new Holder(pid, -1));
        shared(m.objectKey(), hs);
    }

    /** From the lowest pid among the holders to each other pid holding the object. */
    void shared(String key, List<Holder> holders) {
        if (holders.size() < 2) return;
        Set<Integer> pids = new TreeSet<>();
        for (Holder h : holders) pids.add(h.pid());
        if (pids.size() < 2) return;
        Integer first = null;
        for (int pid : pids) {
            if (first == null) first = pid;
            else out.add(new GraphEdge(GraphEdge.Kind.SHARED, first, pid, key, key));
        }
    }

    List<GraphEdge> list() {
        return out;
    }

    private static List<Holder> union(List<Holder> a, List<Holder> b) {
        List<Holder> u = new ArrayList<>(a);
        u.addAll(b);
        return u;
    }
}
