package org.criuatlas.plan;

import org.criuatlas.bridge.criu.NetworkTools;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SeccompMode;
import org.criuatlas.model.SysvSharedMemory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.criuatlas.plan.ObjectRules.FILE_LOCKS;
import static org.criuatlas.plan.ObjectRules.SHELL_JOB;

/**
 * The objects CRIU checks one by one, found in the dumped tree in the order CRIU meets them, each
 * with the rule of docs/dump-rules.md that maps the options that matter to a prediction
 * ({@link Found}); {@link ObjectRules} judges them. The process-level objects (namespaces, process
 * states, SysV shared memory) are here, the per-fd ones in {@link FdObjects}. Pure: no I/O.
 */
final class ObjectDiscovery {
    private ObjectDiscovery() {}

    /** An object found in the tree, before it is judged: its rule maps the options that matter to a prediction. */
    record Found(String kind, String group, String object, int pid, int fd, Function<Set<String>, Prediction> rule,
                         Set<CriuErrorKind> own, List<Fix> fixes, List<String> notes, long size) {}

    /** Every object of the tree, in the order CRIU meets them (processes breadth first, fds ascending). */
    static List<Found> discover(IpcGraph g, int root, Collection<Integer> inside, CriuTarget t) {
        List<Found> out = new ArrayList<>();
        Set<Integer> in = inside instanceof Set<Integer> s ? s : new HashSet<>(inside);
        ProcessInfo rp = g.process(root);
        if (rp == null) return out;
        Namespaces host = host(g, rp, t);
        Namespaces rootNs = rp.namespaces();
        namespaces(g, rp, in, host, t, out);
        Map<Long, Set<Integer>> mountIds = new HashMap<>();
        Set<String> listeners = FdObjects.listenerPorts(g);
        Set<String> mappedGhosts = new HashSet<>();
        for (int pid : inside) {
            ProcessInfo p = g.process(pid);
            if (p == null) continue;
            state(g, p, in, out);
            // CRIU collects a task's mappings before its files
            for (org.criuatlas.model.DeletedMapping m : p.deletedMappings()) {
                if (mappedGhosts.add(m.ino() + ":" + m.path())) FdObjects.mapped(p, m, out);
            }
            for (FdInfo f : p.fds()) {
                if (f.kind() == FdKind.SOCKET && f.inode() != 0) FdObjects.socket(g, p, f, in, listeners, t, out);
                else if (f.anonInode() != null) FdObjects.anon(p, f, in, out);
                if (f.file() != null) FdObjects.file(g, p, f, rootNs, host, mountIds, out);
            }
        }
        FdObjects.locks(g, in, out);
        sysvShm(g, rp, in, host, out);
        return out;
    }

    /** The namespaces CRIU runs in: the target's, else init's, else the root's parent's. */
    private static Namespaces host(IpcGraph g, ProcessInfo rp, CriuTarget t) {
        if (!t.host().isUnknown()) return t.host();
        ProcessInfo init = g.process(1);
        if (init != null && !init.namespaces().isUnknown()) return init.namespaces();
        ProcessInfo parent = g.process(rp.ppid());
        return parent == null ? Namespaces.UNKNOWN : parent.namespaces();
    }

    /** Two namespace inodes that are both known and not the same. */
    static boolean differs(long a, long b) {
        return a != 0 && b != 0 && a != b;
    }

