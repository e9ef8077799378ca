package org.criuatlas.plan;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Predicts, from a snapshot alone, what {@code criu dump -t ROOT} (CRIU 4.1.1) will do: which
 * objects cross the boundary of the root's subtree, which error CRIU prints for each, which
 * options fix it and what the restore must then be given. Pure: no I/O; "is this pid still
 * alive?" comes in as a predicate. The rules and the experiments behind them are in
 * docs/dump-rules.md.
 */
public final class DumpPlanner {
    /**
     * CRIU keeps at most this many pipes (and, separately, FIFOs) per dump; one more fails with "OOM storing pipe".
     * Only pipes whose read end is dumped count: the table holds pipe data, and CRIU reads it from a read end.
     */
    public static final int PIPE_LIMIT = 1024;

    private DumpPlanner() {}

    private static volatile CriuTarget defaultTarget = CriuTarget.RULES;

    /**
     * The CRIU that plans are made for when none is given: set once CRIU Atlas knows which CRIU it
     * uses ({@link CriuTarget#detect()}, off the UI thread). Until then the rules apply.
     */
    public static void setDefaultTarget(CriuTarget t) {
        defaultTarget = t == null ? CriuTarget.RULES : t;
    }

    public static CriuTarget defaultTarget() {
        return defaultTarget;
    }

    /** Plans with every process assumed alive (the snapshot is fresh). */
    public static DumpPlan plan(IpcGraph g, int root, Decisions d) {
        return plan(g, root, d, pid -> true);
    }

    /** Plans a whole selection: one dump per independent root, plus what the selection cannot do as asked. */
    public static PlanSet planAll(IpcGraph g, Selection sel, Decisions d, IntPredicate alive) {
        return planAll(g, sel, d, alive, defaultTarget);
    }

    /** {@link #planAll(IpcGraph, Selection, Decisions, IntPredicate)} for a given CRIU. */
    public static PlanSet planAll(IpcGraph g, Selection sel, Decisions d, IntPredicate alive, CriuTarget target) {
        List<PlanCheck> sc = new ArrayList<>();
        List<Integer> roots = new ArrayList<>();
        for (int r : sel.roots()) {
            if (sel.exclude().contains(r)) continue;
            if (!roots.contains(r)) roots.add(r);
        }
        // a root inside another root's subtree is already part of that dump
        List<Integer> independent = new ArrayList<>();
        Map<Integer, Set<Integer>> subtrees = new HashMap<>();
        for (int r : roots) subtrees.put(r, g.subtree(r));
        for (int r : roots) {
            Integer container = null;
            for (int o : roots) if (o != r && subtrees.get(o).contains(r)) { container = o; break; }
            if (container != null) {
                sc.add(new PlanCheck(PlanCheck.Kind.ALREADY_INCLUDED, r, Prediction.dumps(""),
                        "pid " + r + " is already in the subtree of pid " + container + ": dumped with it"));
            } else {
                independent.add(r);
            }
        }
        Set<Integer> all = new HashSet<>();
        for (int r : independent) all.addAll(subtrees.get(r));
        for (int x : sel.exclude()) {
            if (!all.contains(x)) continue;
            int under = -1;
            for (int r : independent) if (subtrees.get(r).contains(x)) under = r;
            sc.add(new PlanCheck(PlanCheck.Kind.CANNOT_LEAVE_OUT, x, Prediction.unknown("selection cannot be honoured"),
                    "CRIU dumps every descendant of the root: pid " + x + " (" + comm(g, x) + ") cannot be left out of the dump of pid "
                            + under + ". Dump its siblings' subtrees separately, or stop it first"));
        }
        List<Integer> wanted = new ArrayList<>(independent);
        for (int x : sel.include()) {
            if (all.contains(x)) continue;
            wanted.add(x);
            int lca = commonAncestor(g, List.of(independent.isEmpty() ? x : independent.get(0), x));
            sc.add(new PlanCheck(PlanCheck.Kind.OUTSIDE_SUBTREE, x, Prediction.unknown("selection cannot be honoured"),
                    "pid " + x + " (" + comm(g, x) + ") is not a descendant of the chosen root"
                            + (lca > 1 ? ": to take it along, dump from their common ancestor pid " + lca + " (" + comm(g, lca) + ")"
                            : ": no common ancestor that CRIU can dump (only init); it needs a separate dump")));
        }
        int ca = wanted.size() > 1 ? commonAncestor(g, wanted) : 0;
        if (independent.size() > 1) {
            sc.add(new PlanCheck(PlanCheck.Kind.SEPARATE_DUMPS, 0, Prediction.dumps(""),
                    independent.size() + " separate dumps (one per root)"
                            + (ca > 1 ? "; to dump them together, dump from their common ancestor pid " + ca + " (" + comm(g, ca) + ")" : "")));
        }
        List<DumpPlan> plans = new ArrayList<>();
        for (int r : independent) plans.add(plan(g, r, d, alive, target));
        return new PlanSet(plans, sc, ca);
    }

    /** Plans {@code criu dump -t root} under the given decisions. */
    public static DumpPlan plan(IpcGraph g, int root, Decisions d, IntPredicate alive) {
        return plan(g, root, d, alive, defaultTarget);
    }

