package org.criuatlas.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The edges {@link IpcGraph#edges()} derives from a snapshot: who is tied to whom, and through what. */
final class GraphEdges {
    private GraphEdges() {}

    static List<GraphEdge> of(IpcGraph g) {
        Map<Integer, ProcessInfo> processes = g.processes();
        List<GraphEdge> out = new ArrayList<>();
        for (ProcessInfo p : processes.values()) {
            if (p.ppid() != 0 && processes.containsKey(p.ppid()) && p.ppid() != p.pid()) {
                out.add(new GraphEdge(GraphEdge.Kind.PARENT_CHILD, p.ppid(), p.pid(), null, null));
            }
        }
        for (UnixSocket s : g.sockets().values()) {
            addShared(out, s.key(), s.holders());
            UnixSocket peer = g.peerOf(s);
            if (peer == null) continue;
            // a mutual pair is emitted once, from its lower inode
            if (peer.peer() == s.ino() && peer.ino() < s.ino()) continue;
            addPeers(out, s.key(), s.holders(), peer.key(), peer.holders());
        }
        for (InetSocket s : g.inetSockets()) {
            if (s.ino() == 0) continue;
            addShared(out, s.key(), s.holders());
            InetSocket peer = g.peerOf(s);
            if (peer == null) continue;
            if (peer.peer() == s.ino() && peer.ino() < s.ino()) continue;
            addPeers(out, s.key(), s.holders(), peer.key(), peer.holders());
        }
        for (NetlinkSocket s : g.netlinkSockets().values()) addShared(out, s.key(), s.holders());
        for (PacketSocket s : g.packetSockets().values()) addShared(out, s.key(), s.holders());
        for (Pipe p : g.pipes().values()) {
            addShared(out, p.key(), union(p.readers(), p.writers()));
            Set<Long> seen = new TreeSet<>();
            for (Holder w : p.writers()) {
                for (Holder r : p.readers()) {
                    if (w.pid() == r.pid()) continue;
                    if (!seen.add(((long) w.pid() << 32) | r.pid())) continue;
                    out.add(new GraphEdge(GraphEdge.Kind.PIPE, w.pid(), r.pid(), p.key(), p.key()));
                }
            }
        }
        for (SysvSharedMemory m : g.sysvShm()) {
            List<Holder> hs = new ArrayList<>(m.attachedPids().size());
            for (int pid : m.attachedPids()) hs.add(new Holder(pid, -1));
            addShared(out, m.objectKey(), hs);
        }
        return out;
    }

    private static void addPeers(List<GraphEdge> out, String key, List<Holder> holders, String peerKey, List<Holder> peerHolders) {
        Set<Long> seen = new TreeSet<>();
        for (Holder a : holders) {
            for (Holder b : peerHolders) {
                if (a.pid() == b.pid()) continue;
                if (!seen.add(((long) a.pid() << 32) | b.pid())) continue;
                out.add(new GraphEdge(GraphEdge.Kind.SOCKET_PEER, a.pid(), b.pid(), key, peerKey));
            }
        }
    }

    private static List<Holder> union(List<Holder> a, List<Holder> b) {
        List<Holder> u = new ArrayList<>(a);
        u.addAll(b);
        return u;
    }

    private static void addShared(List<GraphEdge> out, String key, List<Holder> holders) {
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
}
