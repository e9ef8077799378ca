package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.proc.FdLink;
import org.criuatlas.bridge.proc.MountInfo;
import org.criuatlas.bridge.proc.ProcFormatException;
import org.criuatlas.bridge.proc.ProcLocks;
import org.criuatlas.bridge.proc.SysvIpcTables;
import org.criuatlas.bridge.scan.ProcessReader.ProcessRead;
import org.criuatlas.bridge.sockdiag.ErrnoNames;
import org.criuatlas.bridge.sockdiag.NetNamespaceSockets;
import org.criuatlas.bridge.sockdiag.SockDiagException;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.Holder;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.MountTable;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.PacketSocket;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;
import org.criuatlas.model.UnixSocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Takes a snapshot of the live system: processes and their fds from /proc; unix, inet, netlink and
 * packet sockets from sock_diag in every net namespace a process lives in (entering the others);
 * file locks from /proc/locks; SysV IPC per IPC namespace; mount tables per mount namespace.
 * Never throws for what it cannot see: vanished processes, closed fds, permission errors and
 * namespaces it cannot enter become {@link ScanProblem}s.
 *
 * <p>Processes are read by a small fixed pool (one thread per core) while the calling thread reads
 * /proc/locks, dumps its own namespace's sockets and SysV tables and then helps; other namespaces
 * are read after. Reuse one scanner for repeated scans; close it at the end.
 *
 * <p>Over 400 lines because it orchestrates every source of the snapshot in one place; reading a
 * process is {@link ProcessReader}, joining the parts {@link SnapshotAssembler}.
 */
public final class LiveScanner implements AutoCloseable {
    private final KernelObjects kernel;
    private final ExecutorService pool;
    private final int workers;
    private final ThreadLocal<ProcFs> fs;
    private final List<ProcFs> allFs = new ArrayList<>();
    private final boolean privileged;
    private final ProcessReader reader;
    private final Namespaces own;
    private final String hostname;

    public LiveScanner() {
        this(NativeProcFs::new, new NativeKernelObjects(), ProcSyscalls.geteuid(),
                Math.max(1, Runtime.getRuntime().availableProcessors()), ownNamespaces());
    }

    /** For tests: a scripted /proc and kernel, as the given effective uid, in the given namespaces. */
    LiveScanner(Supplier<ProcFs> fsFactory, KernelObjects kernel, int euid, int workers, Namespaces own) {
        this.kernel = kernel;
        this.privileged = euid == 0;
        this.reader = new ProcessReader(privileged, euid);
        this.workers = workers;
        this.own = own;
        this.fs = ThreadLocal.withInitial(() -> {
            ProcFs f = fsFactory.get();
            synchronized (allFs) { allFs.add(f); }
            return f;
        });
        AtomicInteger n = new AtomicInteger();
        this.pool = workers > 1 ? Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "live-scan-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }) : null;
        this.hostname = readHostname();
    }

    /** The whole system (as far as this user may see it). */
    public IpcGraph scan() {
        return scan(ScanScope.everything());
    }

    /** What the calling thread reads from its own namespaces while the pool reads processes. */
    private static final class OwnNamespaceReads {
        NetNamespaceSockets.Result sockets;
        KernelObjects.SysvText sysv;
        final List<ScanProblem> problems = new ArrayList<>(0);
    }

