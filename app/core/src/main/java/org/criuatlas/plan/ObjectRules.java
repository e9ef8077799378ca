package org.criuatlas.plan;

import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.Outcome;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.AnonInodeKind;
import org.criuatlas.model.FdDetail;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.Holder;
import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Mount;
import org.criuatlas.model.MountTable;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.PacketSocket;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SeccompMode;
import org.criuatlas.model.SysvSharedMemory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The planner's judgement of the objects CRIU checks one by one (inet, packet and netlink sockets,
 * files, locks, SysV IPC, anon inodes, namespaces, process states): finds them in the dumped tree,
 * applies the rule of docs/dump-rules.md to each, and lets the measured facts of the
 * {@link CriuTarget} overrule the rule where they say something else. Pure: no I/O.
 */
final class ObjectRules {
    private ObjectRules() {}

    // option names as the calibration's cells spell them (their values left out)
    static final String TCP_ESTABLISHED = "--tcp-established", TCP_CLOSE = "--tcp-close", SKIP_IN_FLIGHT = "--skip-in-flight",
            FILE_LOCKS = "--file-locks", LINK_REMAP = "--link-remap", GHOST_LIMIT = "--ghost-limit", SHELL_JOB = "--shell-job",
            EXT_UNIX_SK = "--ext-unix-sk";

    /** An object found in the tree, before it is judged: its rule maps the options that matter to a prediction. */
    private record Found(String kind, String group, String object, int pid, int fd, Function<Set<String>, Prediction> rule,
                         Set<CriuErrorKind> own, List<Fix> fixes, List<String> notes, long size) {}

    /** Every object of the tree with its verdict, in the order CRIU meets them (processes breadth first, fds ascending). */
    static List<ObjectVerdict> judge(IpcGraph g, int root, Collection<Integer> inside, Decisions d, CriuTarget target) {
        List<Found> found = discover(g, root, inside, target);
        List<ObjectVerdict> out = new ArrayList<>(found.size());
        for (Found f : found) out.add(verdict(f, d, target));
        return out;
    }

    // ------------------------------------------------------------------------------- discovery

