package org.criuatlas.plan;

import org.criuatlas.bridge.criu.NetworkTools;
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

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.criuatlas.plan.ObjectDiscovery.Found;

import static org.criuatlas.plan.ObjectRules.EXT_UNIX_SK;
import static org.criuatlas.plan.ObjectRules.FILE_LOCKS;
import static org.criuatlas.plan.ObjectRules.GHOST_LIMIT;
import static org.criuatlas.plan.ObjectRules.LINK_REMAP;
import static org.criuatlas.plan.ObjectRules.SKIP_IN_FLIGHT;
import static org.criuatlas.plan.ObjectRules.TCP_CLOSE;
import static org.criuatlas.plan.ObjectRules.TCP_ESTABLISHED;
import static org.criuatlas.plan.ObjectDiscovery.differs;
import static org.criuatlas.plan.ObjectDiscovery.dumps;

/**
 * The per-fd part of {@link ObjectDiscovery}: the inet, packet and netlink sockets, anon inodes and
 * files the dumped processes hold, and the file locks they hold, each with its rule. Pure: no I/O.
 */
final class FdObjects {
    private FdObjects() {}

    /** "family/netns/port" of every TCP listener: an established socket on such a port is an accepted one. */
    static Set<String> listenerPorts(IpcGraph g) {
        Set<String> s = new HashSet<>();
        for (InetSocket x : g.inetSockets())
            if (x.protocol() == InetProtocol.TCP && x.state() == InetState.LISTEN) s.add(x.family() + "/" + x.netNs() + "/" + x.local().port());
        return s;
    }

