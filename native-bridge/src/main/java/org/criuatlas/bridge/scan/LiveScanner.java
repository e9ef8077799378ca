package org.criuatlas.bridge.scan;

import org.criuatlas.model.ObjectKey;

import org.criuatlas.bridge.proc.Cmdline;
import org.criuatlas.bridge.proc.FdInfoFields;
import org.criuatlas.bridge.proc.FdLink;
import org.criuatlas.bridge.proc.ProcFormatException;
import org.criuatlas.bridge.proc.ProcStat;
import org.criuatlas.bridge.proc.ProcStatus;
import org.criuatlas.bridge.sockdiag.SockDiagException;
import org.criuatlas.bridge.sockdiag.UnixSocketDump;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.UnixSocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
 * Takes a snapshot of the live system: processes and their fds from /proc, unix sockets from
 * sock_diag, joined by inode. Never throws for what it cannot see: vanished processes, closed
 * fds, permission errors and invisible namespaces become {@link ScanProblem}s.
 *
 * <p>Processes are read by a small fixed pool (one thread per core) while the calling thread
 * dumps the sockets and then helps. Reuse one scanner for repeated scans; close it at the end.
 */
public final class LiveScanner implements AutoCloseable {
    private final Supplier<ProcFs> fsFactory;
    private final Supplier<UnixSocketDump.Result> socketDump;
    private final ExecutorService pool;
    private final int workers;
    private final ThreadLocal<ProcFs> fs;
    private final List<ProcFs> allFs = new ArrayList<>();
    private final boolean privileged;
    private final int euid;
    private final long ownNetNs;
    private final String hostname;