    public IpcGraph scan(ScanScope scope) {
        long t0 = System.nanoTime();
        Instant takenAt = Instant.now();
        List<ScanProblem> problems = new ArrayList<>();
        int[] pids;
        try {
            pids = fs.get().pids();
        } catch (ProcError e) {
            problems.add(new ScanProblem(0, "/proc", "cannot list processes: " + ErrnoNames.describe(e.errno)));
            pids = new int[0];
        }
        List<FileLock> procLocks = readLocks(problems);
        Set<Long> locked = SnapshotAssembler.lockedInodes(procLocks);

        OwnNamespaceReads ownReads = new OwnNamespaceReads();
        Runnable first = () -> {
            ownReads.sockets = dumpSockets(0, own.net(), List.of(), ownReads.problems);
            ownReads.sysv = readSysv(0, own.ipc(), List.of(), ownReads.problems);
        };
        ProcessRead[] reads;
        final int[] all = pids;
        if (scope.isEverything()) {
            reads = parallel(all.length, i -> reader.read(fs.get(), all[i], true, locked), first);
        } else {
            ProcessRead[] stats = parallel(all.length, i -> reader.read(fs.get(), all[i], false, locked), () -> { });
            Set<Integer> chosen = subtrees(stats, scope.roots());
            for (int root : scope.roots()) {
                if (!chosen.contains(root)) problems.add(new ScanProblem(root, "process", "no such process"));
            }
            int[] picked = chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
            reads = parallel(picked.length, i -> reader.read(fs.get(), picked[i], true, locked), first);
        }
        problems.addAll(ownReads.problems);

        SnapshotAssembler asm = new SnapshotAssembler(problems);
        asm.addAll(reads);
        List<ProcessInfo> processes = asm.processes;

        // sockets: our own namespace (read above), then every other one a process lives in
        List<NetNamespaceSockets.Result> dumps = new ArrayList<>();
        if (ownReads.sockets != null) dumps.add(ownReads.sockets);
        Set<Long> unreadNetNs = new HashSet<>();
        for (Map.Entry<Long, List<Integer>> e : byNamespace(processes, NamespaceKind.NET).entrySet()) {
            if (e.getKey() == own.net()) continue;
            NetNamespaceSockets.Result r = dumpSockets(e.getValue().get(0), e.getKey(), e.getValue(), problems);
            if (r != null) dumps.add(r);
            else unreadNetNs.add(e.getKey());
        }
        List<UnixSocket> unixDump = new ArrayList<>();
        List<InetSocket> inetDump = new ArrayList<>();
        List<NetlinkSocket> netlinkDump = new ArrayList<>();
        List<PacketSocket> packetDump = new ArrayList<>();
        for (NetNamespaceSockets.Result r : dumps) {
            for (UnixSocket s : r.unix()) unixDump.add(s.netNs() == 0 && r.netNs() != 0 ? s.inNetNs(r.netNs()) : s);
            inetDump.addAll(r.inet());
            netlinkDump.addAll(r.netlink());
            packetDump.addAll(r.packet());
        }
        List<UnixSocket> unix = asm.unix(unixDump);
        List<InetSocket> inet = asm.inet(inetDump);
        List<NetlinkSocket> netlink = asm.netlink(netlinkDump);
        List<PacketSocket> packet = asm.packet(packetDump);
        if (asm.matched < asm.socketHolders.size()) reportUnknownSockets(processes, dumps, unreadNetNs, problems);

        // SysV IPC: our own IPC namespace (read above), then every other one
        List<SysvSharedMemory> shm = new ArrayList<>();
        List<SysvSemaphoreSet> sem = new ArrayList<>();
        List<SysvMessageQueue> msg = new ArrayList<>();
        Map<Long, List<Integer>> ipcNs = byNamespace(processes, NamespaceKind.IPC);
        if (ownReads.sysv != null) parseSysv(ownReads.sysv, own.ipc(), shm, sem, msg, problems);
        for (Map.Entry<Long, List<Integer>> e : ipcNs.entrySet()) {
            if (e.getKey() == own.ipc()) continue;
            KernelObjects.SysvText t = readSysv(e.getValue().get(0), e.getKey(), e.getValue(), problems);
            if (t != null) parseSysv(t, e.getKey(), shm, sem, msg, problems);
        }
        shm = withAttachments(shm, ipcNs, reads, problems);

        List<MountTable> mounts = mountTables(processes, problems);
        List<FileLock> locks = asm.locks(procLocks);
        List<Pipe> pipes = asm.pipes();

        if (!scope.isEverything()) {
            ScopeFilter sf = new ScopeFilter(processes, asm.socketHolders.keySet());
            unix = sf.unix(unix);
            inet = sf.inet(inet);
            netlink = sf.held(netlink, NetlinkSocket::ino);
            packet = sf.held(packet, PacketSocket::ino);
            locks = sf.locks(locks);
            shm = sf.shm(shm);
            sem = sf.inIpcNs(sem, SysvSemaphoreSet::ipcNs);
            msg = sf.inIpcNs(msg, SysvMessageQueue::ipcNs);
        }
        IpcGraph.Meta meta = new IpcGraph.Meta(IpcGraph.Source.LIVE, hostname, takenAt, privileged, System.nanoTime() - t0, own);
        return IpcGraph.builder(meta).processes(processes).unixSockets(unix).pipes(pipes).inetSockets(inet)
                .netlinkSockets(netlink).packetSockets(packet).fileLocks(locks).sysvShm(shm).sysvSemaphores(sem)
                .sysvMessageQueues(msg).mountTables(mounts).problems(problems).build();
    }

    private List<FileLock> readLocks(List<ScanProblem> problems) {
        try {
            return ProcLocks.parse(kernel.locks());
        } catch (ProcError e) {
            problems.add(ProcessReader.problem(0, "/proc/locks", e));
        } catch (ProcFormatException e) {
            problems.add(new ScanProblem(0, "/proc/locks", e.getMessage(), ScanProblem.Kind.MALFORMED));
        }
        return List.of();
    }