    private static List<Found> discover(IpcGraph g, int root, Collection<Integer> inside, CriuTarget t) {
        List<Found> out = new ArrayList<>();
        Set<Integer> in = inside instanceof Set<Integer> s ? s : new HashSet<>(inside);
        ProcessInfo rp = g.process(root);
        if (rp == null) return out;
        Namespaces host = host(g, rp, t);
        Namespaces rootNs = rp.namespaces();
        namespaces(g, rp, in, host, out);
        Map<Long, Set<Integer>> mountIds = new HashMap<>();
        Set<String> listeners = listenerPorts(g);
        for (int pid : inside) {
            ProcessInfo p = g.process(pid);
            if (p == null) continue;
            state(g, p, in, out);
            for (FdInfo f : p.fds()) {
                if (f.kind() == FdKind.SOCKET && f.inode() != 0) socket(g, p, f, in, listeners, t, out);
                else if (f.anonInode() != null) anon(p, f, in, out);
                if (f.file() != null) file(g, p, f, rootNs, host, mountIds, out);
            }
        }
        locks(g, in, out);
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

    private static boolean differs(long a, long b) {
        return a != 0 && b != 0 && a != b;
    }

    private static void namespaces(IpcGraph g, ProcessInfo rp, Set<Integer> in, Namespaces host, List<Found> out) {
        Namespaces ns = rp.namespaces();
        int root = rp.pid();
        if (differs(ns.net(), host.net()))
            out.add(dumps("netns-root", "namespaces", "its own network namespace net:[" + ns.net() + "]", root, -1,
                    "CRIU dumps the whole namespace (interfaces, routes, sockets) and locks its network while dumping",
                    List.of(new Fix(Fix.Kind.OPTION, "--external net[" + ns.net() + "]:NAME",
                            "dumps the namespace as external: at restore it must be handed in (--join-ns or --inherit-fd)", 0, true)),
                    "restore recreates the namespace; to restore into an existing one, mark it external"));
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

    /** "family/netns/port" of every TCP listener: an established socket on such a port is an accepted one. */
    private static Set<String> listenerPorts(IpcGraph g) {
        Set<String> s = new HashSet<>();
        for (InetSocket x : g.inetSockets())
            if (x.protocol() == InetProtocol.TCP && x.state() == InetState.LISTEN) s.add(x.family() + "/" + x.netNs() + "/" + x.local().port());
        return s;
    }

    private static void socket(IpcGraph g, ProcessInfo p, FdInfo f, Set<Integer> in, Set<String> listeners, CriuTarget t, List<Found> out) {
        int pid = p.pid();
        InetSocket s = g.inetSocket(f.inode());
        if (s != null) {
            if (!firstHolder(s.holders(), pid, f.fd(), in)) return;
            inet(g, s, pid, f.fd(), in, listeners, t, out);
            return;
        }
        PacketSocket ps = g.packetSockets().get(f.inode());
        if (ps != null) {
            if (!firstHolder(ps.holders(), pid, f.fd(), in)) return;
            out.add(new Found("packet", "network", "packet socket " + ps.key() + " (" + ps.typeLabel() + ")", pid, f.fd(),
                    o -> optionsReadable(t, "a packet socket"), Set.of(CriuErrorKind.SOCKET_OPT_UNSUPPORTED), List.of(), List.of(), -1));
            return;
        }
        NetlinkSocket ns = g.netlinkSockets().get(f.inode());
        if (ns != null) {
            if (!firstHolder(ns.holders(), pid, f.fd(), in)) return;
            String kind = ns.protocol() == 0 ? "netlink-route" : "netlink-" + ns.protocolName();
            out.add(dumps(kind, "network", "netlink socket " + ns.key() + " (" + ns.protocolName() + ")", pid, f.fd(),
                    "CRIU dumps netlink sockets (messages queued in them are lost)", List.of()));
        }
    }

    /** Judge a shared object once, at its first holder inside the dump. */
    private static boolean firstHolder(List<Holder> hs, int pid, int fd, Set<Integer> in) {
        for (Holder h : hs) if (in.contains(h.pid())) return h.pid() == pid && h.fd() == fd;
        return true;
    }

    /** What CRIU does once its own checks of an inet or packet socket pass: it reads the socket's options. */
    private static Prediction optionsReadable(CriuTarget t, String what) {
        if (t.socketOptionsRefused())
            return Prediction.fails(CriuError.of(CriuErrorKind.SOCKET_OPT_UNSUPPORTED, "sockets: Can't get 1:16 opt: Operation not supported"),
                    "CRIU " + t.criuVersion() + " reads SO_PASSCRED of " + what + ", which Linux " + t.kernel() + " refuses (fixed in CRIU 4.2)");
        return Prediction.dumps("");
    }

    private static void inet(IpcGraph g, InetSocket s, int pid, int fd, Set<Integer> in, Set<String> listeners, CriuTarget t,
                             List<Found> out) {
        boolean v6 = s.family() == InetFamily.IPV6;
        String what = s.describe();
        Set<CriuErrorKind> optOnly = Set.of(CriuErrorKind.SOCKET_OPT_UNSUPPORTED);
        List<String> notes = new ArrayList<>();
        if (s.protocol() == InetProtocol.TCP && s.state() == InetState.LISTEN) {
            if (s.recvQueue() > 0) {
                CriuError e = CriuError.of(CriuErrorKind.TCP_IN_FLIGHT, "inet: In-flight connection (l) for " + Long.toHexString(s.ino()));
                out.add(new Found("tcp-listen-pending", "network", what + " with " + s.recvQueue() + " connection"
                        + (s.recvQueue() == 1 ? "" : "s") + " not accepted yet", pid, fd,
                        o -> o.contains(SKIP_IN_FLIGHT) ? optionsReadable(t, "a TCP listener")
                                : Prediction.fails(e, "connections wait in its accept queue"),
                        Set.of(CriuErrorKind.TCP_IN_FLIGHT, CriuErrorKind.SOCKET_OPT_UNSUPPORTED),
                        List.of(new Fix(Fix.Kind.OPTION, SKIP_IN_FLIGHT, "dumps; the waiting connections are dropped: those clients"
                                        + " see a reset and must connect again", 0, true),
                                new Fix(Fix.Kind.WRONG, TCP_ESTABLISHED, "does not help: it covers accepted connections, not waiting ones", 0, false)),
                        notes, -1));
            } else {
                out.add(new Found(v6 ? "tcp6-listen" : "tcp-listen", "network", what, pid, fd, o -> optionsReadable(t, "a TCP listener"),
                        optOnly, List.of(), List.of("at restore the address " + s.local().display() + " must be free to bind again"), -1));
            }
            return;
        }
        if (s.protocol() == InetProtocol.TCP && s.state().isConnected()) {
            InetSocket peer = g.peerOf(s);
            boolean peerInside = peer != null && !peer.holders().isEmpty() && peer.holders().stream().allMatch(h -> in.contains(h.pid()));
            String kind;
            if (s.state() == InetState.FIN_WAIT2) kind = "tcp-fin-wait2";
            else if (s.state() == InetState.CLOSE_WAIT) kind = "tcp-close-wait";
            else if (peerInside) kind = "tcp-established-inside";
            else if (v6) kind = "tcp6-established-peer-outside";
            else if (listeners.contains(s.family() + "/" + s.netNs() + "/" + s.local().port())) kind = "tcp-established-peer-outside";
            else kind = "tcp-client-listener-outside";
            CriuError e = CriuError.of(CriuErrorKind.TCP_CONNECTED, "inet: Connected TCP socket, consider using --tcp-established option.");
            String peerWho = peerInside ? "the peer is inside the dump" : peer != null && !peer.holders().isEmpty()
                    ? "the peer is pid " + peer.holders().get(0).pid() + ", outside the dump" : "the peer is " + s.remote().display();
            List<Fix> fixes = new ArrayList<>();
            fixes.add(new Fix(Fix.Kind.OPTION, TCP_ESTABLISHED, "dumps the connection with its sequence numbers and queued data;"
                    + " at restore (with --tcp-established too) the addresses " + s.local().display() + " and " + s.remote().display()
                    + " must be usable and the peer must not have given up or sent in between"
                    + (peerInside ? "" : "; CRIU locks the network during the dump, so the peer sees a pause"), 0, true));
            fixes.add(new Fix(Fix.Kind.OPTION, TCP_CLOSE, "dumps; the connection is closed at restore: the program sees it reset"
                    + " and must reconnect", 0, true));
            fixes.add(new Fix(Fix.Kind.WRONG, EXT_UNIX_SK, "does not help: it is about unix sockets", 0, false));
            out.add(new Found(kind, "network", what + " (" + peerWho + ")", pid, fd,
                    o -> o.contains(TCP_ESTABLISHED) || o.contains(TCP_CLOSE) ? optionsReadable(t, "a TCP connection")
                            : Prediction.fails(e, "a connected TCP socket needs --tcp-established or --tcp-close"),
                    Set.of(CriuErrorKind.TCP_CONNECTED, CriuErrorKind.SOCKET_OPT_UNSUPPORTED), fixes, notes, -1));
            return;
        }
        String kind = switch (s.protocol()) {
            case UDP, UDPLITE -> (v6 ? "udp6" : "udp") + (s.hasRemote() ? "-connected" : "-bound");
            case RAW -> v6 ? "raw-inet6" : "raw-inet";
            case PING -> v6 ? "ping6" : "ping";
            case TCP -> v6 ? "tcp6-unconnected" : "tcp-unconnected";
        };
        if (s.protocol() == InetProtocol.UDP || s.protocol() == InetProtocol.UDPLITE)
            notes.add("datagrams queued in it are not in the dump");
        out.add(new Found(kind, "network", what, pid, fd, o -> optionsReadable(t, "an inet socket"), optOnly, List.of(), notes, -1));
    }

    private static void anon(ProcessInfo p, FdInfo f, Set<Integer> in, List<Found> out) {
        FdDetail.AnonInode a = f.anonInode();
        int pid = p.pid();
        String what = "fd " + f.fd() + " " + f.target();
        switch (a.kind()) {
            case IO_URING -> {
                CriuError e = CriuError.of(CriuErrorKind.IO_URING, "send_fds failed (-22)");
                out.add(new Found("io_uring", "anon", what, pid, f.fd(), o -> Prediction.fails(e, "CRIU cannot dump io_uring instances"),
                        Set.of(CriuErrorKind.IO_URING), List.of(new Fix(Fix.Kind.WRONG, FILE_LOCKS, "does not help: no option dumps io_uring", 0, false)),
                        List.of(), -1));
            }
            case USERFAULTFD, BPF_MAP, BPF_PROG, BPF_LINK, PERF_EVENT -> {
                String kind = switch (a.kind()) {
                    case USERFAULTFD -> "userfaultfd";
                    case PERF_EVENT -> "perf-event";
                    case BPF_MAP -> "bpf-map";
                    default -> "bpf-" + a.kind().label().substring(4);
                };
                CriuError e = CriuError.of(CriuErrorKind.UNSUPPORTED_FILE, "Can't dump file " + f.fd() + " of that type [0] (anon "
                        + f.target() + ")");
                out.add(new Found(kind, "anon", what, pid, f.fd(), o -> Prediction.fails(e, "CRIU cannot dump " + f.target()),
                        Set.of(CriuErrorKind.UNSUPPORTED_FILE), List.of(), List.of(), -1));
            }
            case PIDFD -> {
                int target = a.pidfdTarget();
                if (target > 0 && !in.contains(target)) {
                    CriuError e = CriuError.of(CriuErrorKind.PIDFD_OUTSIDE, "pidfd: pidfd pid " + target + " is not a part of process tree..");
                    out.add(new Found("pidfd-outside", "anon", what + " of pid " + target + " (outside the dump)", pid, f.fd(),
                            o -> Prediction.fails(e, "its process is not dumped"), Set.of(CriuErrorKind.PIDFD_OUTSIDE),
                            List.of(new Fix(Fix.Kind.PULL_IN, "pull pid " + target + " into the dump",
                                    "dump from a common ancestor of both", 0, true)), List.of(), -1));
                } else if (target > 0) {
                    out.add(dumps("pidfd-inside", "anon", what + " of pid " + target + " (inside the dump)", pid, f.fd(),
                            "its process is dumped too", List.of()));
                } else {
                    out.add(new Found("pidfd", "anon", what + " (its process is not known)", pid, f.fd(),
                            o -> Prediction.unknown("the scan did not read which process pidfd " + f.fd() + " refers to"), Set.of(),
                            List.of(), List.of(), -1));
                }
            }
            case OTHER -> out.add(new Found("anon-other", "anon", what, pid, f.fd(),
                    o -> Prediction.unknown("CRIU Atlas does not know whether CRIU can dump " + f.target()), Set.of(), List.of(), List.of(), -1));
            default -> out.add(dumps(a.kind() == AnonInodeKind.EPOLL ? "epoll" : a.kind().label(), "anon", what, pid, f.fd(),
                    "CRIU dumps " + a.kind().label(), List.of()));
        }
    }

    private static void file(IpcGraph g, ProcessInfo p, FdInfo f, Namespaces rootNs, Namespaces host,
                             Map<Long, Set<Integer>> mountIds, List<Found> out) {
        FdDetail.File d = f.file();
        int pid = p.pid();
        String path = f.target();
        long pmnt = p.namespaces().mnt();
        // CRIU dumps the root's mount namespace when it is not its own: every file must be on one of its mounts
        if (d.mntId() >= 0 && rootNs.mnt() != 0) {
            Set<Integer> ids = mountIds.computeIfAbsent(rootNs.mnt(), k -> {
                MountTable mt = g.mountTables().get(k);
                if (mt == null) return null;
                Set<Integer> s = new HashSet<>();
                for (Mount m : mt.mounts()) s.add(m.id());
                return s;
            });
            if (ids != null && !ids.contains(d.mntId())) {
                if (differs(rootNs.mnt(), host.mnt()) && pmnt == rootNs.mnt()) {
                    CriuError e = CriuError.of(CriuErrorKind.MOUNT_NOT_FOUND, "Can't lookup mount=" + d.mntId() + " for fd=" + f.fd()
                            + " path=" + path);
                    out.add(new Found("mntns-root", "namespaces", "fd " + f.fd() + " " + path + " on mount " + d.mntId()
                            + ", which is not in its mount namespace", pid, f.fd(),
                            o -> Prediction.fails(e, "the file was opened before the process entered its mount namespace"),
                            Set.of(CriuErrorKind.MOUNT_NOT_FOUND),
                            List.of(new Fix(Fix.Kind.WRONG, LINK_REMAP, "does not help: the mount is missing, not the name", 0, false)),
                            List.of(), -1));
                    return;
                }
                if (differs(pmnt, rootNs.mnt())) {
                    CriuError need = CriuError.of(CriuErrorKind.LINK_REMAP_NEEDED, "Can't create link remap for " + path + ". Use link-remap option.");
                    CriuError xdev = CriuError.of(CriuErrorKind.LINK_REMAP_CROSS_DEVICE, "Can't link remap to " + path + ": Invalid cross-device link");
                    out.add(new Found("mntns-child", "namespaces", "fd " + f.fd() + " " + path + " on a mount of its own mount namespace",
                            pid, f.fd(), o -> o.contains(LINK_REMAP) ? Prediction.fails(xdev, "the file is on a mount CRIU cannot link into")
                            : Prediction.fails(need, "the root's mount namespace does not have the file's mount"),
                            Set.of(CriuErrorKind.LINK_REMAP_NEEDED, CriuErrorKind.LINK_REMAP_CROSS_DEVICE),
                            List.of(new Fix(Fix.Kind.WRONG, LINK_REMAP, "does not help: the link would cross mounts", 0, false),
                                    new Fix(Fix.Kind.PULL_IN, "dump from pid " + pid + " (the mount namespace's first process)",
                                            "its mount namespace is then dumped with it", pid, true)), List.of(), -1));
                    return;
                }
            }
        }
        if (!d.deleted() || f.kind() == FdKind.DIRECTORY) return;
        if (d.nlink() > 0) {
            CriuError e = CriuError.of(CriuErrorKind.LINK_REMAP_NEEDED, "Can't create link remap for " + path + ". Use link-remap option.");
            out.add(new Found("file-deleted-linked", "files", "fd " + f.fd() + " " + path + " (the name is gone, the file has "
                    + d.nlink() + " other link" + (d.nlink() == 1 ? "" : "s") + ")", pid, f.fd(),
                    o -> o.contains(LINK_REMAP) ? Prediction.dumps("--link-remap") : Prediction.fails(e, "CRIU needs a name to reopen it by"),
                    Set.of(CriuErrorKind.LINK_REMAP_NEEDED),
                    List.of(new Fix(Fix.Kind.OPTION, LINK_REMAP, "dumps; CRIU links the file under a temporary name"
                                    + " (link_remap.N) beside it and removes that name after restore", 0, true),
                            new Fix(Fix.Kind.WRONG, GHOST_LIMIT, "does not help: the file is not a ghost, it still has a name", 0, false)),
                    List.of(), -1));
            return;
        }
        if (d.nlink() < 0 || d.size() < 0) {
            out.add(new Found("file-deleted", "files", "fd " + f.fd() + " " + path, pid, f.fd(),
                    o -> Prediction.unknown("the scan could not read the size of deleted file " + path), Set.of(), List.of(), List.of(), -1));
            return;
        }
        CriuError e = CriuError.of(CriuErrorKind.GHOST_TOO_BIG, "Can't dump ghost file " + path + " of " + d.size() + " size, increase limit");
        boolean large = d.size() > Decisions.ObjectOptions.DEFAULT_GHOST_LIMIT;
        out.add(new Found(large ? "file-deleted-large" : "file-deleted", "files", "fd " + f.fd() + " " + path + " (deleted, "
                + d.size() + " bytes)", pid, f.fd(),
                o -> o.contains(GHOST_LIMIT) || !large ? Prediction.dumps("its contents go into the images as a ghost file")
                        : Prediction.fails(e, "larger than the ghost limit"),
                Set.of(CriuErrorKind.GHOST_TOO_BIG),
                large ? List.of(new Fix(Fix.Kind.OPTION, GHOST_LIMIT + " " + d.size(), "dumps; the " + d.size()
                                + " bytes go into the images and the file is recreated (deleted again) at restore", 0, true),
                        new Fix(Fix.Kind.WRONG, LINK_REMAP, "does not help: the file has no name left to link", 0, false)) : List.of(),
                List.of(), d.size()));
    }

    private static void locks(IpcGraph g, Set<Integer> in, List<Found> out) {
        for (FileLock l : g.fileLocks()) {
            if (l.waiting()) continue;
            int holder = 0, fd = -1;
            if (l.pid() > 0 && in.contains(l.pid())) holder = l.pid();
            for (Holder h : l.holders()) {
                if (in.contains(h.pid())) {
                    if (holder == 0 || holder == h.pid()) { holder = h.pid(); fd = h.fd(); }
                    break;
                }
            }
            if (holder == 0) continue;
            String kind = switch (l.kind()) {
                case FLOCK -> "file-lock-flock";
                case OFD -> "file-lock-ofd";
                case POSIX -> l.access() == FileLock.LockAccess.READ ? "file-lock-posix-read" : "file-lock-posix";
                default -> "file-lock-" + l.kind().label();
            };
            CriuError e = CriuError.of(CriuErrorKind.FILE_LOCKS_HELD, "Some file locks are hold by dumping tasks! You can try --file-locks to dump them.");
            out.add(new Found(kind, "files", l.kind().label() + " " + l.access().label() + " lock on "
                    + (l.path() != null ? l.path() : l.deviceHex() + ":" + l.ino()), holder, fd,
                    o -> o.contains(FILE_LOCKS) ? Prediction.dumps("--file-locks") : Prediction.fails(e, "a lock is held"),
                    Set.of(CriuErrorKind.FILE_LOCKS_HELD),
                    List.of(new Fix(Fix.Kind.OPTION, FILE_LOCKS, "dumps the lock; restore with --file-locks too: it is taken again"
                                    + " at restore, so nobody else may hold it then", 0, true),
                            new Fix(Fix.Kind.WRONG, LINK_REMAP, "does not help: it is about deleted files", 0, false)),
                    List.of(), -1));
        }
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

    private static Found dumps(String kind, String group, String what, int pid, int fd, String why, List<Fix> fixes, String... notes) {
        return new Found(kind, group, what, pid, fd, o -> Prediction.dumps(why), Set.of(), fixes, List.of(notes), -1);
    }

    // ------------------------------------------------------------------------------- verdicts

    /** The option names the decisions amount to for one object (the ghost limit only where it is large enough). */
    private static Set<String> flags(Decisions d, Found f) {
        Set<String> s = new TreeSet<>();
        Decisions.ObjectOptions o = d.objects();
        if (o.tcpEstablished()) s.add(TCP_ESTABLISHED);
        if (o.tcpClose()) s.add(TCP_CLOSE);
        if (o.skipInFlight()) s.add(SKIP_IN_FLIGHT);
        if (o.fileLocks()) s.add(FILE_LOCKS);
        if (o.linkRemap()) s.add(LINK_REMAP);
        if (o.ghostLimit() > 0 && (f.size() < 0 || o.ghostLimit() >= f.size())) s.add(GHOST_LIMIT);
        if (d.shellJob()) s.add(SHELL_JOB);
        if (d.extUnixSk()) s.add(EXT_UNIX_SK);
        for (String e : o.external()) s.add("--external " + e.substring(0, 3));
        return s;
    }

    /** An option as a cell spells it, without its value ({@code --ghost-limit 3145728} → {@code --ghost-limit}). */
    static String optionName(String flag) {
        if (flag.startsWith("--external ")) return "--external " + flag.substring(11, Math.min(flag.length(), 14));
        int sp = flag.indexOf(' ');
        return sp < 0 ? flag : flag.substring(0, sp);
    }

    private static ObjectVerdict verdict(Found f, Decisions d, CriuTarget t) {
        Set<String> chosen = flags(d, f);
        Prediction ruleWithout = f.rule().apply(Set.of());
        Prediction ruleWith = f.rule().apply(chosen);
        Optional<Prediction> mWithout = measured(f, Set.of(), ruleWithout, t);
        Optional<Prediction> mWith = measured(f, chosen, ruleWith, t);
        boolean overruled = mWithout.map(m -> !same(m, ruleWithout)).orElse(false) || mWith.map(m -> !same(m, ruleWith)).orElse(false);
        Prediction without = mWithout.orElse(ruleWithout), with = mWith.orElse(ruleWith);
        ObjectVerdict.Basis basis;
        String basisText;
        if (with.outcome() == org.criuatlas.plan.Outcome.UNKNOWN) {
            basis = ObjectVerdict.Basis.CANNOT_TELL;
            basisText = "cannot tell: " + with.why();
        } else if (mWith.isPresent()) {
            basis = ObjectVerdict.Basis.CALIBRATED;
            basisText = t.describe() + (overruled ? "; the built-in rule said otherwise and is overruled" : "");
        } else {
            basis = ObjectVerdict.Basis.RULE;
            basisText = "rule" + (t.criuVersion() == null ? " (CRIU version not known; written for CRIU 4.2 and later)"
                    : " for CRIU " + t.criuVersion() + (t.facts() == null ? " (no calibration for this CRIU and kernel)"
                    : " (this option combination was not measured)"));
        }
        List<String> notes = new ArrayList<>(f.notes());
        if (overruled)
            notes.add("measured: " + t.describe() + " — the rule said \"" + ruleWith.outcome().label + "\", CRIU did \"" + with.outcome().label + "\"");
        return new ObjectVerdict(f.kind(), f.group(), f.object(), f.pid(), f.fd(), without, f.fixes(), with, basis, basisText, overruled, notes);
    }

    private static boolean same(Prediction a, Prediction b) {
        if (a.outcome().dumps() != b.outcome().dumps()) return false;
        if (a.error() == null || b.error() == null) return a.error() == b.error();
        return a.error().kind() == b.error().kind();
    }

    /**
     * The measured outcome for this object's kind under the given options, when the target has a cell
     * for exactly those options (those that matter to the kind). A failure whose error this object
     * cannot cause came from another object of the probe and says nothing about this one.
     */
    private static Optional<Prediction> measured(Found f, Set<String> chosen, Prediction rule, CriuTarget t) {
        if (t.facts() == null || rule.outcome() == org.criuatlas.plan.Outcome.UNKNOWN) return Optional.empty();
        List<CalibrationEntry> cells = t.facts().report().entries().stream().filter(e -> e.kind().equals(f.kind())).toList();
        if (cells.isEmpty()) return Optional.empty();
        Set<String> known = new HashSet<>();
        for (CalibrationEntry e : cells) for (String fl : e.flags()) known.add(optionName(fl));
        Set<String> relevant = new TreeSet<>(chosen);
        relevant.retainAll(known);
        for (CalibrationEntry e : cells) {
            Set<String> names = new TreeSet<>();
            for (String fl : e.flags()) names.add(optionName(fl));
            if (!names.equals(relevant)) continue;
            if (e.outcome() == Outcome.dumped) return Optional.of(Prediction.dumps(
                    "measured with CRIU " + t.facts().report().criuVersion() + (names.isEmpty() ? "" : " and " + String.join(" ", names))));
            if (e.outcome() != Outcome.failed || e.error() == null) continue;
            CriuErrorKind k = CriuErrorKind.firstIn(List.of(e.error().raw()));
            if (k == null || !f.own().contains(k)) return Optional.empty();
            String text = rule.error() != null && rule.error().kind() == k ? rule.error().text() : messageOf(e.error().raw());
            return Optional.of(Prediction.fails(new CriuError(k, e.error().where(), text),
                    "measured with CRIU " + t.facts().report().criuVersion() + (names.isEmpty() ? "" : " and " + String.join(" ", names))));
        }
        return Optional.empty();
    }

    /** The message of a raw error line ({@code Error (file:N): message}). */
    private static String messageOf(String raw) {
        int i = raw.indexOf("): ");
        return i < 0 ? raw : raw.substring(i + 3);
    }

    /** The kinds found, for tests and the matrix: distinct, in order. */
    static Set<String> kinds(List<ObjectVerdict> vs) {
        Set<String> s = new LinkedHashSet<>();
        for (ObjectVerdict v : vs) s.add(v.kind());
        return s;
    }
}