    private static void namespaces(IpcGraph g, ProcessInfo rp, Set<Integer> in, Namespaces host, CriuTarget t, List<Found> out) {
        Namespaces ns = rp.namespaces();
        int root = rp.pid();
        if (differs(ns.net(), host.net())) {
            List<Fix> fixes = List.of(new Fix(Fix.Kind.OPTION, "--external net[" + ns.net() + "]:NAME",
                    "dumps the namespace as external: at restore it must be handed in (--join-ns or --inherit-fd)", 0, true));
            String what = "its own network namespace net:[" + ns.net() + "]";
            String note = "restore recreates the namespace; to restore into an existing one, mark it external";
            if (t.lacks(NetworkTools.IPTABLES_RESTORE)) {
                // CRIU locks the namespace's network with iptables-restore, marked external or not
                CriuError e = CriuError.of(CriuErrorKind.NETWORK_LOCK, "Locking network failed");
                out.add(new Found("netns-root", "namespaces", what, root, -1,
                        o -> Prediction.fails(e, "CRIU locks the namespace's network with iptables-restore, which is not installed here"),
                        Set.of(CriuErrorKind.NETWORK_LOCK), fixes,
                        List.of(note, "install the iptables package: CRIU runs iptables-restore to lock a network namespace it dumps"), -1));
            } else {
                // an external namespace: CRIU's dump_net_ns writes only its key, nothing of its contents
                out.add(new Found("netns-root", "namespaces", what, root, -1,
                        o -> o.contains("--external net")
                                ? Prediction.dumps("marked external: CRIU records only the key, not the namespace's interfaces, routes"
                                        + " or firewall; the restore must be handed the namespace (--inherit-fd fd[N]:KEY)")
                                : Prediction.dumps("CRIU dumps the whole namespace (interfaces, routes, sockets) and locks its network while dumping"),
                        Set.of(), fixes, List.of(note), -1));
            }
        }
        if (differs(ns.ipc(), host.ipc()))
            out.add(dumps("ipcns-sysv", "namespaces", "its own IPC namespace ipc:[" + ns.ipc() + "]", root, -1,
                    "CRIU dumps the IPC namespace with its SysV shared memory, semaphores and message queues", List.of()));
        if (differs(ns.uts(), host.uts()))
            out.add(dumps("utsns", "namespaces", "its own UTS namespace uts:[" + ns.uts() + "]", root, -1,
                    "CRIU dumps the host name and domain name", List.of()));
        if (differs(ns.mnt(), host.mnt()))
            out.add(dumps("mntns-root", "namespaces", "its own mount namespace mnt:[" + ns.mnt() + "]", root, -1,
                    "CRIU dumps the mount namespace; every file in use must be on one of its mounts", List.of()));
        if (differs(ns.pid(), host.pid())) {
            if (rp.sid() > 0 && rp.sid() != root) {
                CriuError e = CriuError.of(CriuErrorKind.SESSION_LEADER_OUTSIDE_PID_NS,
                        "A session leader of " + root + "(1) is outside of its pid namespace");
                out.add(new Found("pidns-init", "namespaces", "init of its own pid namespace pid:[" + ns.pid() + "], session "
                        + rp.sid() + " outside it", root, -1, o -> Prediction.fails(e, "its session leader pid " + rp.sid()
                        + " is outside the pid namespace"), Set.of(CriuErrorKind.SESSION_LEADER_OUTSIDE_PID_NS),
                        List.of(new Fix(Fix.Kind.WRONG, SHELL_JOB, "does not help: the session leader must be inside the namespace", 0, false)),
                        List.of("start the namespace's init as a session leader (setsid)"), -1));
            } else {
                out.add(dumps("pidns-init", "namespaces", "init of its own pid namespace pid:[" + ns.pid() + "]", root, -1,
                        "CRIU dumps the pid namespace with its init", List.of()));
            }
        }
        for (int pid : in) {
            if (pid == root) continue;
            ProcessInfo p = g.process(pid);
            if (p == null) continue;
            Namespaces pn = p.namespaces();
            if (differs(pn.pid(), ns.pid())) {
                CriuError e = CriuError.of(CriuErrorKind.NESTED_PID_NAMESPACE, "Can't dump nested pid namespace for " + pid);
                out.add(new Found("pidns-child", "namespaces", "pid " + pid + " lives in a pid namespace below the root's", pid, -1,
                        o -> Prediction.fails(e, "CRIU cannot dump nested pid namespaces"), Set.of(CriuErrorKind.NESTED_PID_NAMESPACE),
                        List.of(new Fix(Fix.Kind.PULL_IN, "dump from the namespace's init instead", "only that namespace is dumped", 0, true)),
                        List.of(), -1));
            }
            if (differs(pn.net(), ns.net()))
                out.add(dumps("netns-child", "namespaces", "pid " + pid + " in another network namespace net:[" + pn.net() + "]", pid, -1,
                        "CRIU dumps the nested network namespace with it", List.of()));
            if (differs(pn.mnt(), ns.mnt()))
                out.add(dumps("mntns-child", "namespaces", "pid " + pid + " in another mount namespace mnt:[" + pn.mnt() + "]", pid, -1,
                        "files it holds on mounts of its own namespace are checked one by one", List.of()));
        }
    }