    /** The sockets of one net namespace; null (and a problem) when it could not be read. */
    private NetNamespaceSockets.Result dumpSockets(int pid, long netNs, List<Integer> holders, List<ScanProblem> problems) {
        String what = ScanProblem.namespaceWhat(NamespaceKind.NET, netNs);
        try {
            NetNamespaceSockets.Result r = kernel.sockets(pid, netNs);
            if (r.interrupted()) {
                problems.add(new ScanProblem(0, what, "sockets changed while they were listed; some may be missing",
                        ScanProblem.Kind.INCONSISTENT));
            }
            for (NetNamespaceSockets.Failure f : r.failures()) {
                problems.add(new ScanProblem(0, what + " (" + f.what() + ")", f.error().getMessage(),
                        f.unsupported() ? ScanProblem.Kind.UNSUPPORTED : ScanProblem.Kind.OTHER));
            }
            return r;
        } catch (NamespaceEntry.Refused e) {
            problems.add(refused(pid, what, "net", e, holders));
        } catch (SockDiagException e) {
            problems.add(new ScanProblem(pid, what, e.getMessage(), e.errno() == ProcSyscalls.EACCES || e.errno() == ProcSyscalls.EPERM
                    ? ScanProblem.Kind.NO_PERMISSION : ScanProblem.Kind.OTHER));
        }
        return null;
    }

    private KernelObjects.SysvText readSysv(int pid, long ipcNs, List<Integer> holders, List<ScanProblem> problems) {
        String what = ScanProblem.namespaceWhat(NamespaceKind.IPC, ipcNs);
        try {
            return kernel.sysvIpc(pid);
        } catch (NamespaceEntry.Refused e) {
            problems.add(refused(pid, what, "IPC", e, holders));
        } catch (ProcError e) {
            problems.add(ProcessReader.problem(pid, what, e));
        }
        return null;
    }

    private static ScanProblem refused(int pid, String what, String type, NamespaceEntry.Refused e, List<Integer> holders) {
        if (e.vanished()) {
            return new ScanProblem(pid, what, "the process whose namespace it is exited before it could be entered ("
                    + e.getMessage() + ")", ScanProblem.Kind.VANISHED);
        }
        return new ScanProblem(pid, what, "cannot enter this " + type + " namespace: " + e.getMessage()
                + (e.errno == ProcSyscalls.EPERM ? "; entering it needs root (CAP_SYS_ADMIN)" : "")
                + "; its objects are unknown (held by " + holders.size() + " process(es): "
                + holders.subList(0, Math.min(10, holders.size())) + ")", ScanProblem.Kind.NAMESPACE_NOT_ENTERED);
    }

    private static void parseSysv(KernelObjects.SysvText t, long ipcNs, List<SysvSharedMemory> shm, List<SysvSemaphoreSet> sem,
                                  List<SysvMessageQueue> msg, List<ScanProblem> problems) {
        try {
            shm.addAll(SysvIpcTables.parseShm(t.shm(), ipcNs));
            sem.addAll(SysvIpcTables.parseSem(t.sem(), ipcNs));
            msg.addAll(SysvIpcTables.parseMsg(t.msg(), ipcNs));
        } catch (ProcFormatException e) {
            problems.add(new ScanProblem(0, "SysV IPC in IPC namespace " + ipcNs, e.getMessage(), ScanProblem.Kind.MALFORMED));
        }
    }

    /**
     * Which processes map each segment, for the IPC namespaces that have attached segments: from the maps each process's
     * read already took (its deleted mappings), else (a process whose fds could not be read) from maps read now.
     */
    private List<SysvSharedMemory> withAttachments(List<SysvSharedMemory> shm, Map<Long, List<Integer>> ipcNs, ProcessRead[] reads,
                                                   List<ScanProblem> problems) {
        Set<Long> attached = new HashSet<>();
        for (SysvSharedMemory m : shm) if (m.attachCount() > 0) attached.add(m.ipcNs());
        if (attached.isEmpty()) return shm;
        Map<Integer, List<Integer>> fromReads = new HashMap<>();
        for (ProcessRead r : reads) if (r != null && r.shmids() != null) fromReads.put(r.pid(), r.shmids());
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (long ns : attached) {
            for (int pid : ipcNs.getOrDefault(ns, List.of())) {
                List<Integer> ids = fromReads.containsKey(pid) ? fromReads.get(pid) : reader.shmAttachments(fs.get(), pid, problems);
                if (ids == null) continue;
                for (int id : ids) byKey.computeIfAbsent(ns + ":" + id, k -> new ArrayList<>()).add(pid);
            }
        }
        List<SysvSharedMemory> out = new ArrayList<>(shm.size());
        for (SysvSharedMemory m : shm) {
            List<Integer> pids = byKey.get(m.ipcNs() + ":" + m.id());
            out.add(pids == null ? m : m.withAttached(pids));
        }
        return out;
    }

