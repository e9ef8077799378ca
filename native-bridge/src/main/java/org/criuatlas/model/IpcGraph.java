package org.criuatlas.model;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One immutable snapshot of processes, their fds, unix sockets and pipes. Built once by a live
 * scan or an image reader; every view and planner reads it, nobody changes it.
 */
public final class IpcGraph {
    /** Where a snapshot came from. */
    public enum Source { LIVE, IMAGES }

    /**
     * @param source     live scan or image directory
     * @param origin     host name, or the image directory's path
     * @param takenAt    when the snapshot was taken (for images: when it was read)
     * @param privileged true when the scan could see every process (root)
     * @param scanNanos  how long building the snapshot took
     */
    public record Meta(Source source, String origin, Instant takenAt, boolean privileged, long scanNanos) {}

    private final Meta meta;
    private final Map<Integer, ProcessInfo> processes;
    private final Map<Long, UnixSocket> sockets;
    private final Map<Long, Pipe> pipes;
    private final List<ScanProblem> problems;
    private final Map<Integer, List<Integer>> children;

    private IpcGraph(Meta meta, Map<Integer, ProcessInfo> processes, Map<Long, UnixSocket> sockets,
                     Map<Long, Pipe> pipes, List<ScanProblem> problems) {
        this.meta = meta;
        this.processes = processes;
        this.sockets = sockets;
        this.pipes = pipes;
        this.problems = problems;
        Map<Integer, List<Integer>> ch = new HashMap<>();
        for (ProcessInfo p : processes.values()) {
            if (p.ppid() != 0 && p.ppid() != p.pid()) ch.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
        }
        ch.replaceAll((k, v) -> List.copyOf(v));
        this.children = ch;
    }

    public static IpcGraph of(Meta meta, Collection<ProcessInfo> processes, Collection<UnixSocket> sockets,
                              Collection<Pipe> pipes, Collection<ScanProblem> problems) {
        Map<Integer, ProcessInfo> pm = new TreeMap<>();
        for (ProcessInfo p : processes) pm.put(p.pid(), p);
        Map<Long, UnixSocket> sm = new TreeMap<>();
        for (UnixSocket s : sockets) sm.put(s.ino(), s);
        Map<Long, Pipe> pp = new TreeMap<>();
        for (Pipe p : pipes) pp.put(p.ino(), p);
        return new IpcGraph(meta, Collections.unmodifiableMap(pm), Collections.unmodifiableMap(sm),
                Collections.unmodifiableMap(pp), List.copyOf(problems));
    }

    public Meta meta() { return meta; }

    /** All processes by pid, in pid order. */
    public Map<Integer, ProcessInfo> processes() { return processes; }

    /** All unix sockets by inode, in inode order (including sockets no visible process holds). */
    public Map<Long, UnixSocket> sockets() { return sockets; }

    /** All pipes and FIFOs by inode. */
    public Map<Long, Pipe> pipes() { return pipes; }

    /** What the scan could not see. */
    public List<ScanProblem> problems() { return problems; }

    public ProcessInfo process(int pid) { return processes.get(pid); }

    public UnixSocket socket(long ino) { return sockets.get(ino); }

    public Pipe pipe(long ino) { return pipes.get(ino); }

    /** The socket's peer, or null when it has none or the peer is not in the snapshot. */
    public UnixSocket peerOf(UnixSocket s) { return s.peer() == 0 ? null : sockets.get(s.peer()); }

    /** Sockets whose peer is {@code ino} (dgram clients of a server, the other end of a pair). */
    public List<UnixSocket> socketsConnectedTo(long ino) {
        List<UnixSocket> out = new ArrayList<>();
        for (UnixSocket s : sockets.values()) if (s.peer() == ino) out.add(s);
        return out;
    }

    public List<Integer> children(int pid) { return children.getOrDefault(pid, List.of()); }

    /** The pid and all its descendants, in breadth-first order. */
    public Set<Integer> subtree(int root) {
        Set<Integer> out = new LinkedHashSet<>();
        if (!processes.containsKey(root)) return out;
        ArrayDeque<Integer> q = new ArrayDeque<>();
        q.add(root);
        while (!q.isEmpty()) {
            int p = q.poll();
            if (out.add(p)) q.addAll(children(p));
        }
        return out;
    }

    /** Processes whose parent is not in the snapshot (the roots of the process forest). */
    public List<Integer> roots() {
        List<Integer> r = new ArrayList<>();
        for (ProcessInfo p : processes.values()) if (!processes.containsKey(p.ppid()) || p.ppid() == p.pid()) r.add(p.pid());
        return r;
    }

    /**
     * Derived edges: parent/child, socket peers (one edge per connected pair of holders), pipe
     * writer-to-reader, and objects shared by several processes. Edges inside one process are left out.
     */
    public List<GraphEdge> edges() {
        List<GraphEdge> out = new ArrayList<>();
        for (ProcessInfo p : processes.values()) {
            if (p.ppid() != 0 && processes.containsKey(p.ppid()) && p.ppid() != p.pid()) {
                out.add(new GraphEdge(GraphEdge.Kind.PARENT_CHILD, p.ppid(), p.pid(), null, null));
            }
        }
        for (UnixSocket s : sockets.values()) {
            addShared(out, s.key(), s.holders());
            UnixSocket peer = peerOf(s);
            if (peer == null) continue;
            // a mutual pair is emitted once, from its lower inode
            if (peer.peer() == s.ino() && peer.ino() < s.ino()) continue;
            Set<Long> seen = new TreeSet<>();
            for (Holder a : s.holders()) {
                for (Holder b : peer.holders()) {
                    if (a.pid() == b.pid()) continue;
                    if (!seen.add(((long) a.pid() << 32) | b.pid())) continue;
                    out.add(new GraphEdge(GraphEdge.Kind.SOCKET_PEER, a.pid(), b.pid(), s.key(), peer.key()));
                }
            }
        }
        for (Pipe p : pipes.values()) {
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
        return out;
    }

    private static List<Holder> union(List<Holder> a, List<Holder> b) {
        List<Holder> u = new ArrayList<>(a);
        u.addAll(b);
        return u;
    }

    private static void addShared(List<GraphEdge> out, String key, List<Holder> holders) {
        Set<Integer> pids = new TreeSet<>();
        for (Holder h : holders) pids.add(h.pid());
        if (pids.size() < 2) return;
        Integer first = null;
        for (int pid : pids) {
            if (first == null) first = pid;
            else out.add(new GraphEdge(GraphEdge.Kind.SHARED, first, pid, key, key));
        }
    }

    /** Counts for status bars and logs. */
    public String summary() {
        return processes.size() + " processes, " + sockets.size() + " unix sockets, " + pipes.size() + " pipes"
                + (problems.isEmpty() ? "" : ", " + problems.size() + " problems");
    }
}