    public LiveScanner() {
        this(NativeProcFs::new, UnixSocketDump::dump, ProcSyscalls.geteuid(),
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** For tests: a scripted /proc and socket dump, as the given effective uid. */
    LiveScanner(Supplier<ProcFs> fsFactory, Supplier<UnixSocketDump.Result> socketDump, int euid, int workers) {
        this.fsFactory = fsFactory;
        this.socketDump = socketDump;
        this.euid = euid;
        this.privileged = euid == 0;
        this.workers = workers;
        this.fs = ThreadLocal.withInitial(() -> {
            ProcFs f = this.fsFactory.get();
            synchronized (allFs) { allFs.add(f); }
            return f;
        });
        AtomicInteger n = new AtomicInteger();
        this.pool = workers > 1 ? Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "live-scan-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }) : null;
        this.ownNetNs = selfNetNs();
        this.hostname = readHostname();
    }

    /** The whole system (as far as this user may see it). */
    public IpcGraph scan() {
        return scan(ScanScope.everything());
    }

    public IpcGraph scan(ScanScope scope) {
        long t0 = System.nanoTime();
        Instant takenAt = Instant.now();
        List<ScanProblem> problems = new ArrayList<>();
        int[] pids;
        try {
            pids = fs.get().pids();
        } catch (ProcError e) {
            problems.add(new ScanProblem(0, "/proc", "cannot list processes: errno " + e.errno));
            pids = new int[0];
        }

        ProcessRead[] reads;
        UnixSocketDump.Result[] dump = new UnixSocketDump.Result[1];
        List<ScanProblem> dumpProblems = new ArrayList<>(1);
        Runnable dumpFirst = () -> dump[0] = dumpSockets(dumpProblems);
        final int[] all = pids;
        if (scope.isEverything()) {
            reads = parallel(all.length, i -> readProcess(all[i], true), dumpFirst);
        } else {
            ProcessRead[] stats = parallel(all.length, i -> readProcess(all[i], false), () -> { });
            Set<Integer> chosen = subtrees(stats, scope.roots());
            for (int root : scope.roots()) {
                if (!chosen.contains(root)) problems.add(new ScanProblem(root, "process", "no such process"));
            }
            int[] picked = chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
            reads = parallel(picked.length, i -> readProcess(picked[i], true), dumpFirst);
        }
        problems.addAll(dumpProblems);
        return assemble(scope, reads, dump[0], problems, takenAt, t0);
    }

    private UnixSocketDump.Result dumpSockets(List<ScanProblem> problems) {
        try {
            UnixSocketDump.Result r = socketDump.get();
            if (r.interrupted()) {
                problems.add(new ScanProblem(0, "sock_diag", "sockets changed while they were listed; some may be missing"));
            }
            return r;
        } catch (SockDiagException e) {
            problems.add(new ScanProblem(0, "sock_diag", e.getMessage()));
            return new UnixSocketDump.Result(List.of(), false);
        }
    }

    /**
     * Runs {@code task} for 0..n-1 on the pool plus the calling thread; the calling thread first
     * runs {@code first} (the socket dump goes there, overlapping the /proc walk).
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

    /** What reading one process gave: the process (null when gone or hidden) and its problems. */
    record ProcessRead(int pid, ProcessInfo process, List<ScanProblem> problems, boolean hiddenOtherUser) {}

    ProcessRead readProcess(int pid, boolean withFds) {
        ProcFs f = fs.get();
        List<ScanProblem> problems = new ArrayList<>(0);
        ProcFs.Dir d;
        try {
            d = f.open(pid);
        } catch (ProcError e) {
            return gone(pid, e, "process");
        }
        try (d) {
            ProcStat st;
            try {
                byte[] b = d.read("stat");
                st = ProcStat.parse(b, b.length);
            } catch (ProcError e) {
                return gone(pid, e, "stat");
            } catch (ProcFormatException e) {
                return new ProcessRead(pid, null, List.of(new ScanProblem(pid, "stat", e.getMessage())), false);
            }
            if (!withFds) {
                return new ProcessRead(pid, new ProcessInfo(pid, st.ppid(), st.comm(), List.of(), -1, st.state(),
                        st.pgid(), st.sid(), st.ttyNr(), 0, List.of(), false), List.of(), false);
            }
            int uid = -1;
            try {
                byte[] b = d.read("status");
                uid = ProcStatus.realUid(b, b.length);
            } catch (ProcError | ProcFormatException e) {
                if (e instanceof ProcError pe && pe.vanished()) return gone(pid, pe, "status");
                problems.add(new ScanProblem(pid, "status", reason(e)));
            }
            List<String> cmdline = List.of();
            try {
                byte[] b = d.read("cmdline");
                cmdline = Cmdline.parse(b, b.length);
            } catch (ProcError e) {
                if (e.vanished()) return gone(pid, e, "cmdline");
                problems.add(new ScanProblem(pid, "cmdline", reason(e)));
            }
            long netNs = 0;
            try {
                netNs = FdLink.namespaceInode(d.readlink("ns/net"));
            } catch (ProcError e) {
                if (e.vanished()) return gone(pid, e, "ns/net");
                if (!e.denied()) problems.add(new ScanProblem(pid, "ns/net", reason(e)));
            }
            int[] fdNumbers;
            try {
                fdNumbers = d.fds();
            } catch (ProcError e) {
                if (e.vanished()) return gone(pid, e, "fds");
                if (e.denied() && !privileged && uid != euid) {
                    return new ProcessRead(pid, null, List.of(), true);
                }
                problems.add(new ScanProblem(pid, "fds", reason(e)));
                return new ProcessRead(pid, new ProcessInfo(pid, st.ppid(), st.comm(), cmdline, uid, st.state(),
                        st.pgid(), st.sid(), st.ttyNr(), netNs, List.of(), false), problems, false);
            }
            List<FdInfo> fds = new ArrayList<>(fdNumbers.length);
            boolean readable = true;
            for (int n : fdNumbers) {
                FdInfo fi;
                try {
                    fi = readFd(d, pid, n, problems);
                } catch (ProcError e) {
                    // the fd table is listed but its links are refused (a process we may not ptrace)
                    problems.add(new ScanProblem(pid, "fds", reason(e)));
                    fds.clear();
                    readable = false;
                    break;
                }
                if (fi != null) fds.add(fi);
            }
            return new ProcessRead(pid, new ProcessInfo(pid, st.ppid(), st.comm(), cmdline, uid, st.state(),
                    st.pgid(), st.sid(), st.ttyNr(), netNs, fds, readable), problems, false);
        }
    }

    /** One fd; throws only when its link is refused, which means the whole fd table is. */
    private static FdInfo readFd(ProcFs.Dir d, int pid, int n, List<ScanProblem> problems) throws ProcError {
        String target;
        try {
            target = d.fdLink(n);
        } catch (ProcError e) {
            if (e.vanished()) {
                problems.add(new ScanProblem(pid, "fd " + n, "closed during the scan"));
                return null;
            }
            if (e.denied()) throw e;
            problems.add(new ScanProblem(pid, "fd " + n, reason(e)));
            return new FdInfo(n, FdKind.UNKNOWN, "", 0, AccessMode.UNKNOWN, -1);
        }
        FdLink link;
        try {
            link = FdLink.parse(target);
        } catch (ProcFormatException e) {
            problems.add(new ScanProblem(pid, "fd " + n, e.getMessage()));
            return new FdInfo(n, FdKind.OTHER, target, 0, AccessMode.UNKNOWN, -1);
        }
        FdKind kind = link.kind();
        long ino = link.inode();
        if (link.needsStat()) {
            try {
                long[] st = d.fdStat(n);
                kind = FdLink.kindOfMode((int) st[0]);
                if (kind == FdKind.FIFO) ino = st[1];
            } catch (ProcError e) {
                if (e.vanished()) {
                    problems.add(new ScanProblem(pid, "fd " + n, "closed during the scan"));
                    return null;
                }
                // a path we may not stat (e.g. another user's file): still show the path
            }
        }
        long flags = -1;
        if (kind == FdKind.PIPE || kind == FdKind.FIFO) {
            try {
                byte[] b = d.fdinfo(n);
                flags = FdInfoFields.parse(b, b.length).flags();
            } catch (ProcError e) {
                if (e.vanished()) {
                    problems.add(new ScanProblem(pid, "fd " + n, "closed during the scan"));
                    return null;
                }
                problems.add(new ScanProblem(pid, "fdinfo " + n, reason(e)));
            } catch (ProcFormatException e) {
                problems.add(new ScanProblem(pid, "fdinfo " + n, e.getMessage()));
            }
        }
        return new FdInfo(n, kind, target, ino, AccessMode.fromFlags(flags), flags);
    }

    private static ProcessRead gone(int pid, ProcError e, String what) {
        ScanProblem p = e.vanished()
                ? new ScanProblem(pid, "process", "exited during the scan")
                : new ScanProblem(pid, what, reason(e));
        return new ProcessRead(pid, null, List.of(p), false);
    }

    private static String reason(Exception e) {
        if (e instanceof ProcError pe) {
            if (pe.denied()) return "no permission";
            if (pe.vanished()) return "gone during the scan";
            return pe.syscall + " failed with errno " + pe.errno;
        }
        return e.getMessage();
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

    private IpcGraph assemble(ScanScope scope, ProcessRead[] reads, UnixSocketDump.Result dump,
                              List<ScanProblem> problems, Instant takenAt, long t0) {
        List<ProcessInfo> processes = new ArrayList<>(reads.length);
        Map<Long, List<Holder>> socketHolders = new HashMap<>();
        Map<Long, PipeEnds> pipes = new TreeMap<>();
        int hidden = 0;
        for (ProcessRead r : reads) {
            if (r == null) continue;
            problems.addAll(r.problems());
            if (r.hiddenOtherUser()) hidden++;
            ProcessInfo p = r.process();
            if (p == null) continue;
            processes.add(p);
            for (FdInfo f : p.fds()) {
                Holder h = new Holder(p.pid(), f.fd());
                switch (f.kind()) {
                    case SOCKET -> socketHolders.computeIfAbsent(f.inode(), k -> new ArrayList<>(1)).add(h);
                    case PIPE, FIFO -> {
                        PipeEnds e = pipes.computeIfAbsent(f.inode(), k -> new PipeEnds());
                        if (f.kind() == FdKind.FIFO) e.fifoPath = f.target();
                        if (f.mode().canRead()) e.readers.add(h);
                        if (f.mode().canWrite()) e.writers.add(h);
                        if (f.mode() == AccessMode.UNKNOWN) e.unknown.add(h);
                    }
                    default -> { }
                }
            }
        }
        if (hidden > 0) {
            problems.add(new ScanProblem(0, "processes of other users",
                    hidden + " not shown: no permission (run as root to see them and the owners of their sockets)"));
        }

        List<UnixSocket> sockets = new ArrayList<>(dump.sockets().size());
        Set<Long> diagInodes = new HashSet<>(dump.sockets().size() * 2);
        for (UnixSocket s : dump.sockets()) {
            diagInodes.add(s.ino());
            List<Holder> h = socketHolders.get(s.ino());
            sockets.add(h == null ? s : s.withHolders(h));
        }
        if (!scope.isEverything()) sockets = nearScope(sockets, socketHolders.keySet());
        reportForeignNamespaces(processes, diagInodes, problems);

        List<Pipe> pipeList = new ArrayList<>(pipes.size());
        for (Map.Entry<Long, PipeEnds> e : pipes.entrySet()) {
            PipeEnds pe = e.getValue();
            if (!pe.unknown.isEmpty()) {
                problems.add(new ScanProblem(pe.unknown.get(0).pid(), ObjectKeysText.pipe(e.getKey(), pe.fifoPath),
                        "read/write end unknown for " + pe.unknown.size() + " fd(s)"));
            }
            pipeList.add(new Pipe(e.getKey(), pe.fifoPath, pe.readers, pe.writers, -1));
        }
        IpcGraph.Meta meta = new IpcGraph.Meta(IpcGraph.Source.LIVE, hostname, takenAt, privileged, System.nanoTime() - t0);
        return IpcGraph.of(meta, processes, sockets, pipeList, problems);
    }

    /** For a scoped scan: sockets held in the scope, their peers and pending connections, and sockets connected to them. */
    private static List<UnixSocket> nearScope(List<UnixSocket> all, Collection<Long> held) {
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

    /** sock_diag only sees our own net namespace: say which processes hold sockets it cannot describe. */
    private void reportForeignNamespaces(List<ProcessInfo> processes, Set<Long> diagInodes, List<ScanProblem> problems) {
        Map<Long, List<Integer>> foreign = new TreeMap<>();
        for (ProcessInfo p : processes) {
            if (p.netNs() == 0 || p.netNs() == ownNetNs || ownNetNs == 0) continue;
            for (FdInfo f : p.fds()) {
                if (f.kind() == FdKind.SOCKET && !diagInodes.contains(f.inode())) {
                    foreign.computeIfAbsent(p.netNs(), k -> new ArrayList<>()).add(p.pid());
                    break;
                }
            }
        }
        for (Map.Entry<Long, List<Integer>> e : foreign.entrySet()) {
            List<Integer> pids = e.getValue();
            problems.add(new ScanProblem(pids.get(0), "sockets in net namespace " + e.getKey(),
                    "not visible to sock_diag from this namespace: type, state and peer unknown (held by "
                            + pids.size() + " process(es): " + pids.subList(0, Math.min(10, pids.size())) + ")"));
        }
    }

    private static final class PipeEnds {
        String fifoPath;
        final List<Holder> readers = new ArrayList<>(1);
        final List<Holder> writers = new ArrayList<>(1);
        final List<Holder> unknown = new ArrayList<>(0);
    }

    /** Keys for problem texts. */
    private static final class ObjectKeysText {
        static String pipe(long ino, String fifo) {
            return fifo != null ? "fifo " + fifo : ObjectKey.ofPipe(ino).text();
        }
    }

    private static long selfNetNs() {
        try {
            return FdLink.namespaceInode(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        } catch (Exception e) {
            return 0;
        }
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
    }
}