    /** Plans {@code criu dump -t root} under the given decisions, for the given CRIU. */
    public static DumpPlan plan(IpcGraph g, int root, Decisions d, IntPredicate alive, CriuTarget target) {
        if (g == null) throw new IllegalArgumentException("no snapshot to plan from");
        if (d == null) d = Decisions.NONE;
        if (target == null) target = defaultTarget;
        ProcessInfo rp = g.process(root);
        if (rp == null) {
            Prediction p = alive.test(root)
                    ? Prediction.unknown("pid " + root + " is not in the snapshot: scan again")
                    : Prediction.fails(CriuError.of(CriuErrorKind.PROCESS_GONE, "Unable to detach from " + root + ": No such process"),
                    "there is no process " + root);
            PlanCheck c = new PlanCheck(PlanCheck.Kind.ROOT_MISSING, root, p, p.why());
            return finish(root, "", List.of(), List.of(c), List.of(), d.objects().applyTo(CriuOptions.defaults().withPid(root)), List.of(),
                    List.of(), target);
        }
        Set<Integer> inside = g.subtree(root);
        List<PlanCheck> checks = new ArrayList<>();
        wholeTreeChecks(g, rp, inside, alive, checks);

        List<Raw> raws = new ArrayList<>();
        sessionAndTty(g, rp, inside, raws);
        sockets(g, inside, raws);
        pipes(g, inside, raws);

        // the options the decisions amount to, as CRIU reads them
        Set<String> external = new TreeSet<>();
        for (long ino : d.external()) external.add(ObjectKey.ofSocket(ino).externalUnix());
        if (d.extUnixSk()) for (long ino : d.legacyUnixSkIno()) external.add(ObjectKey.ofSocket(ino).externalUnix());
        boolean extUnixSk = d.extUnixSk();
        for (Raw r : raws) {
            if (!d.reconnectByName().contains(r.ourIno)) continue;
            // a datagram peer with a name passes on ext_unix_sk alone; a stream one needs its own exception
            if (r.kind == CrossingKind.DGRAM_TO_NAMED) extUnixSk = true;
            else if (r.kind == CrossingKind.STREAM_TO_NAMED_LISTENER) external.add(ObjectKey.ofSocket(r.ourIno).externalUnix());
        }
        Opts opts = new Opts(external, extUnixSk, d.shellJob());
        List<Crossing> crossings = new ArrayList<>();
        List<RestoreObligation> obligations = new ArrayList<>();
        Cache cache = new Cache(g);
        for (Raw r : raws) {
            Crossing c = judge(g, root, r, opts, d, cache);
            crossings.add(c);
            if (c.obligation() != null && c.withDecisions().outcome().dumps()) obligations.add(c.obligation());
        }
        if (d.shellJob()) {
            obligations.add(new RestoreObligation("shell-job", RestoreObligation.Kind.SHELL_JOB, 0, new Holder(root, -1), null,
                    SocketName.NONE, false, "dumped as a shell job: restore with --shell-job too; the restored tree joins the"
                    + " session and terminal of the process that runs the restore"));
        }
        List<ObjectVerdict> objects = ObjectRules.judge(g, root, inside, d, target);
        CriuOptions o = d.objects().applyTo(CriuOptions.defaults().withPid(root).withShellJob(d.shellJob()).withExtUnixSk(extUnixSk)
                .withExternal(List.copyOf(external)));
        return finish(root, rp.commandText(), List.copyOf(inside), checks, crossings, o, obligations, objects, target);
    }

    /** The deepest process that has every pid in {@code pids} in its subtree, 0 if none in the snapshot. */
    public static int commonAncestor(IpcGraph g, Collection<Integer> pids) {
        Integer acc = null;
        for (int p : pids) {
            if (g.process(p) == null) return 0;
            if (acc == null) { acc = p; continue; }
            Set<Integer> chain = new HashSet<>(chain(g, acc));
            int found = 0;
            for (int q : chain(g, p)) if (chain.contains(q)) { found = q; break; }
            if (found == 0) return 0;
            acc = found;
        }
        return acc == null ? 0 : acc;
    }

    // ---------------------------------------------------------------------------------------------

    /** Options as CRIU will read them. */
    private record Opts(Set<String> external, boolean extUnixSk, boolean shellJob) {}

    /** A crossing before it is judged. */
    private static final class Raw {
        final CrossingKind kind;
        final String key;
        final long ourIno;
        final long outsideIno;
        UnixSocket ours;
        UnixSocket peer;
        Pipe pipe;
        List<Holder> insideHolders = List.of();
        List<Holder> outsideHolders = List.of();
        boolean ownerVisible = true;
        CriuError ttyError;
        boolean queued; // our client waits in the accept queue of the (outside) peer listener
        final List<String> notes = new ArrayList<>();

        Raw(CrossingKind kind, String key, long ourIno, long outsideIno) {
            this.kind = kind;
            this.key = key;
            this.ourIno = ourIno;
            this.outsideIno = outsideIno;
        }
    }