    /** One mountinfo per mount namespace, read from its first process. */
    private List<MountTable> mountTables(List<ProcessInfo> processes, List<ScanProblem> problems) {
        List<MountTable> out = new ArrayList<>();
        for (Map.Entry<Long, List<Integer>> e : byNamespace(processes, NamespaceKind.MNT).entrySet()) {
            for (int pid : e.getValue()) {
                try (ProcFs.Dir d = fs.get().open(pid)) {
                    out.add(new MountTable(e.getKey(), pid, MountInfo.parse(new String(d.read("mountinfo"), StandardCharsets.UTF_8))));
                    break;
                } catch (ProcError x) {
                    if (x.vanished()) continue; // try the next process of that namespace
                    problems.add(ProcessReader.problem(pid, "mountinfo", x));
                    break;
                } catch (ProcFormatException x) {
                    problems.add(new ScanProblem(pid, "mountinfo", x.getMessage(), ScanProblem.Kind.MALFORMED));
                    break;
                }
            }
        }
        return out;
    }

    /** Processes by the inode of their namespace of one kind (unknown namespaces left out), in pid order. */
    private static Map<Long, List<Integer>> byNamespace(List<ProcessInfo> processes, NamespaceKind kind) {
        Map<Long, List<Integer>> m = new LinkedHashMap<>();
        for (ProcessInfo p : processes) {
            long ns = p.namespaces().inode(kind);
            if (ns != 0 && !p.isZombie()) m.computeIfAbsent(ns, k -> new ArrayList<>()).add(p.pid());
        }
        return m;
    }

    /**
     * Socket fds that no dump describes: a family sock_diag does not report (AF_ALG, vsock,
     * bluetooth, an unbound netlink socket, ...). Those in a net namespace that could not be
     * entered are already covered by that namespace's problem.
     */
    private void reportUnknownSockets(List<ProcessInfo> processes, List<NetNamespaceSockets.Result> dumps,
                                             Set<Long> unreadNetNs, List<ScanProblem> problems) {
        Set<Long> known = new HashSet<>();
        for (NetNamespaceSockets.Result r : dumps) {
            for (UnixSocket s : r.unix()) known.add(s.ino());
            for (InetSocket s : r.inet()) known.add(s.ino());
            for (NetlinkSocket s : r.netlink()) known.add(s.ino());
            for (PacketSocket s : r.packet()) known.add(s.ino());
        }
        for (ProcessInfo p : processes) {
            if (unreadNetNs.contains(p.netNs())) continue;
            List<String> unknown = null;
            for (FdInfo f : p.fds()) {
                if (f.kind() != FdKind.SOCKET || known.contains(f.inode())) continue;
                if (unknown == null) unknown = new ArrayList<>();
                unknown.add("fd " + f.fd() + " (" + f.target() + protocolOf(p.pid(), f.fd()) + ")");
            }
            if (unknown != null) {
                problems.add(new ScanProblem(p.pid(), "sockets", "not listed by sock_diag (a TCP/UDP socket neither bound nor"
                        + " connected, an unbound netlink socket, a family it does not describe, or closed during the scan): "
                        + String.join(", ", unknown), ScanProblem.Kind.UNSUPPORTED));
            }
        }
    }

    /** ", TCP": what sockfs calls the socket, or "" when it cannot be asked (closed since). */
    private String protocolOf(int pid, int fd) {
        try (ProcFs.Dir d = fs.get().open(pid)) {
            return ", " + d.socketProtocol(fd);
        } catch (ProcError e) {
            return "";
        }
    }