    static void socket(IpcGraph g, ProcessInfo p, FdInfo f, Set<Integer> in, Set<String> listeners, CriuTarget t, List<Found> out) {
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
            // CRIU holds each connection still with an iptables rule while it dumps (ip6tables for IPv6)
            String lockTool = v6 ? NetworkTools.IP6TABLES : NetworkTools.IPTABLES;
            boolean canLock = !t.lacks(lockTool);
            if (!canLock) notes.add("--tcp-established needs " + lockTool + ", which CRIU does not find here: install the iptables package");
            List<Fix> fixes = new ArrayList<>();
            fixes.add(new Fix(Fix.Kind.OPTION, TCP_ESTABLISHED, canLock ? "dumps the connection with its sequence numbers and queued data;"
                    + " at restore (with --tcp-established too) the addresses " + s.local().display() + " and " + s.remote().display()
                    + " must be usable and the peer must not have given up or sent in between"
                    + (peerInside ? "" : "; CRIU locks the network during the dump, so the peer sees a pause")
                    : "does not work here: CRIU locks the connection with " + lockTool + ", which is not installed (apt-get install iptables)",
                    0, canLock));
            fixes.add(new Fix(Fix.Kind.OPTION, TCP_CLOSE, "dumps; the connection is closed at restore: the program sees it reset"
                    + " and must reconnect", 0, true));
            fixes.add(new Fix(Fix.Kind.WRONG, EXT_UNIX_SK, "does not help: it is about unix sockets", 0, false));
            CriuError lockFailed = CriuError.of(CriuErrorKind.TCP_LOCK_FAILED, "Iptables configuration failed");
            out.add(new Found(kind, "network", what + " (" + peerWho + ")", pid, fd,
                    o -> {
                        if (!o.contains(TCP_ESTABLISHED) && !o.contains(TCP_CLOSE))
                            return Prediction.fails(e, "a connected TCP socket needs --tcp-established or --tcp-close");
                        Prediction p = optionsReadable(t, "a TCP connection");
                        if (p.outcome().dumps() && o.contains(TCP_ESTABLISHED) && !canLock)
                            return Prediction.fails(lockFailed, "CRIU locks the connection with " + lockTool + ", which is not installed here");
                        return p;
                    },
                    Set.of(CriuErrorKind.TCP_CONNECTED, CriuErrorKind.SOCKET_OPT_UNSUPPORTED, CriuErrorKind.TCP_LOCK_FAILED), fixes, notes, -1));
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

    static void anon(ProcessInfo p, FdInfo f, Set<Integer> in, List<Found> out) {
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

    static void file(IpcGraph g, ProcessInfo p, FdInfo f, Namespaces rootNs, Namespaces host,
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
        ghost("file-deleted", "fd " + f.fd() + " " + path, pid, f.fd(), path, d.size(), List.of(), out);
    }

    /**
     * A deleted file of {@code size} bytes with no name left (an open one, or a mapping): CRIU carries
     * it in the images as a ghost file, up to the ghost limit ({@code kind}, or {@code kind-large} over it).
     */
    private static void ghost(String kind, String object, int pid, int fd, String path, long size, List<String> notes, List<Found> out) {
        CriuError e = CriuError.of(CriuErrorKind.GHOST_TOO_BIG, "Can't dump ghost file " + path + " of " + size + " size, increase limit");
        boolean large = size > Decisions.ObjectOptions.DEFAULT_GHOST_LIMIT;
        out.add(new Found(large ? kind + "-large" : kind, "files", object + " (deleted, " + size + " bytes)", pid, fd,
                o -> o.contains(GHOST_LIMIT) || !large ? Prediction.dumps("its contents go into the images as a ghost file")
                        : Prediction.fails(e, "larger than the ghost limit"),
                Set.of(CriuErrorKind.GHOST_TOO_BIG),
                large ? List.of(new Fix(Fix.Kind.OPTION, GHOST_LIMIT + " " + size, "dumps; the " + size
                                + " bytes go into the images and the file is recreated (deleted again) at restore", 0, true),
                        new Fix(Fix.Kind.WRONG, LINK_REMAP, "does not help: the file has no name left to link", 0, false)) : List.of(),
                notes, size));
    }

    /**
     * A file the process maps whose name is gone (a program or library replaced while it ran):
     * CRIU carries it as a ghost file when it collects the mappings, so over the ghost limit the dump
     * fails there (measured with 4.2.1: "Can't dump ghost file PATH of N size, increase limit",
     * files-reg.c:1031, then "Collect mappings (pid: N) failed"); with another name left it needs
     * --link-remap, as an open file does.
     */
    static void mapped(ProcessInfo p, org.criuatlas.model.DeletedMapping m, List<Found> out) {
        int pid = p.pid();
        String path = m.path();
        if (m.nlink() > 0) {
            CriuError e = CriuError.of(CriuErrorKind.LINK_REMAP_NEEDED, "Can't create link remap for " + path + ". Use link-remap option.");
            out.add(new Found("map-deleted-linked", "files", "mapping of " + path + " (the name is gone, the file has " + m.nlink()
                    + " other link" + (m.nlink() == 1 ? "" : "s") + ")", pid, -1,
                    o -> o.contains(LINK_REMAP) ? Prediction.dumps("--link-remap") : Prediction.fails(e, "CRIU needs a name to map it again by"),
                    Set.of(CriuErrorKind.LINK_REMAP_NEEDED),
                    List.of(new Fix(Fix.Kind.OPTION, LINK_REMAP, "dumps; CRIU links the file under a temporary name beside it", 0, true)),
                    List.of(), -1));
            return;
        }
        if (m.size() < 0) {
            out.add(new Found("map-deleted", "files", "mapping of " + path + " (deleted)", pid, -1,
                    o -> Prediction.unknown("the scan could not read the size of the deleted file " + path + " it maps (that needs root)"),
                    Set.of(), List.of(), List.of(), -1));
            return;
        }
        ghost("map-deleted", "mapping of " + path, pid, -1, path, m.size(), List.of("a program or library replaced while the process"
                + " ran (a package upgrade) looks like this; restarting the process makes it map the new file"), out);
    }

    static void locks(IpcGraph g, Set<Integer> in, List<Found> out) {
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
}