    private static void wholeTreeChecks(IpcGraph g, ProcessInfo rp, Set<Integer> inside, IntPredicate alive, List<PlanCheck> out) {
        int root = rp.pid();
        CriuError gone = CriuError.of(CriuErrorKind.PROCESS_GONE, "Unable to detach from " + root + ": No such process");
        if (!alive.test(root)) {
            out.add(new PlanCheck(PlanCheck.Kind.VANISHED, root, Prediction.fails(gone, "the root has exited since the snapshot"),
                    "pid " + root + " (" + rp.comm() + ") has exited since the snapshot"));
        } else if (rp.isZombie()) {
            out.add(new PlanCheck(PlanCheck.Kind.ZOMBIE, root, Prediction.fails(gone, "a zombie cannot be seized"),
                    "pid " + root + " is a zombie (it has exited and waits for its parent): there is nothing left to dump"));
        }
        long hostNet = netOfInit(g, rp);
        int pipes = 0, fifos = 0;
        Set<Long> seenPipes = new HashSet<>(), unsurePipeSet = new HashSet<>(), unsureFifoSet = new HashSet<>();
        for (int pid : inside) {
            ProcessInfo p = g.process(pid);
            if (pid != root && !alive.test(pid)) {
                out.add(new PlanCheck(PlanCheck.Kind.VANISHED, pid, Prediction.dumps("the tree is smaller now"),
                        "pid " + pid + " (" + p.comm() + ") has exited since the snapshot: scan again before dumping"));
            } else if (pid != root && p.isZombie()) {
                out.add(new PlanCheck(PlanCheck.Kind.ZOMBIE, pid, Prediction.dumps("zombies are dumped and restored as zombies"),
                        "pid " + pid + " is a zombie: it is dumped and comes back as a zombie"));
            }
            if (!p.fdsReadable() && !p.isZombie()) {
                out.add(new PlanCheck(PlanCheck.Kind.FDS_UNREADABLE, pid, Prediction.unknown("open files of pid " + pid + " not visible"),
                        "the scan could not read the open files of pid " + pid + " (" + p.comm() + "): its connections are unknown"));
            }
            if (p.netNs() != 0 && hostNet != 0 && p.netNs() != hostNet) {
                if (pid == root) {
                    // measured (CRIU 4.1.1 and 4.2.1): a root in its own network namespace dumps
                    out.add(new PlanCheck(PlanCheck.Kind.OTHER_NET_NAMESPACE, pid,
                            Prediction.dumps("the root has its own network namespace: CRIU dumps it"),
                            "pid " + pid + " lives in its own network namespace: CRIU dumps the whole namespace and locks its network"
                                    + " while dumping (where the iptables/nftables tools are missing the dump fails: \"net: Locking network failed\")"));
                } else {
                    out.add(new PlanCheck(PlanCheck.Kind.OTHER_NET_NAMESPACE, pid, Prediction.dumps("nested network namespace"),
                            "pid " + pid + " lives in another network namespace: CRIU dumps it with the namespace"));
                }
            }
            for (FdInfo f : p.fds()) {
                if ((f.kind() != FdKind.PIPE && f.kind() != FdKind.FIFO) || f.inode() == 0) continue;
                // CRIU stores data only from read ends (a write end is skipped before the count): measured
                // with 1,025 pipes whose write ends alone are in the tree, which dump
                if (f.mode().canRead()) {
                    if (seenPipes.add(f.inode())) {
                        if (f.kind() == FdKind.FIFO) fifos++; else pipes++;
                    }
                } else if (f.mode() == AccessMode.UNKNOWN) {
                    (f.kind() == FdKind.FIFO ? unsureFifoSet : unsurePipeSet).add(f.inode());
                }
            }
        }
        unsurePipeSet.removeAll(seenPipes);
        unsureFifoSet.removeAll(seenPipes);
        int unsurePipes = unsurePipeSet.size(), unsureFifos = unsureFifoSet.size();
        if (pipes <= PIPE_LIMIT && pipes + unsurePipes > PIPE_LIMIT) {
            out.add(new PlanCheck(PlanCheck.Kind.TOO_MANY_PIPES, 0,
                    Prediction.unknown((pipes + unsurePipes) + " pipes, " + unsurePipes + " of unknown direction"),
                    "the tree reads from " + pipes + " different pipes and holds " + unsurePipes + " more whose direction the scan could"
                            + " not read; CRIU can store at most " + PIPE_LIMIT + " per dump"));
        }
        if (fifos <= PIPE_LIMIT && fifos + unsureFifos > PIPE_LIMIT) {
            out.add(new PlanCheck(PlanCheck.Kind.TOO_MANY_FIFOS, 0,
                    Prediction.unknown((fifos + unsureFifos) + " FIFOs, " + unsureFifos + " of unknown direction"),
                    "the tree reads from " + fifos + " different FIFOs and holds " + unsureFifos + " more whose direction the scan could"
                            + " not read; CRIU keeps at most " + PIPE_LIMIT + " per dump"));
        }
        if (pipes > PIPE_LIMIT) {
            out.add(new PlanCheck(PlanCheck.Kind.TOO_MANY_PIPES, 0,
                    Prediction.fails(CriuError.of(CriuErrorKind.TOO_MANY_PIPES, "OOM storing pipe"), pipes + " pipes"),
                    "the tree reads from " + pipes + " different pipes; CRIU can store at most " + PIPE_LIMIT + " per dump"));
        }
        if (fifos > PIPE_LIMIT) {
            out.add(new PlanCheck(PlanCheck.Kind.TOO_MANY_FIFOS, 0,
                    Prediction.fails(CriuError.of(CriuErrorKind.TOO_MANY_PIPES, "OOM storing pipe"), fifos + " FIFOs"),
                    "the tree reads from " + fifos + " different FIFOs; CRIU keeps at most " + PIPE_LIMIT + " per dump (same table as pipes; not measured)"));
        }
    }

    /** The network namespace CRIU itself runs in: that of init when the snapshot has it, else the root's parent's. */
    private static long netOfInit(IpcGraph g, ProcessInfo rp) {
        ProcessInfo init = g.process(1);
        if (init != null && init.netNs() != 0) return init.netNs();
        ProcessInfo parent = g.process(rp.ppid());
        return parent == null ? 0 : parent.netNs();
    }

    private static void sessionAndTty(IpcGraph g, ProcessInfo rp, Set<Integer> inside, List<Raw> out) {
        int root = rp.pid();
        if (rp.sid() > 0 && rp.sid() != root) {
            Raw r = new Raw(CrossingKind.SESSION_OUTSIDE, "session " + rp.sid(), 0, 0);
            ProcessInfo leader = g.process(rp.sid());
            r.insideHolders = List.of(new Holder(root, -1));
            r.outsideHolders = leader == null ? List.of() : List.of(new Holder(leader.pid(), -1));
            r.ownerVisible = leader != null;
            out.add(r);
        }
        boolean masterInside = false;
        Map<String, List<Holder>> slaves = new LinkedHashMap<>();
        for (int pid : inside) {
            for (FdInfo f : g.process(pid).fds()) {
                String t = f.target();
                if (t.equals("/dev/ptmx") || t.equals("/dev/pts/ptmx")) masterInside = true;
                else if (t.startsWith("/dev/pts/")) slaves.computeIfAbsent(t, k -> new ArrayList<>()).add(new Holder(pid, f.fd()));
            }
        }
        // CRIU pairs every pty slave with its master; with the master inside we cannot tell which slave is which here,
        // so a master anywhere inside is taken to serve every slave (the common "terminal emulator in the dump" case)
        if (masterInside) return;
        for (Map.Entry<String, List<Holder>> e : slaves.entrySet()) {
            Holder first = e.getValue().get(0);
            ProcessInfo p = g.process(first.pid());
            Raw r = new Raw(CrossingKind.TTY_OUTSIDE, e.getKey(), 0, 0);
            r.insideHolders = e.getValue();
            String index = e.getKey().substring("/dev/pts/".length());
            if (inside.contains(p.sid())) {
                r.ttyError = CriuError.of(CriuErrorKind.TTY_WITHOUT_MASTER,
                        "tty: Found slave peer index " + index + " without correspond master peer");
            } else {
                r.ttyError = CriuError.of(CriuErrorKind.DANGLING_TTY, "tty: Found dangling tty with sid " + p.sid()
                        + " pgid " + p.pgid() + " (pts) on peer fd " + first.fd() + ".");
            }
            r.ownerVisible = false;
            out.add(r);
        }
    }

