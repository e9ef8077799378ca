package org.criuatlas.plan;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

import static org.criuatlas.plan.DumpPlanner.PIPE_LIMIT;

/**
 * The checks that concern the dumped tree as a whole rather than one crossing: the root and its
 * descendants still alive (or zombies), fds the scan could not read, other network namespaces, and
 * CRIU's limit of {@link DumpPlanner#PIPE_LIMIT} pipes and FIFOs per dump. Pure: no I/O.
 */
final class TreeChecks {
    private TreeChecks() {}

    /**
     * Adds the checks of the whole subtree {@code inside} of the root {@code rp} to {@code out};
     * {@code external} holds the dump's {@code --external} values (a network namespace marked external
     * is not dumped, and the checks say so).
     */
    static void check(IpcGraph g, ProcessInfo rp, Set<Integer> inside, IntPredicate alive, java.util.Collection<String> external, List<PlanCheck> out) {
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
                String ext = externalNetKey(p.netNs(), external);
                if (pid == root && ext != null) {
                    // CRIU's dump_net_ns writes only the key of an external namespace; its restore looks the key
                    // up among the inherited fds ("Unable to find an external netns" without it)
                    out.add(new PlanCheck(PlanCheck.Kind.OTHER_NET_NAMESPACE, pid,
                            Prediction.dumps("the root's network namespace is marked external: CRIU does not dump it"),
                            "pid " + pid + " lives in its own network namespace, marked external (--external net[" + p.netNs() + "]:" + ext
                                    + "): CRIU records only the key, not its interfaces, routes or firewall; the restore must be handed"
                                    + " the namespace (--inherit-fd fd[N]:" + ext + ", which runc does for a container)"));
                } else if (pid == root) {
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

    /** The key of {@code --external net[INO]:KEY} for this namespace inode, null when it is not marked external. */
    static String externalNetKey(long netNs, java.util.Collection<String> external) {
        String prefix = "net[" + netNs + "]:";
        for (String e : external) if (e.startsWith(prefix) && e.length() > prefix.length()) return e.substring(prefix.length());
        return null;
    }
}