    /**
     * Runs {@code task} for 0..n-1 on the pool plus the calling thread; the calling thread first
     * runs {@code first} (reading its own namespaces goes there, overlapping the /proc walk).
     */
    private ProcessRead[] parallel(int n, IntFunction<ProcessRead> task, Runnable first) {
        ProcessRead[] out = new ProcessRead[n];
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            for (int i; (i = next.getAndIncrement()) < n; ) out[i] = task.apply(i);
        };
        List<Future<?>> futures = new ArrayList<>();
        if (pool != null) for (int w = 0; w < workers; w++) futures.add(pool.submit(loop));
        first.run();
        loop.run();
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("scan interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("scan worker failed", e.getCause());
            }
        }
        return out;
    }

    private static Set<Integer> subtrees(ProcessRead[] stats, Set<Integer> roots) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        Set<Integer> present = new HashSet<>();
        for (ProcessRead r : stats) {
            if (r == null || r.process() == null) continue;
            present.add(r.pid());
            children.computeIfAbsent(r.process().ppid(), k -> new ArrayList<>()).add(r.pid());
        }
        Set<Integer> out = new HashSet<>();
        ArrayDeque<Integer> q = new ArrayDeque<>();
        for (int r : roots) if (present.contains(r)) q.add(r);
        while (!q.isEmpty()) {
            int p = q.poll();
            if (out.add(p)) q.addAll(children.getOrDefault(p, List.of()));
        }
        return out;
    }

    /** The namespaces of the calling thread (the one that will run CRIU is started from here too). */
    static Namespaces ownNamespaces() {
        long[] v = new long[NamespaceKind.values().length];
        for (NamespaceKind k : NamespaceKind.values()) {
            try {
                v[k.ordinal()] = FdLink.namespaceInode(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/" + k.linkName)).toString());
            } catch (Exception e) {
                v[k.ordinal()] = 0;
            }
        }
        return Namespaces.fromArray(v);
    }

    private static String readHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (Exception e) {
            return "localhost";
        }
    }

    public boolean privileged() { return privileged; }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
        synchronized (allFs) {
            for (ProcFs f : allFs) f.close();
            allFs.clear();
        }
        kernel.close();
    }

    /** For a scoped scan: what belongs near the chosen processes. */
    private static final class ScopeFilter {
        final Set<Integer> pids = new HashSet<>();
        final Set<Long> held;
        final Set<Long> ipcNs = new HashSet<>();

        ScopeFilter(List<ProcessInfo> processes, Set<Long> heldSockets) {
            for (ProcessInfo p : processes) {
                pids.add(p.pid());
                if (p.namespaces().ipc() != 0) ipcNs.add(p.namespaces().ipc());
            }
            this.held = heldSockets;
        }

        /** Sockets held in the scope, their peers and pending connections, and sockets connected to them. */
        List<UnixSocket> unix(List<UnixSocket> all) {
            Set<Long> keep = new HashSet<>(held);
            Map<Long, UnixSocket> byIno = new HashMap<>();
            for (UnixSocket s : all) byIno.put(s.ino(), s);
            for (long ino : held) {
                UnixSocket s = byIno.get(ino);
                if (s == null) continue;
                if (s.peer() != 0) keep.add(s.peer());
                keep.addAll(s.pending());
            }
            for (UnixSocket s : all) if (held.contains(s.peer())) keep.add(s.ino());
            List<UnixSocket> out = new ArrayList<>();
            for (UnixSocket s : all) if (keep.contains(s.ino())) out.add(s);
            return out;
        }

        List<InetSocket> inet(List<InetSocket> all) {
            Set<Long> keep = new HashSet<>(held);
            for (InetSocket s : all) {
                if (s.ino() == 0) continue;
                if (held.contains(s.ino()) && s.peer() != 0) keep.add(s.peer());
                if (held.contains(s.peer())) keep.add(s.ino());
            }
            List<InetSocket> out = new ArrayList<>();
            for (InetSocket s : all) if (s.ino() != 0 && keep.contains(s.ino())) out.add(s);
            return out;
        }

        <T> List<T> held(List<T> all, java.util.function.ToLongFunction<T> ino) {
            List<T> out = new ArrayList<>();
            for (T t : all) if (held.contains(ino.applyAsLong(t))) out.add(t);
            return out;
        }

        List<FileLock> locks(List<FileLock> all) {
            List<FileLock> out = new ArrayList<>();
            for (FileLock l : all) {
                boolean in = pids.contains(l.pid());
                for (Holder h : l.holders()) in |= pids.contains(h.pid());
                if (in) out.add(l);
            }
            return out;
        }

        List<SysvSharedMemory> shm(List<SysvSharedMemory> all) {
            return inIpcNs(all, SysvSharedMemory::ipcNs);
        }

        <T> List<T> inIpcNs(List<T> all, java.util.function.ToLongFunction<T> ns) {
            List<T> out = new ArrayList<>();
            for (T t : all) if (ipcNs.contains(ns.applyAsLong(t))) out.add(t);
            return out;
        }
    }
}