    private static void sockets(IpcGraph g, Set<Integer> inside, List<Raw> out) {
        // connections waiting in the accept queue of a listener belong to that listener's side.
        // A pending entry is either the queued socket itself, which the client names as its peer, or
        // (what the live kernel reports: sock_diag gives each queued socket's peer, the queued half
        // has no inode and the client's own peer reads 0) the waiting client.
        Set<Long> pointedAt = new HashSet<>();
        for (UnixSocket s : g.sockets().values()) if (s.peer() != 0) pointedAt.add(s.peer());
        Set<Long> insideEmbryos = new HashSet<>();
        Map<Long, UnixSocket> listenerOf = new HashMap<>();
        Map<Long, UnixSocket> clientWaitsAt = new HashMap<>();
        Set<SocketName> insideListenerNames = new HashSet<>();
        for (UnixSocket s : g.sockets().values()) {
            for (long e : s.pending()) {
                if (!pointedAt.contains(e) && g.socket(e) != null) {
                    clientWaitsAt.put(e, s);
                    continue;
                }
                listenerOf.put(e, s);
                if (heldBy(s, inside)) insideEmbryos.add(e);
            }
            if (s.state() == SocketState.LISTEN && s.name().isNamed() && heldBy(s, inside)) insideListenerNames.add(s.name());
        }
        Map<Long, List<UnixSocket>> dgramClientsOutside = new LinkedHashMap<>();
        Map<Long, Raw> pendingFromOutside = new LinkedHashMap<>();
        for (UnixSocket s : g.sockets().values()) {
            boolean in = heldBy(s, inside) || insideEmbryos.contains(s.ino());
            UnixSocket waitsAt = clientWaitsAt.get(s.ino());
            if (!in && waitsAt != null && heldBy(waitsAt, inside)) {
                // an outside client waiting in an inside listener's queue
                pendingFromOutside.computeIfAbsent(s.ino(), k -> pending(s, s, waitsAt, inside));
                continue;
            }
            if (!in) {
                // an outside datagram socket connected one-way to a socket inside
                if (s.peer() != 0) {
                    UnixSocket p = g.socket(s.peer());
                    if (p != null && insideEmbryos.contains(p.ino())) {
                        // an outside client whose connection waits in an inside listener's queue
                        // (sock_diag reports no peer for the queued socket itself, only the client points at it)
                        pendingFromOutside.computeIfAbsent(p.ino(), k -> pending(p, s, listenerOf.get(k), inside));
                    } else if (p != null && p.peer() != s.ino() && heldBy(p, inside)) {
                        dgramClientsOutside.computeIfAbsent(p.ino(), k -> new ArrayList<>()).add(s);
                    }
                }
                continue;
            }
            List<Holder> ih = new ArrayList<>(), oh = new ArrayList<>();
            for (Holder h : s.holders()) (inside.contains(h.pid()) ? ih : oh).add(h);
            if (!ih.isEmpty() && !oh.isEmpty()) {
                Raw r = new Raw(CrossingKind.SHARED_FD, s.key(), s.ino(), s.ino());
                r.ours = s;
                r.insideHolders = ih;
                r.outsideHolders = oh;
                out.add(r);
            }
            if (waitsAt != null && !heldBy(waitsAt, inside)) {
                // our client waits in the accept queue of a listener outside: its only peer is that listener
                Raw r = new Raw(CrossingKind.STREAM_TO_NAMED_LISTENER, s.key(), s.ino(), waitsAt.ino());
                r.ours = s;
                r.peer = waitsAt;
                r.insideHolders = ih;
                r.outsideHolders = waitsAt.holders();
                r.ownerVisible = !waitsAt.holders().isEmpty();
                r.queued = true;
                out.add(r);
                continue;
            }
            if (s.peer() == 0) continue;
            UnixSocket p = g.socket(s.peer());
            if (p == null) {
                Raw r = new Raw(CrossingKind.PEER_NOT_VISIBLE, s.key(), s.ino(), s.peer());
                r.ours = s;
                r.insideHolders = ih;
                r.ownerVisible = false;
                out.add(r);
                continue;
            }
            if (heldBy(p, inside) || insideEmbryos.contains(p.ino())) continue;
            if (insideEmbryos.contains(s.ino())) {
                pendingFromOutside.computeIfAbsent(s.ino(), k -> pending(s, p, listenerOf.get(k), inside));
                continue;
            }
            UnixSocket outsideListener = listenerOf.get(p.ino());
            CrossingKind kind;
            SocketType type = s.type() != SocketType.UNKNOWN ? s.type() : p.type();
            if (outsideListener != null) kind = CrossingKind.STREAM_TO_NAMED_LISTENER; // not accepted yet
            else if (type == SocketType.DGRAM) kind = p.name().isNamed() ? CrossingKind.DGRAM_TO_NAMED : CrossingKind.SOCKETPAIR;
            else if (p.name().isNamed() && !s.name().isNamed()) kind = CrossingKind.STREAM_TO_NAMED_LISTENER;
            else if (s.name().isNamed() && !p.name().isNamed()) kind = CrossingKind.LISTENER_CLIENT_OUTSIDE;
            else if (s.name().isNamed()) kind = insideListenerNames.contains(s.name())
                    ? CrossingKind.LISTENER_CLIENT_OUTSIDE : CrossingKind.STREAM_TO_NAMED_LISTENER;
            else kind = CrossingKind.SOCKETPAIR;
            Raw r = new Raw(kind, s.key(), s.ino(), p.ino());
            r.ours = s;
            r.peer = p;
            r.insideHolders = ih;
            List<Holder> peerHolders = new ArrayList<>(p.holders());
            if (peerHolders.isEmpty() && outsideListener != null) {
                // the peer waits in an outside listener's queue: that listener's holders own it
                peerHolders.addAll(outsideListener.holders());
            }
            r.outsideHolders = peerHolders;
            r.ownerVisible = !peerHolders.isEmpty();
            out.add(r);
        }
        out.addAll(pendingFromOutside.values());
        for (Map.Entry<Long, List<UnixSocket>> e : dgramClientsOutside.entrySet()) {
            UnixSocket s = g.socket(e.getKey());
            if (s.type() != SocketType.DGRAM) continue;
            Raw r = new Raw(CrossingKind.DGRAM_SERVER_CLIENTS_OUTSIDE, s.key(), s.ino(), e.getValue().get(0).ino());
            r.ours = s;
            r.peer = e.getValue().get(0);
            List<Holder> ih = new ArrayList<>(), oh = new ArrayList<>();
            for (Holder h : s.holders()) if (inside.contains(h.pid())) ih.add(h);
            for (UnixSocket c : e.getValue()) oh.addAll(c.holders());
            r.insideHolders = ih;
            r.outsideHolders = oh;
            r.ownerVisible = !oh.isEmpty();
            out.add(r);
        }
    }

