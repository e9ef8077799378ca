package org.criuatlas.model;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One immutable snapshot of processes, their fds and every object between them: unix, inet,
 * netlink and packet sockets, pipes, file locks, SysV IPC and the mounts files live on. Built once
 * by a live scan or an image reader; every view and planner reads it, nobody changes it.
 *
 * <p>Over 400 lines because it is the one place that holds the snapshot and derives its edges,
 * remote endpoints and sessions; the derivations that need more than a loop live in their own
 * classes ({@link InetPeers}).
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
     * @param scanner    the namespaces of the process that took the snapshot (and that runs CRIU);
     *                   unknown for images
     */
    public record Meta(Source source, String origin, Instant takenAt, boolean privileged, long scanNanos,
                       Namespaces scanner) {
        public Meta {
            scanner = scanner == null ? Namespaces.UNKNOWN : scanner;
        }

        public Meta(Source source, String origin, Instant takenAt, boolean privileged, long scanNanos) {
            this(source, origin, takenAt, privileged, scanNanos, Namespaces.UNKNOWN);
        }
    }

    private final Meta meta;
    private final Map<Integer, ProcessInfo> processes;
    private final Map<Long, UnixSocket> sockets;
    private final Map<Long, Pipe> pipes;
    private final List<InetSocket> inetSockets;
    private final Map<Long, InetSocket> inetByIno;
    private final Map<Long, NetlinkSocket> netlinkSockets;
    private final Map<Long, PacketSocket> packetSockets;
    private final List<FileLock> fileLocks;
    private final List<SysvSharedMemory> sysvShm;
    private final List<SysvSemaphoreSet> sysvSemaphores;
    private final List<SysvMessageQueue> sysvMessageQueues;
    private final Map<Long, MountTable> mountTables;
    private final List<ScanProblem> problems;
    private final Map<Integer, List<Integer>> children;
    private volatile List<RemoteEndpoint> remoteEndpoints;

    private IpcGraph(Builder b) {
        this.meta = b.meta;
        Map<Integer, ProcessInfo> pm = new TreeMap<>();
        for (ProcessInfo p : b.processes) pm.put(p.pid(), p);
        this.processes = Collections.unmodifiableMap(pm);
        this.sockets = byIno(b.unixSockets, UnixSocket::ino);
        this.pipes = byIno(b.pipes, Pipe::ino);
        this.inetSockets = inetInOrder(b.inetSockets);
        List<InetSocket> inet = inetSockets;
        Map<Long, InetSocket> ib = new HashMap<>(inet.size() * 2);
        for (InetSocket s : inet) if (s.ino() != 0) ib.put(s.ino(), s);
        this.inetByIno = Collections.unmodifiableMap(ib);
        this.netlinkSockets = byIno(b.netlinkSockets, NetlinkSocket::ino);
        this.packetSockets = byIno(b.packetSockets, PacketSocket::ino);
        this.fileLocks = List.copyOf(b.fileLocks);
        this.sysvShm = List.copyOf(b.sysvShm);
        this.sysvSemaphores = List.copyOf(b.sysvSemaphores);
        this.sysvMessageQueues = List.copyOf(b.sysvMessageQueues);
        Map<Long, MountTable> mt = new TreeMap<>();
        for (MountTable t : b.mountTables) mt.put(t.mntNs(), t);
        this.mountTables = Collections.unmodifiableMap(mt);
        this.problems = List.copyOf(b.problems);
        Map<Integer, List<Integer>> ch = new HashMap<>();
        for (ProcessInfo p : processes.values()) {
            if (p.ppid() != 0 && p.ppid() != p.pid()) ch.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
        }
        ch.replaceAll((k, v) -> List.copyOf(v));
        this.children = ch;
    }

    /** An inode-less socket with the text of its endpoints, made once rather than in every comparison. */
    private record NoInode(InetSocket socket, String local, String remote) {
        NoInode(InetSocket s) { this(s, s.local().display(), s.remote().display()); }
    }

    private static final Comparator<NoInode> NO_INODE_ORDER = Comparator.comparingLong((NoInode n) -> n.socket().netNs())
            .thenComparing(NoInode::local)
            .thenComparing(NoInode::remote);

    /** By inode; the inode-less ones (TIME-WAIT, not yet accepted) first, by namespace and endpoints. */
    private static List<InetSocket> inetInOrder(Collection<InetSocket> all) {
        List<NoInode> noInode = new ArrayList<>();
        List<InetSocket> rest = new ArrayList<>(all.size());
        for (InetSocket s : all) {
            if (s.ino() == 0) noInode.add(new NoInode(s));
            else rest.add(s);
        }
        noInode.sort(NO_INODE_ORDER);
        long[] keys = new long[rest.size()];
        for (int i = 0; i < keys.length; i++) keys[i] = rest.get(i).ino();
        List<InetSocket> out = new ArrayList<>(all.size());
        for (NoInode n : noInode) out.add(n.socket());
        for (int i : ascending(keys)) out.add(rest.get(i));
        return List.copyOf(out);
    }

    /**
     * By inode, iterating in inode order: sorted once, then a hash map that keeps that order (a
     * TreeMap costs a tree insert per socket, and a scan has tens of thousands). The last of
     * several items with the same inode wins, as with Map.put.
     */
    private static <T> Map<Long, T> byIno(Collection<T> items, java.util.function.ToLongFunction<T> ino) {
        @SuppressWarnings("unchecked") T[] a = (T[]) items.toArray();
        long[] keys = new long[a.length];
        for (int i = 0; i < a.length; i++) keys[i] = ino.applyAsLong(a[i]);
        Map<Long, T> m = new java.util.LinkedHashMap<>(Math.max(16, (int) (a.length / 0.75f) + 1));
        for (int i : ascending(keys)) m.put(keys[i], a[i]);
        return Collections.unmodifiableMap(m);
    }

    /**
     * The indexes of {@code keys} in ascending key order, stable. Packs key and index into one long
     * and sorts primitives when they fit (always, for inodes below 2^40 and fewer than 2^23 items):
     * sorting boxed indexes with a comparator made the JIT recompile TimSort on every scan.
     */
    static int[] ascending(long[] keys) {
        int n = keys.length;
        int[] order = new int[n];
        boolean sorted = true, packable = n < (1 << 23);
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
            if (keys[i] < 0 || keys[i] >= (1L << 40)) packable = false;
        }
        if (sorted) return order;
        if (packable) {
            long[] packed = new long[n];
            for (int i = 0; i < n; i++) packed[i] = (keys[i] << 23) | i;
            java.util.Arrays.sort(packed);
            for (int i = 0; i < n; i++) order[i] = (int) (packed[i] & ((1 << 23) - 1));
            return order;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) boxed[i] = i;
        java.util.Arrays.sort(boxed, (x, y) -> keys[x] != keys[y] ? Long.compare(keys[x], keys[y]) : Integer.compare(x, y));
        for (int i = 0; i < n; i++) order[i] = boxed[i];
        return order;
    }

    /** The snapshot as the first version of the model had it: processes, unix sockets and pipes. */
    public static IpcGraph of(Meta meta, Collection<ProcessInfo> processes, Collection<UnixSocket> sockets,
                              Collection<Pipe> pipes, Collection<ScanProblem> problems) {
        return builder(meta).processes(processes).unixSockets(sockets).pipes(pipes).problems(problems).build();
    }

    public static Builder builder(Meta meta) { return new Builder(meta); }

    /** Collects the parts of a snapshot; {@link #build()} freezes them. */
    public static final class Builder {
        private final Meta meta;
        private Collection<ProcessInfo> processes = List.of();
        private Collection<UnixSocket> unixSockets = List.of();
        private Collection<Pipe> pipes = List.of();
        private Collection<InetSocket> inetSockets = List.of();
        private Collection<NetlinkSocket> netlinkSockets = List.of();
        private Collection<PacketSocket> packetSockets = List.of();
        private Collection<FileLock> fileLocks = List.of();
        private Collection<SysvSharedMemory> sysvShm = List.of();
        private Collection<SysvSemaphoreSet> sysvSemaphores = List.of();
        private Collection<SysvMessageQueue> sysvMessageQueues = List.of();
        private Collection<MountTable> mountTables = List.of();
        private Collection<ScanProblem> problems = List.of();

        private Builder(Meta meta) { this.meta = meta; }

        public Builder processes(Collection<ProcessInfo> v) { processes = v; return this; }

        public Builder unixSockets(Collection<UnixSocket> v) { unixSockets = v; return this; }

        public Builder pipes(Collection<Pipe> v) { pipes = v; return this; }

        public Builder inetSockets(Collection<InetSocket> v) { inetSockets = v; return this; }

        public Builder netlinkSockets(Collection<NetlinkSocket> v) { netlinkSockets = v; return this; }

        public Builder packetSockets(Collection<PacketSocket> v) { packetSockets = v; return this; }

        public Builder fileLocks(Collection<FileLock> v) { fileLocks = v; return this; }

        public Builder sysvShm(Collection<SysvSharedMemory> v) { sysvShm = v; return this; }

        public Builder sysvSemaphores(Collection<SysvSemaphoreSet> v) { sysvSemaphores = v; return this; }

        public Builder sysvMessageQueues(Collection<SysvMessageQueue> v) { sysvMessageQueues = v; return this; }

        public Builder mountTables(Collection<MountTable> v) { mountTables = v; return this; }

        public Builder problems(Collection<ScanProblem> v) { problems = v; return this; }

        public IpcGraph build() { return new IpcGraph(this); }
    }

    public Meta meta() { return meta; }

    /** All processes by pid, in pid order. */
    public Map<Integer, ProcessInfo> processes() { return processes; }

    /** All unix sockets by inode, in inode order (including sockets no visible process holds). */
    public Map<Long, UnixSocket> sockets() { return sockets; }

    /** All pipes and FIFOs by inode. */
    public Map<Long, Pipe> pipes() { return pipes; }

    /**
     * Every TCP, UDP, raw and ping socket of every net namespace seen, in inode order (TIME-WAIT and
     * not yet accepted connections, which have inode 0, first).
     */
    public List<InetSocket> inetSockets() { return inetSockets; }

    /** The inet socket with this inode, or null. */
    public InetSocket inetSocket(long ino) { return ino == 0 ? null : inetByIno.get(ino); }

    /** Netlink sockets by inode. */
    public Map<Long, NetlinkSocket> netlinkSockets() { return netlinkSockets; }

    /** Packet sockets by inode. */
    public Map<Long, PacketSocket> packetSockets() { return packetSockets; }

    /** Every lock and lease of /proc/locks, in its order, with the fds that hold them. */
    public List<FileLock> fileLocks() { return fileLocks; }

    /** SysV shared-memory segments of every IPC namespace seen. */
    public List<SysvSharedMemory> sysvShm() { return sysvShm; }

    public List<SysvSemaphoreSet> sysvSemaphores() { return sysvSemaphores; }

    public List<SysvMessageQueue> sysvMessageQueues() { return sysvMessageQueues; }

    /** The mounts of each mount namespace seen, by namespace inode. */
    public Map<Long, MountTable> mountTables() { return mountTables; }

    /** What the scan could not see. */
    public List<ScanProblem> problems() { return problems; }

    public ProcessInfo process(int pid) { return processes.get(pid); }

    public UnixSocket socket(long ino) { return sockets.get(ino); }

    public Pipe pipe(long ino) { return pipes.get(ino); }

    /** The socket's peer, or null when it has none or the peer is not in the snapshot. */
    public UnixSocket peerOf(UnixSocket s) { return s.peer() == 0 ? null : sockets.get(s.peer()); }

    /** The local socket at the other end of an inet connection, or null. */
    public InetSocket peerOf(InetSocket s) { return inetSocket(s.peer()); }

    /** Sockets whose peer is {@code ino} (dgram clients of a server, the other end of a pair). */
    public List<UnixSocket> socketsConnectedTo(long ino) {
        List<UnixSocket> out = new ArrayList<>();
        for (UnixSocket s : sockets.values()) if (s.peer() == ino) out.add(s);
        return out;
    }

    /** The mount an fd's file was opened through, from the mount table of the process's mount namespace; null if unknown. */
    public Mount mountOf(int pid, FdInfo fd) {
        ProcessInfo p = processes.get(pid);
        FdDetail.File f = fd.file();
        if (p == null || f == null || f.mntId() < 0) return null;
        MountTable t = mountTables.get(p.namespaces().mnt());
        return t == null ? null : t.byId(f.mntId());
    }

    /** Locks held through an fd of this process (from its fdinfo), and POSIX locks /proc/locks gives its pid. */
    public List<FileLock> locksOf(int pid) {
        List<FileLock> out = new ArrayList<>();
        for (FileLock l : fileLocks) {
            boolean held = l.pid() == pid;
            for (Holder h : l.holders()) if (h.pid() == pid) held = true;
            if (held) out.add(l);
        }
        return out;
    }

    /**
     * The far ends of connected inet sockets that match no socket of the snapshot, one per
     * (net namespace, protocol, address, port); sockets in TIME-WAIT are left out (no process holds them).
     */
    public List<RemoteEndpoint> remoteEndpoints() {
        List<RemoteEndpoint> r = remoteEndpoints;
        if (r == null) remoteEndpoints = r = deriveRemoteEndpoints();
        return r;
    }

    private List<RemoteEndpoint> deriveRemoteEndpoints() {
        record Far(long netNs, InetProtocol protocol, InetEndpoint endpoint) {}
        Map<Far, List<Long>> far = new TreeMap<>(Comparator.comparingLong(Far::netNs)
                .thenComparing(Far::protocol).thenComparing(f -> f.endpoint().address()).thenComparingInt(f -> f.endpoint().port()));
        for (InetSocket s : inetSockets) {
            if (s.ino() == 0 || s.peer() != 0 || !s.hasRemote()) continue;
            if (s.protocol() == InetProtocol.TCP && !s.state().isConnected()) continue;
            far.computeIfAbsent(new Far(s.netNs(), s.protocol(), s.remote()), k -> new ArrayList<>()).add(s.ino());
        }
        List<RemoteEndpoint> out = new ArrayList<>(far.size());
        far.forEach((k, v) -> out.add(new RemoteEndpoint(k.netNs(), k.protocol(), k.endpoint(), v)));
        return List.copyOf(out);
    }

    /** Sessions and their process groups, by session id. */
    public List<Session> sessions() {
        Map<Integer, Map<Integer, List<Integer>>> bySid = new TreeMap<>();
        for (ProcessInfo p : processes.values()) {
            if (p.sid() <= 0) continue;
            bySid.computeIfAbsent(p.sid(), k -> new TreeMap<>()).computeIfAbsent(p.pgid(), k -> new ArrayList<>()).add(p.pid());
        }
        List<Session> out = new ArrayList<>(bySid.size());
        for (Map.Entry<Integer, Map<Integer, List<Integer>>> e : bySid.entrySet()) {
            ProcessInfo leader = processes.get(e.getKey());
            TtyDevice tty = null;
            int fg = -1;
            ProcessInfo any = leader != null ? leader : processes.get(e.getValue().values().iterator().next().get(0));
            if (any != null) {
                tty = any.controllingTty();
                fg = tty == null ? -1 : any.tpgid();
            }
            List<Session.ProcessGroup> groups = new ArrayList<>();
            e.getValue().forEach((pg, members) -> groups.add(new Session.ProcessGroup(pg, members)));
            out.add(new Session(e.getKey(), leader != null, tty, fg, groups));
        }
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
     * Derived edges: parent/child, socket peers (unix, and TCP/UDP between two local processes; one
     * edge per connected pair of holders), pipe writer-to-reader, and objects shared by several
     * processes (any socket, a pipe, a SysV shared-memory segment). Edges inside one process are left out.
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
            addPeers(out, s.key(), s.holders(), peer.key(), peer.holders());
        }
        for (InetSocket s : inetSockets) {
            if (s.ino() == 0) continue;
            addShared(out, s.key(), s.holders());
            InetSocket peer = peerOf(s);
            if (peer == null) continue;
            if (peer.peer() == s.ino() && peer.ino() < s.ino()) continue;
            addPeers(out, s.key(), s.holders(), peer.key(), peer.holders());
        }
        for (NetlinkSocket s : netlinkSockets.values()) addShared(out, s.key(), s.holders());
        for (PacketSocket s : packetSockets.values()) addShared(out, s.key(), s.holders());
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
        for (SysvSharedMemory m : sysvShm) {
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

    /** Counts for status bars and logs. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(processes.size()).append(" processes, ").append(sockets.size()).append(" unix sockets, ");
        if (!inetSockets.isEmpty()) b.append(inetSockets.size()).append(" inet sockets, ");
        if (!netlinkSockets.isEmpty()) b.append(netlinkSockets.size()).append(" netlink sockets, ");
        if (!packetSockets.isEmpty()) b.append(packetSockets.size()).append(" packet sockets, ");
        b.append(pipes.size()).append(" pipes");
        if (!fileLocks.isEmpty()) b.append(", ").append(fileLocks.size()).append(" file locks");
        int ipc = sysvShm.size() + sysvSemaphores.size() + sysvMessageQueues.size();
        if (ipc > 0) b.append(", ").append(ipc).append(" SysV IPC objects");
        if (!problems.isEmpty()) b.append(", ").append(problems.size()).append(" problems");
        return b.toString();
    }
}
