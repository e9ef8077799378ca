package org.criuatlas.ui.graph;

import org.criuatlas.model.FileLock;
import org.criuatlas.model.Holder;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The badges of process nodes, from one pass over the snapshot's objects: file locks held, SysV
 * IPC (shared memory attached, message queues it last used, semaphore sets of an IPC namespace of
 * its own), namespaces apart from those of the process that scanned (the one that runs CRIU), and
 * TCP listeners / bound UDP sockets. Each with plain words for the hover card. Pure.
 */
public final class ObjectMarks {
    /** Badge bits of {@link RenderGraph#marks}. */
    public static final byte LOCK = 1, IPC = 2, NAMESPACE = 4, LISTEN = 8;
    /** Namespace kinds a badge names ({@code *_for_children} follow their own kind). */
    static final Set<NamespaceKind> SHOWN_NS = EnumSet.of(NamespaceKind.NET, NamespaceKind.MNT, NamespaceKind.PID,
            NamespaceKind.IPC, NamespaceKind.UTS, NamespaceKind.USER, NamespaceKind.CGROUP, NamespaceKind.TIME);

    /** One process's badges and what they mean. */
    public record Mark(byte flags, String text) {}

    private ObjectMarks() {}

    /** The marks of every process that has one, by pid. */
    public static Map<Integer, Mark> of(IpcGraph g) {
        Map<Integer, Map<Byte, List<String>>> lines = new HashMap<>();
        for (FileLock l : g.fileLocks()) {
            if (l.waiting()) continue;
            java.util.Set<Integer> pids = new java.util.TreeSet<>();
            if (l.pid() > 0) pids.add(l.pid());
            for (Holder h : l.holders()) pids.add(h.pid());
            String what = l.kind().label() + " " + l.access().label() + " lock on " + (l.path() != null ? l.path() : l.deviceHex() + ":" + l.ino());
            for (int pid : pids) add(lines, pid, LOCK, what);
        }
        for (SysvSharedMemory m : g.sysvShm()) {
            for (int pid : m.attachedPids()) add(lines, pid, IPC, "SysV shared memory id " + m.id() + " attached (" + m.size() + " bytes)");
        }
        for (SysvMessageQueue q : g.sysvMessageQueues()) {
            String what = "SysV message queue id " + q.id() + " (" + q.messages() + " messages)";
            if (q.lastSendPid() > 0) add(lines, q.lastSendPid(), IPC, what + ", last sent to by it");
            if (q.lastRecvPid() > 0 && q.lastRecvPid() != q.lastSendPid()) add(lines, q.lastRecvPid(), IPC, what + ", last read by it");
        }
        Namespaces scanner = g.meta().scanner();
        Map<Long, Integer> semsByNs = new HashMap<>();
        for (SysvSemaphoreSet s : g.sysvSemaphores()) semsByNs.merge(s.ipcNs(), 1, Integer::sum);
        for (ProcessInfo p : g.processes().values()) {
            Namespaces ns = p.namespaces();
            List<String> apart = new ArrayList<>();
            for (NamespaceKind k : ns.differentFrom(scanner)) if (SHOWN_NS.contains(k)) apart.add(k.linkName);
            if (!apart.isEmpty()) add(lines, p.pid(), NAMESPACE, "namespaces apart from CRIU's: " + String.join(", ", apart));
            // semaphores name no process: one of them is badged only when its IPC namespace is its own
            Integer sems = ns.ipc() != 0 && scanner.ipc() != 0 && ns.ipc() != scanner.ipc() ? semsByNs.get(ns.ipc()) : null;
            if (sems != null) add(lines, p.pid(), IPC, "its IPC namespace holds " + sems + " SysV semaphore set" + (sems == 1 ? "" : "s"));
        }
        for (InetSocket s : g.inetSockets()) {
            boolean listens = s.protocol() == InetProtocol.TCP && s.state() == InetState.LISTEN;
            boolean bound = (s.protocol() == InetProtocol.UDP || s.protocol() == InetProtocol.UDPLITE) && !s.hasRemote() && s.local().port() != 0;
            if (!listens && !bound) continue;
            java.util.Set<Integer> pids = new java.util.TreeSet<>();
            for (Holder h : s.holders()) pids.add(h.pid());
            for (int pid : pids) add(lines, pid, LISTEN, (listens ? "listens on " : "bound to ") + s.protocol().label()
                    + (s.family() == org.criuatlas.model.InetFamily.IPV6 ? "6 " : " ") + s.local().display());
        }
        Map<Integer, Mark> out = new HashMap<>(lines.size() * 2);
        lines.forEach((pid, byBadge) -> {
            byte f = 0;
            StringBuilder b = new StringBuilder();
            for (Map.Entry<Byte, List<String>> e : byBadge.entrySet()) {
                f |= e.getKey();
                List<String> l = e.getValue();
                b.append(b.length() == 0 ? "" : "\n").append(badgeName(e.getKey())).append(": ");
                b.append(String.join("; ", l.subList(0, Math.min(3, l.size()))));
                if (l.size() > 3) b.append("; +").append(l.size() - 3).append(" more");
            }
            out.put(pid, new Mark(f, b.toString()));
        });
        return out;
    }

    private static void add(Map<Integer, Map<Byte, List<String>>> lines, int pid, byte badge, String what) {
        // badges in one order on every card: lock, IPC, namespaces, listening
        lines.computeIfAbsent(pid, k -> new java.util.TreeMap<>()).computeIfAbsent(badge, k -> new ArrayList<>()).add(what);
    }

    /** The badge's name on the hover card and in the legend. */
    public static String badgeName(byte badge) {
        return switch (badge) {
            case LOCK -> "file lock";
            case IPC -> "SysV IPC";
            case NAMESPACE -> "namespaces";
            case LISTEN -> "listening";
            default -> "badge";
        };
    }

    /** "netns/port" of every TCP listener: a connected socket on such a port is the server's end. */
    static Set<String> listening(IpcGraph g) {
        Set<String> out = new java.util.HashSet<>();
        for (InetSocket s : g.inetSockets()) {
            if (s.protocol() == InetProtocol.TCP && s.state() == InetState.LISTEN) out.add(s.netNs() + "/" + s.local().port());
        }
        return out;
    }

    /**
     * The edge label of a TCP/UDP connection between two local processes: the protocol and the
     * server's port (TCP: the end on a listener's port; UDP: the end bound and not connected).
     */
    static String inetName(InetSocket s, InetSocket peer, Set<String> listening) {
        int port;
        if (peer == null) {
            port = s.remote().port();
        } else if (s.protocol() == InetProtocol.TCP) {
            port = listening.contains(s.netNs() + "/" + s.local().port()) ? s.local().port()
                    : listening.contains(peer.netNs() + "/" + peer.local().port()) ? peer.local().port() : s.remote().port();
        } else {
            port = !peer.hasRemote() ? peer.local().port() : !s.hasRemote() ? s.local().port() : s.remote().port();
        }
        return s.protocol().label() + " :" + port;
    }

    /** Both ends of a TCP/UDP connection as {@code ss} prints them, for the hover card. */
    static String inetInfo(InetSocket s, InetSocket peer) {
        return s.describe() + (peer == null ? "" : "\n" + peer.describe());
    }
}