    private static String peerOrKey(UnixSocket s) {
        return s.name().isNamed() ? s.name().display() : s.key();
    }

    private static Raw pending(UnixSocket embryo, UnixSocket client, UnixSocket listener, Set<Integer> inside) {
        Raw r = new Raw(CrossingKind.PENDING_CLIENT_OUTSIDE, embryo.key(), embryo.ino(), client.ino());
        r.ours = embryo;
        r.peer = client;
        List<Holder> ih = new ArrayList<>();
        if (listener != null) for (Holder h : listener.holders()) if (inside.contains(h.pid())) ih.add(h);
        r.insideHolders = ih;
        r.outsideHolders = client.holders();
        r.ownerVisible = !client.holders().isEmpty();
        if (listener != null) r.notes.add("waits in the accept queue of " + listener.key() + " " + listener.name().display());
        return r;
    }

    private static void pipes(IpcGraph g, Set<Integer> inside, List<Raw> out) {
        for (Pipe p : g.pipes().values()) {
            boolean readIn = false, readOut = false, writeIn = false, writeOut = false;
            for (Holder h : p.readers()) if (inside.contains(h.pid())) readIn = true; else readOut = true;
            for (Holder h : p.writers()) if (inside.contains(h.pid())) writeIn = true; else writeOut = true;
            if (!readIn && !writeIn) continue;
            List<Holder> ih = new ArrayList<>(), oh = new ArrayList<>();
            for (Holder h : union(p.readers(), p.writers())) {
                List<Holder> l = inside.contains(h.pid()) ? ih : oh;
                if (!l.contains(h)) l.add(h);
            }
            if (oh.isEmpty()) continue;
            Raw r;
            if (p.isFifo()) {
                r = new Raw(CrossingKind.FIFO_END_OUTSIDE, p.key(), p.ino(), p.ino());
            } else if (readIn && !writeIn && writeOut) {
                r = new Raw(CrossingKind.PIPE_WRITER_OUTSIDE, p.key(), p.ino(), p.ino());
                if (readOut) r.notes.add("the read end is also held outside");
            } else if (writeIn && !readIn && readOut) {
                r = new Raw(CrossingKind.PIPE_READER_OUTSIDE, p.key(), p.ino(), p.ino());
                if (writeOut) r.notes.add("the write end is also held outside");
            } else {
                r = new Raw(CrossingKind.SHARED_FD, p.key(), p.ino(), p.ino());
            }
            r.pipe = p;
            r.insideHolders = ih;
            r.outsideHolders = oh;
            out.add(r);
        }
    }

    private static List<Holder> union(List<Holder> a, List<Holder> b) {
        List<Holder> u = new ArrayList<>(a);
        u.addAll(b);
        return u;
    }

    private static boolean heldBy(UnixSocket s, Set<Integer> inside) {
        for (Holder h : s.holders()) if (inside.contains(h.pid())) return true;
        return false;
    }

    // ---------------------------------------------------------------------------------------------

    /** CRIU's check of one dumped socket whose peer was not dumped (sk-unix.c, 4.1.1), in CRIU's order. */
    private static Prediction externalCheck(UnixSocket ours, UnixSocket peer, Opts o) {
        if (o.external.contains(ObjectKey.ofSocket(ours.ino()).externalUnix()))
            return Prediction.dumps("marked external: unix[" + ours.ino() + "]");
        if (!o.extUnixSk)
            return Prediction.fails(CriuError.of(CriuErrorKind.EXTERNAL_SOCKET_USED,
                    "unix: External socket is used. Consider using --ext-unix-sk option."), "the other end is outside the dump");
        if (peer.type() != SocketType.DGRAM)
            return Prediction.fails(CriuError.of(CriuErrorKind.HALF_STREAM_CONNECTION, "unix: Can't dump half of stream unix connection. name: "
                    + criuName(ours.name()) + "; peer name: " + criuName(peer.name())),
                    "--ext-unix-sk only covers datagram sockets; a stream or seqpacket connection needs unix[" + ours.ino() + "]");
        if (!peer.name().isNamed())
            return Prediction.fails(CriuError.of(CriuErrorKind.NAMELESS_EXTERNAL_SOCKET, "unix: Can't dump name-less external socket."),
                    "--ext-unix-sk reconnects by name, and the other end has none; it needs unix[" + ours.ino() + "]");
        return Prediction.dumps("--ext-unix-sk: reconnected to " + peer.name().display() + " at restore");
    }

    /** How CRIU prints a socket name in "Can't dump half...": the path, or (null). */
    private static String criuName(SocketName n) {
        return switch (n.kind()) {
            case NONE -> "(null)";
            case PATH -> n.value();
            case ABSTRACT -> ""; // an abstract name starts with a NUL byte, so %s prints nothing
        };
    }

    /** Per-plan memo: subtree sizes and common ancestors repeat across hundreds of crossings. */
    private static final class Cache {
        final IpcGraph g;
        final Map<Integer, Integer> size = new HashMap<>();
        final Map<List<Integer>, Integer> lca = new HashMap<>();

        Cache(IpcGraph g) { this.g = g; }

        int size(int pid) { return size.computeIfAbsent(pid, p -> g.subtree(p).size()); }
    }

