package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.Topology.End;
import org.criuatlas.bridge.topo.Topology.ObjectInfo;
import org.criuatlas.bridge.topo.Topology.Proc;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scan must contain for a running {@link Topology}, derived only from the builder's
 * manifest (pids, fds, inodes, names) and the rules atlas-topo follows: fds 0-2 on /dev/null, no
 * other fd, no traffic unless asked, listeners with backlog SOMAXCONN.
 */
final class TopologyExpectation {
    static final long O_LARGEFILE = 0100000;

    final Map<Integer, ProcessInfo> processes = new LinkedHashMap<>();
    final Map<Long, UnixSocket> sockets = new LinkedHashMap<>();
    final Map<Long, Pipe> pipes = new LinkedHashMap<>();

    /**
     * A scanned process with only what schema 1 had (what the manifest can tell): the fields the
     * scan added since (threads, namespaces, fd details, ...) are checked on their own.
     */
    static ProcessInfo core(ProcessInfo p) {
        if (p == null) return null;
        List<FdInfo> fds = new ArrayList<>();
        for (FdInfo f : p.fds()) fds.add(new FdInfo(f.fd(), f.kind(), f.target(), f.inode(), f.mode(), f.flags()));
        return new ProcessInfo(p.pid(), p.ppid(), p.comm(), p.cmdline(), p.uid(), p.state(), p.pgid(), p.sid(), p.ttyNr(),
                p.netNs(), fds, p.fdsReadable());
    }

    /** A scanned unix socket without its net namespace (every topology socket lives in the scanner's). */
    static UnixSocket core(UnixSocket s) {
        return s == null ? null : s.inNetNs(0);
    }

    /**
     * @param inside when not null, only these pids are scanned: holders elsewhere are not seen
     */
    TopologyExpectation(Topology t, Set<Integer> inside) throws IOException {
        List<String> cmdline = cmdline(t.directorPid());
        long netNs = netNs();
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Map<String, List<End>> byObject = new LinkedHashMap<>();
        for (End e : t.manifest().ends()) byObject.computeIfAbsent(e.object(), k -> new ArrayList<>()).add(e);

        for (Proc p : t.manifest().processes().values()) {
            if (inside != null && !inside.contains(p.pid())) continue;
            List<FdInfo> fds = new ArrayList<>();
            for (int fd = 0; fd < 3; fd++)
                fds.add(new FdInfo(fd, FdKind.DEVICE, "/dev/null", 0, AccessMode.UNKNOWN, -1));
            for (End e : t.endsOf(p.name())) fds.add(fdOf(t, e));
            Proc top = p;
            while (top.parent() != null) top = t.process(top.parent());
            int ppid = p.parent() == null ? t.directorPid() : t.pid(p.parent());
            processes.put(p.pid(), new ProcessInfo(p.pid(), ppid, comm(p.name()), cmdline, uid, 'S', top.pid(), top.pid(),
                    0, netNs, fds, true));
        }

        Map<Long, List<Long>> pendingOf = new LinkedHashMap<>();
        for (ObjectInfo o : t.manifest().objects().values()) {
            if (o.kind().equals("connect") && isPending(t, o)) {
                long listener = t.ends(o.server()).get(0).inode();
                pendingOf.computeIfAbsent(listener, k -> new ArrayList<>()).add(end(byObject, o.name(), "client").inode());
            }
        }
        for (ObjectInfo o : t.manifest().objects().values()) {
            List<End> es = byObject.getOrDefault(o.name(), List.of());
            switch (o.kind()) {
                case "socketpair" -> {
                    long a = end(byObject, o.name(), "a").inode(), b = end(byObject, o.name(), "b").inode();
                    socket(a, o.type(), SocketState.ESTABLISHED, SocketName.NONE, b, es, "a", inside);
                    socket(b, o.type(), SocketState.ESTABLISHED, SocketName.NONE, a, es, "b", inside);
                }
                case "listen" -> {
                    long l = end(byObject, o.name(), "listen").inode();
                    List<Long> pending = pendingOf.getOrDefault(l, List.of());
                    add(new UnixSocket(l, o.type(), SocketState.LISTEN, o.address(), 0, pending.size(), backlog(), pending,
                            holders(es, "listen", inside), false));
                }
                case "dgram-server" -> {
                    // Linux 6.x marks a dgram socket ESTABLISHED once another one connects to it (ss: ESTAB)
                    boolean clients = t.manifest().objects().values().stream().anyMatch(c -> o.name().equals(c.server()));
                    socket(end(byObject, o.name(), "server").inode(), SocketType.DGRAM,
                            clients ? SocketState.ESTABLISHED : SocketState.UNCONNECTED, o.address(), 0, es, "server", inside);
                }
                case "unbound" -> socket(end(byObject, o.name(), "sock").inode(), o.type(), SocketState.UNCONNECTED,
                        SocketName.NONE, 0, es, "sock", inside);
                case "connect" -> {
                    long c = end(byObject, o.name(), "client").inode();
                    ObjectInfo server = t.object(o.server());
                    if (server.kind().equals("dgram-server")) {
                        socket(c, o.type(), SocketState.ESTABLISHED, SocketName.NONE, t.ends(server.name()).get(0).inode(),
                                es, "client", inside);
                    } else if (isPending(t, o)) {
                        // the queued half has no inode of its own: the client's peer reads as 0
                        socket(c, o.type(), SocketState.ESTABLISHED, SocketName.NONE, 0, es, "client", inside);
                    } else {
                        long acc = end(byObject, o.name(), "accepted").inode();
                        socket(c, o.type(), SocketState.ESTABLISHED, SocketName.NONE, acc, es, "client", inside);
                        // an accepted socket carries the listener's name
                        socket(acc, o.type(), SocketState.ESTABLISHED, server.address(), c, es, "accepted", inside);
                    }
                }
                case "pipe", "fifo" -> {
                    long ino = es.get(0).inode();
                    pipes.put(ino, new Pipe(ino, o.kind().equals("fifo") ? o.address().value() : null,
                            holders(es, "read", inside), holders(es, "write", inside), -1));
                }
                default -> throw new IllegalArgumentException("no expectation for " + o.kind());
            }
        }
    }