    private static void state(IpcGraph g, ProcessInfo p, Set<Integer> in, List<Found> out) {
        int pid = p.pid();
        if (p.tracerPid() > 0) {
            if (in.contains(p.tracerPid())) {
                CriuError e = CriuError.of(CriuErrorKind.UNSEIZABLE, "Unseizable non-zombie " + pid + " found, state "
                        + p.state() + ", err -1/0");
                out.add(new Found("traced-tracer-inside", "process", "pid " + pid + " traced by pid " + p.tracerPid() + " (inside the dump)",
                        pid, -1, o -> Prediction.fails(e, "CRIU cannot seize a process its tracer holds"),
                        Set.of(CriuErrorKind.UNSEIZABLE), List.of(), List.of("detach the tracer (debugger, strace) first"), -1));
            } else {
                CriuError e = CriuError.of(CriuErrorKind.PROCESS_GONE, "Unable to detach from " + pid + ": No such process");
                out.add(new Found("traced", "process", "pid " + pid + " traced by pid " + p.tracerPid() + " (outside the dump)", pid, -1,
                        o -> Prediction.fails(e, "another tracer holds it: CRIU cannot seize it"), Set.of(CriuErrorKind.PROCESS_GONE),
                        List.of(new Fix(Fix.Kind.WRONG, SHELL_JOB, "does not help: the tracer must detach", 0, false)),
                        List.of("detach the tracer (debugger, strace) first"), -1));
            }
        } else if (p.isStopped()) {
            out.add(dumps("stopped", "process", "pid " + pid + " is stopped", pid, -1, "CRIU dumps it stopped and restores it stopped", List.of()));
        }
        // /proc gives session 0 when the session's leader lives in an ancestor pid namespace (CRIU Atlas, and the
        // criu it runs, inside a container whose sessions began outside it): CRIU reads the same 0 and refuses the task.
        // A made-up graph leaves sid 0 for "not known": only a process whose pid namespace was read (a live scan) counts.
        if (p.sid() == 0 && p.pid() != 1 && p.namespaces().pid() != 0) {
            CriuError e = CriuError.of(CriuErrorKind.SESSION_LEADER_OUTSIDE_PID_NS,
                    "A session leader of " + pid + "(" + pid + ") is outside of its pid namespace");
            out.add(new Found("session-outside-pidns", "process", "pid " + pid + " belongs to a session whose leader is outside"
                    + " this pid namespace (session 0 in /proc)", pid, -1,
                    o -> Prediction.fails(e, "CRIU sees session 0 and cannot restore a session it cannot name"),
                    Set.of(CriuErrorKind.SESSION_LEADER_OUTSIDE_PID_NS),
                    List.of(new Fix(Fix.Kind.WRONG, SHELL_JOB, "does not help: the session's leader must be inside the pid namespace", 0, false)),
                    List.of("start the tree's root with setsid (its own session), e.g. setsid PROGRAM, or dump a process that leads its own session"), -1));
        }
        if (p.threads() > 1)
            out.add(dumps("threads", "process", "pid " + pid + " has " + p.threads() + " threads", pid, -1, "every thread is dumped", List.of()));
        if (p.seccomp() == SeccompMode.FILTER)
            out.add(dumps("seccomp", "process", "pid " + pid + " has a seccomp filter", pid, -1, "CRIU dumps the filter", List.of()));
    }

    private static void sysvShm(IpcGraph g, ProcessInfo rp, Set<Integer> in, Namespaces host, List<Found> out) {
        for (SysvSharedMemory s : g.sysvShm()) {
            int pid = 0;
            for (int a : s.attachedPids()) if (in.contains(a)) { pid = a; break; }
            if (pid == 0) continue;
            String what = "SysV shared memory id " + s.id() + " (" + s.size() + " bytes) of ipc:[" + s.ipcNs() + "]";
            if (differs(rp.namespaces().ipc(), host.ipc()) && s.ipcNs() == rp.namespaces().ipc()) {
                out.add(dumps("ipcns-sysv", "ipc", what, pid, -1, "dumped with the IPC namespace", List.of()));
            } else if (host.ipc() != 0 && s.ipcNs() == host.ipc()) {
                CriuError e = CriuError.of(CriuErrorKind.SYSV_SHM_OUTSIDE_IPC_NS, "Task " + pid + " with SysVIPC shmem map @<address> doesn't live in IPC ns");
                out.add(new Found("sysv-shm-host", "ipc", what, pid, -1,
                        o -> Prediction.fails(e, "CRIU dumps SysV IPC only with a private IPC namespace"),
                        Set.of(CriuErrorKind.SYSV_SHM_OUTSIDE_IPC_NS),
                        List.of(new Fix(Fix.Kind.WRONG, FILE_LOCKS, "does not help: no option dumps the host's SysV IPC", 0, false)),
                        List.of("run the program in its own IPC namespace (unshare -i) so the namespace is dumped with it"), -1));
            } else {
                int p = pid;
                out.add(new Found("sysv-shm-host", "ipc", what, pid, -1,
                        o -> Prediction.unknown("the IPC namespace of pid " + p + " or of CRIU is not known"), Set.of(), List.of(), List.of(), -1));
            }
        }
    }

    static Found dumps(String kind, String group, String what, int pid, int fd, String why, List<Fix> fixes, String... notes) {
        return new Found(kind, group, what, pid, fd, o -> Prediction.dumps(why), Set.of(), fixes, List.of(notes), -1);
    }
}