    private static Crossing judge(IpcGraph g, int root, Raw r, Opts o, Decisions d, Cache cache) {
        List<Fix> fixes = new ArrayList<>();
        List<String> notes = new ArrayList<>(r.notes);
        Prediction without;
        Prediction with;
        RestoreObligation obligation = null;
        Holder firstInside = r.insideHolders.isEmpty() ? null : r.insideHolders.get(0);
        int pullRoot = pullInRoot(cache, root, r.outsideHolders);
        String pullText = pullText(cache, root, pullRoot);
        Opts none = new Opts(Set.of(), false, false);
        switch (r.kind) {
            case PENDING_CLIENT_OUTSIDE -> {
                // measured (4.1.1): the dump succeeds; CRIU writes the listener only, the queued connection is not in the image
                without = Prediction.dumps("CRIU dumps the listener without its queued connections");
                with = without;
                notes.add("the connection from " + who(g, r.outsideHolders) + " is not accepted yet and is not part of the dump:"
                        + " after restore the listener's queue is empty and that client must connect again");
                fixes.add(new Fix(Fix.Kind.ACCEPT, "accept", "the waiting client loses its connection at restore", 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the client into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
            }
            case SOCKETPAIR, LISTENER_CLIENT_OUTSIDE, STREAM_TO_NAMED_LISTENER, DGRAM_TO_NAMED -> {
                if (r.queued) {
                    // measured (4.1.1): dumps with no option at all (and with unix[ino] or --ext-unix-sk alike): CRIU
                    // keeps a connection still in a listener's queue as one in flight to that listener's name
                    without = Prediction.dumps("CRIU dumps a connection still waiting in a listener's queue as one in flight to "
                            + r.peer.name().display());
                    with = without;
                    notes.add("not accepted yet by " + peerOrKey(r.peer) + " of " + who(g, r.outsideHolders)
                            + ": whatever the server would have said on this connection is not in the dump");
                    if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the listener into the dump: dump from pid " + pullRoot,
                            pullText, pullRoot, pullRoot > 1));
                    break;
                }
                without = externalCheck(r.ours, r.peer, none);
                with = externalCheck(r.ours, r.peer, o);
                String type = r.ours.type().label();
                boolean named = r.peer.name().isNamed();
                String ext = "unix[" + r.ourIno + "]";
                String peerWho = who(g, r.outsideHolders);
                if (r.kind == CrossingKind.DGRAM_TO_NAMED) {
                    fixes.add(new Fix(Fix.Kind.RECONNECT_BY_NAME, "reconnect by name: --ext-unix-sk",
                            "dumps; at restore CRIU connects a new datagram socket to " + r.peer.name().display()
                                    + ", which must exist then; datagrams still queued at the server are not in the dump", 0, true));
                    fixes.add(new Fix(Fix.Kind.MARK_EXTERNAL, "mark external: " + ext,
                            "dumps; at restore CRIU reconnects it to " + r.peer.name().display() + " by name", 0, true));
                } else if (r.kind == CrossingKind.STREAM_TO_NAMED_LISTENER) {
                    fixes.add(new Fix(Fix.Kind.MARK_EXTERNAL, "mark external: " + ext,
                            "dumps; at restore hand in a new " + type + " socket connected to " + r.peer.name().display()
                                    + " (--inherit-fd fd[N]:socket:[" + r.ourIno + "]); CRIU Atlas can connect it for you", 0, true));
                    fixes.add(new Fix(Fix.Kind.RECONNECT_BY_NAME, "mark external " + ext + ", reconnect by name at restore",
                            "dumps; at restore (--ext-unix-sk) CRIU makes a fresh connection to " + r.peer.name().display()
                                    + ": the server must accept it again and the peer's protocol state is lost"
                                    + " — D-Bus, X11/ICE, Wayland usually break", 0, true));
                } else {
                    fixes.add(new Fix(Fix.Kind.MARK_EXTERNAL, "mark external: " + ext,
                            "dumps; at restore you must hand in a new " + type + " socket in its place (--inherit-fd fd[N]:socket:["
                                    + r.ourIno + "]); CRIU Atlas can create the pair for you and give the other end to "
                                    + (r.outsideHolders.isEmpty() ? "whoever talks to it" : peerWho), 0, true));
                }
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the peer into the dump: dump from pid " + pullRoot,
                        pullText + "; the connection is then inside and comes back as it was", pullRoot, pullRoot > 1));
                // the tempting options that do not work, with what CRIU says instead
                fixes.add(new Fix(Fix.Kind.WRONG, "mark the outside end unix[" + r.outsideIno + "]",
                        "does nothing: CRIU looks up the inode of the end inside the dump; still \"External socket is used\"", 0, false));
                if (r.kind != CrossingKind.DGRAM_TO_NAMED) {
                    CriuError e = externalCheck(r.ours, r.peer, new Opts(Set.of(), true, false)).error();
                    fixes.add(new Fix(Fix.Kind.WRONG, "--ext-unix-sk (as CRIU's message suggests)",
                            "still fails: \"" + e.text() + "\"" + (named ? "" : "; and at restore it would crash the task (SIGSEGV)"), 0, false));
                    fixes.add(new Fix(Fix.Kind.WRONG, "unix_sk_ino without ext_unix_sk (RPC)",
                            "ignored by CRIU unless ext_unix_sk is also set", 0, false));
                }
                if (with.outcome().dumps()) {
                    if (r.kind == CrossingKind.DGRAM_TO_NAMED) {
                        notes.add("restore needs nothing: CRIU reconnects it to " + r.peer.name().display() + " by name (the name must exist then)");
                    } else if (named) {
                        boolean reconnect = d.reconnectByName().contains(r.ourIno) || d.extUnixSk();
                        obligation = new RestoreObligation(r.key, RestoreObligation.Kind.INHERIT_OR_RECONNECT_SOCKET, r.ourIno, firstInside,
                                r.ours.type(), r.peer.name(), false, reconnect
                                ? "restore with --ext-unix-sk: CRIU connects a fresh " + type + " socket to " + r.peer.name().display()
                                        + " (the server must accept again; protocol state is lost), or hand in a connected socket as "
                                        + r.key
                                : "hand in a new " + type + " socket connected to " + r.peer.name().display() + " as " + r.key
                                        + " (--inherit-fd), or restore with --ext-unix-sk for a fresh connection by name");
                    } else {
                        obligation = new RestoreObligation(r.key, RestoreObligation.Kind.INHERIT_SOCKET, r.ourIno, firstInside,
                                r.ours.type(), SocketName.NONE, false,
                                "hand in one end of a new " + type + " socket pair as " + r.key + " (--inherit-fd fd[N]:" + r.key
                                        + ", N = an fd of the criu process) and give the other end to " + peerWho
                                        + "; --ext-unix-sk instead crashes the restored task; --external on restore does nothing");
                    }
                }
            }
            case DGRAM_SERVER_CLIENTS_OUTSIDE -> {
                without = Prediction.dumps("CRIU does not look at who is connected to a datagram server");
                with = without;
                notes.add("after restore " + r.ours.name().display() + " is bound again as a new socket: clients outside that"
                        + " connect()ed to the old one get ECONNREFUSED until they reconnect; sendto() by name keeps working");
                fixes.add(new Fix(Fix.Kind.ACCEPT, "accept", "clients outside must reconnect after a restore", 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the clients into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
            }
            case PEER_NOT_VISIBLE -> {
                if (g.meta() != null && g.meta().source() == org.criuatlas.model.IpcGraph.Source.LIVE) {
                    without = Prediction.fails(CriuError.of(CriuErrorKind.UNIX_PEER_MISSING, "unix: Unix socket " + r.ourIno
                            + " without peer " + r.outsideIno), "the peer socket is not in this network namespace's socket table");
                } else {
                    without = Prediction.unknown("the peer socket " + r.outsideIno + " is not in the snapshot");
                }
                with = without;
                notes.add("the scan cannot see socket " + r.outsideIno + " (another network namespace, or it closed during the scan)");
            }
            case PIPE_WRITER_OUTSIDE, PIPE_READER_OUTSIDE -> {
                boolean readInside = r.kind == CrossingKind.PIPE_WRITER_OUTSIDE;
                String brokenHow = readInside
                        ? "after restore the reader inside sees end-of-file: nobody writes into the new pipe"
                        : "after restore the writer inside gets EPIPE/SIGPIPE: nobody reads the new pipe";
                without = Prediction.breaks("CRIU dumps its own end; " + brokenHow);
                fixes.add(new Fix(Fix.Kind.INHERIT_PIPE, "hand in a pipe at restore: --inherit-fd fd[N]:" + r.key,
                        "the restore gets a new pipe's " + (readInside ? "read" : "write") + " end in its place; CRIU Atlas can create it"
                                + " and keep the other end for " + who(g, r.outsideHolders), 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the other end into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
                obligation = new RestoreObligation(r.key, RestoreObligation.Kind.INHERIT_PIPE, r.ourIno, firstInside, null,
                        SocketName.NONE, readInside, "hand in the " + (readInside ? "read" : "write") + " end of a new pipe as " + r.key
                        + " (--inherit-fd fd[N]:" + r.key + "); without it " + brokenHow.substring("after restore ".length()));
                with = d.inheritAtRestore().contains(r.key)
                        ? Prediction.dumps("a new pipe end will be handed in at restore")
                        : without;
            }
            case FIFO_END_OUTSIDE -> {
                without = Prediction.dumps("CRIU reopens a FIFO by its path at restore");
                with = without;
                notes.add("at restore CRIU opens " + r.pipe.fifoPath() + " again, so the outside end is reached again if the FIFO still exists;"
                        + " bytes that were in the FIFO are written back into it");
            }
            case SHARED_FD -> {
                without = Prediction.dumps("CRIU cannot see holders outside the tree");
                with = without;
                notes.add("after restore " + who(g, r.outsideHolders) + " still holds the old " + r.key
                        + " and the restored processes a fresh copy: they no longer share it");
                fixes.add(new Fix(Fix.Kind.ACCEPT, "accept", "the outside holder keeps the old object; the sharing ends at restore", 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the other holder into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
            }
            case SESSION_OUTSIDE -> {
                without = Prediction.fails(CriuError.of(CriuErrorKind.NOT_SESSION_LEADER, "The root process " + root
                        + " is not a session leader. Consider using --shell-job option"), "its session leader is outside the dump");
                with = o.shellJob ? Prediction.dumps("--shell-job") : without;
                fixes.add(new Fix(Fix.Kind.SHELL_JOB, "shell job: --shell-job",
                        "dumps; the restored tree joins the session of whoever runs the restore (restore with --shell-job too)", 0, true));
                int leader = r.outsideHolders.isEmpty() ? 0 : r.outsideHolders.get(0).pid();
                if (leader > 1 && g.subtree(leader).contains(root))
                    fixes.add(new Fix(Fix.Kind.PULL_IN, "dump from the session leader pid " + leader, pullText(cache, root, leader), leader, true));
            }
            case TTY_OUTSIDE -> {
                without = Prediction.fails(r.ttyError, "the terminal's other side is outside the dump");
                with = o.shellJob ? Prediction.dumps("--shell-job") : without;
                fixes.add(new Fix(Fix.Kind.SHELL_JOB, "shell job: --shell-job",
                        "dumps; at restore the tree gets the terminal of whoever runs the restore (restore with --shell-job too)", 0, true));
            }
            default -> throw new IllegalStateException(r.kind.name());
        }
        if (!r.ownerVisible && r.outsideHolders.isEmpty() && r.kind != CrossingKind.TTY_OUTSIDE)
            notes.add("owner not visible: no process the scan can see holds the other end (no permission, or it is in flight)");
        SocketType st = r.ours == null ? null : r.ours.type();
        return new Crossing(r.kind, r.key, r.ourIno, r.outsideIno, st, r.ours == null ? null : r.ours.name(),
                r.peer == null ? null : r.peer.name(), r.insideHolders, r.outsideHolders, r.ownerVisible, without, fixes, with,
                obligation, notes);
    }

    /** The root that would take the outside holders along, 0 when none is known. */
    private static int pullInRoot(Cache c, int root, List<Holder> outside) {
        if (outside.isEmpty()) return 0;
        Set<Integer> pids = new TreeSet<>();
        pids.add(root);
        for (Holder h : outside) pids.add(h.pid());
        return c.lca.computeIfAbsent(List.copyOf(pids), k -> commonAncestor(c.g, k));
    }

    private static String pullText(Cache c, int root, int newRoot) {
        IpcGraph g = c.g;
        if (newRoot == 0) return "";
        if (newRoot == 1) return "only init (pid 1) has both in its subtree, and CRIU cannot dump init";
        int more = c.size(newRoot) - c.size(root);
        ProcessInfo np = g.process(newRoot);
        String session = np != null && np.sid() > 0 && np.sid() != newRoot
                ? " (it does not lead its own session either: that dump needs --shell-job)" : "";
        return "pid " + newRoot + " (" + comm(g, newRoot) + ") has both sides in its subtree; dumping from it takes "
                + more + " more process" + (more == 1 ? "" : "es") + " along" + session;
    }

    private static List<Integer> chain(IpcGraph g, int pid) {
        List<Integer> c = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        ProcessInfo p = g.process(pid);
        while (p != null && seen.add(p.pid())) {
            c.add(p.pid());
            p = p.ppid() == p.pid() ? null : g.process(p.ppid());
        }
        return c;
    }

    private static String comm(IpcGraph g, int pid) {
        ProcessInfo p = g.process(pid);
        return p == null ? "?" : p.comm();
    }

    private static String who(IpcGraph g, List<Holder> hs) {
        if (hs.isEmpty()) return "the process outside (not visible)";
        Set<Integer> pids = new LinkedHashSet<>();
        for (Holder h : hs) pids.add(h.pid());
        List<String> parts = new ArrayList<>();
        for (int pid : pids) parts.add("pid " + pid + " (" + comm(g, pid) + ")");
        return String.join(", ", parts);
    }

    /** CRIU's order of failure: seizing, per-process files, tty pairs, the session check, external sockets. */
    private static int phase(CriuError e) {
        return switch (e.kind()) {
            case PROCESS_GONE, NETWORK_LOCK, UNSEIZABLE -> 0;
            case NESTED_PID_NAMESPACE, SESSION_LEADER_OUTSIDE_PID_NS -> 1;
            // per task: memory (the SysV check, the executable's mount) before files
            case SYSV_SHM_OUTSIDE_IPC_NS, MOUNT_NOT_FOUND -> 2;
            case DANGLING_TTY, TOO_MANY_PIPES, UNIX_PEER_MISSING, SOCKET_OPT_UNSUPPORTED, TCP_CONNECTED, TCP_IN_FLIGHT, IO_URING,
                 UNSUPPORTED_FILE, PIDFD_OUTSIDE, GHOST_TOO_BIG, LINK_REMAP_NEEDED, LINK_REMAP_CROSS_DEVICE -> 3;
            case TTY_WITHOUT_MASTER -> 4;
            case FILE_LOCKS_HELD -> 5;
            // measured: the session check (pstree) fails before the external socket check
            case NOT_SESSION_LEADER -> 6;
            case EXTERNAL_SOCKET_USED, HALF_STREAM_CONNECTION, NAMELESS_EXTERNAL_SOCKET -> 7;
            // restore errors: CriuError.of never makes one for a dump prediction
            case EXTERNAL_SOCKET_IN_IMAGE, UNABLE_TO_OPEN_FD, PID_TAKEN, BAD_INHERIT_FD, RESTORED_TASK_CRASHED, OTHER_ERROR -> 8;
        };
    }

    private static DumpPlan finish(int root, String cmd, List<Integer> dumped, List<PlanCheck> checks, List<Crossing> crossings,
                                   CriuOptions options, List<RestoreObligation> obligations, List<ObjectVerdict> objects,
                                   CriuTarget target) {
        List<String> reasons = new ArrayList<>();
        // the failure lines already given, for a constant-time "said already" (a big tree has thousands of crossings:
        // reasons.contains made planning quadratic, 40 ms of 43 at 1,000 processes)
        Set<String> failLines = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        CriuError first = null;
        boolean fails = false, unknown = false, breaks = false;
        for (PlanCheck c : checks) {
            Prediction p = c.prediction();
            switch (p.outcome()) {
                case DUMP_FAILS -> { fails = true; reasons.add(p.error().line()); first = earlier(first, p.error()); }
                case UNKNOWN -> { unknown = true; reasons.add(c.message()); }
                case DUMPS_BREAKS_AT_RESTORE -> { breaks = true; warnings.add(c.message()); }
                case DUMPS -> { if (c.kind() != PlanCheck.Kind.ALREADY_INCLUDED) warnings.add(c.message()); }
            }
        }
        for (Crossing c : crossings) {
            Prediction p = c.withDecisions();
            switch (p.outcome()) {
                case DUMP_FAILS -> {
                    fails = true;
                    first = earlier(first, p.error());
                    String line = p.error().line() + "  [" + c.kind().label + " " + c.key() + "]";
                    if (failLines.add(line)) reasons.add(line);
                }
                case UNKNOWN -> { unknown = true; reasons.add(c.kind().label + " " + c.key() + ": " + p.why()); }
                case DUMPS_BREAKS_AT_RESTORE -> { breaks = true; warnings.add(c.kind().label + " " + c.key() + ": " + p.why()); }
                case DUMPS -> { for (String n : c.notes()) warnings.add(c.kind().label + " " + c.key() + ": " + n); }
            }
        }
        for (ObjectVerdict v : objects) {
            Prediction p = v.withDecisions();
            String what = v.kind() + " " + v.object();
            switch (p.outcome()) {
                case DUMP_FAILS -> {
                    fails = true;
                    first = earlier(first, p.error());
                    String line = p.error().line() + "  [" + what + "]";
                    if (failLines.add(line)) reasons.add(line);
                }
                case UNKNOWN -> { unknown = true; reasons.add(what + ": " + p.why()); }
                case DUMPS_BREAKS_AT_RESTORE -> { breaks = true; warnings.add(what + ": " + p.why()); }
                case DUMPS -> { if (v.overruled()) warnings.add(what + ": " + v.basisText()); }
            }
        }
        Outcome o = fails ? Outcome.DUMP_FAILS : unknown ? Outcome.UNKNOWN : breaks ? Outcome.DUMPS_BREAKS_AT_RESTORE : Outcome.DUMPS;
        return new DumpPlan(root, cmd, dumped, checks, crossings, options, obligations, o, first, reasons, warnings, objects,
                target.describe());
    }

    private static CriuError earlier(CriuError a, CriuError b) {
        if (a == null) return b;
        return phase(b) < phase(a) ? b : a;
    }
}