    static boolean isPending(Topology t, ObjectInfo connect) {
        return connect.kind().equals("connect") && t.object(connect.server()).kind().equals("listen")
                && t.ends(connect.name()).stream().noneMatch(e -> e.role().equals("accepted"));
    }

    private void socket(long ino, SocketType type, SocketState state, SocketName name, long peer, List<End> es, String role,
                        Set<Integer> inside) {
        add(new UnixSocket(ino, type, state, name, peer, 0, 0, List.of(), holders(es, role, inside), false));
    }

    private void add(UnixSocket s) {
        if (sockets.put(s.ino(), s) != null) throw new IllegalStateException("inode " + s.ino() + " twice in the manifest");
    }

    private static End end(Map<String, List<End>> byObject, String object, String role) {
        return byObject.get(object).stream().filter(e -> e.role().equals(role)).findFirst().orElseThrow();
    }

    private static List<Holder> holders(List<End> es, String role, Set<Integer> inside) {
        return es.stream().filter(e -> e.role().equals(role) && (inside == null || inside.contains(e.pid())))
                .map(e -> new Holder(e.pid(), e.fd())).sorted().toList();
    }

    private static FdInfo fdOf(Topology t, End e) {
        ObjectInfo o = t.object(e.object());
        return switch (o.kind()) {
            case "pipe" -> {
                boolean w = e.role().equals("write");
                yield new FdInfo(e.fd(), FdKind.PIPE, "pipe:[" + e.inode() + "]", e.inode(),
                        w ? AccessMode.WRITE : AccessMode.READ, w ? 1 : 0);
            }
            case "fifo" -> {
                boolean w = e.role().equals("write");
                // opened with open(2), so O_LARGEFILE is set
                yield new FdInfo(e.fd(), FdKind.FIFO, o.address().value(), e.inode(),
                        w ? AccessMode.WRITE : AccessMode.READ, O_LARGEFILE | (w ? 1 : 0));
            }
            // the live scan reads fdinfo (flags) only for pipes and FIFOs, where the end matters
            default -> new FdInfo(e.fd(), FdKind.SOCKET, "socket:[" + e.inode() + "]", e.inode(), AccessMode.UNKNOWN, -1);
        };
    }

    static String comm(String name) {
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    static long backlog() throws IOException {
        // atlas-topo listens with SOMAXCONN (4096 in glibc); the kernel caps it at net.core.somaxconn
        // (read by lines: Files.readString of this proc file returned a truncated "4" on JDK 17)
        return Math.min(4096, Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).strip()));
    }

    static List<String> cmdline(int pid) throws IOException {
        String s = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        return Arrays.asList(s.split("\0"));
    }

    static long netNs() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(); // net:[4026531840]
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.length() - 1));
    }
}
