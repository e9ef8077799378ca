package org.criuatlas.json;

import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdDetail;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.GraphEdge;
import org.criuatlas.model.Holder;
import org.criuatlas.model.InetEndpoint;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Mount;
import org.criuatlas.model.MountTable;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.PacketSocket;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RemoteEndpoint;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.Session;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;
import org.criuatlas.model.TtyDevice;
import org.criuatlas.model.UnixSocket;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The graph part shared by {@code scan --json} (a live snapshot) and {@code show --json} (an image
 * directory): the same records, so a process, socket or pipe has the same field names and types in
 * both. New kinds of object (inet sockets, locks, ...) come as new arrays beside these.
 */
public final class GraphJson {
    private GraphJson() {}

    /** Where the snapshot comes from and how it was taken. */
    public record Meta(String source, String origin, String takenAt, boolean privileged, double scanMillis,
                       Map<String, Long> scannerNamespaces) {
        static Meta of(IpcGraph.Meta m) {
            return new Meta(m.source().name().toLowerCase(Locale.ROOT), m.origin(), m.takenAt().toString(), m.privileged(),
                    m.scanNanos() / 1_000_000.0, namespaces(m.scanner()));
        }
    }

    /** One process and its fds. {@code uid}, {@code ttyNr} are -1 and {@code netns} 0 when unknown (images). */
    public record Process(int pid, int ppid, String comm, List<String> cmdline, int uid, String state, int pgid, int sid,
                          long ttyNr, long netns, int tpgid, String controllingTty, int tracerPid, int threads, String seccomp,
                          Map<String, Long> namespaces, List<String> namespacesApart, String cwd, boolean cwdDeleted,
                          List<DeletedMapping> deletedMappings, boolean fdsReadable, List<Fd> fds) {
        static Process of(ProcessInfo p, Namespaces scanner) {
            TtyDevice tty = p.controllingTty();
            return new Process(p.pid(), p.ppid(), p.comm(), p.cmdline(), p.uid(), String.valueOf(p.state()), p.pgid(), p.sid(),
                    p.ttyNr(), p.netNs(), p.tpgid(), tty == null ? null : tty.path(), p.tracerPid(), p.threads(),
                    p.seccomp().name().toLowerCase(Locale.ROOT), GraphJson.namespaces(p.namespaces()),
                    p.namespaces().differentFrom(scanner).stream().map(k -> k.linkName).toList(), p.cwd(), p.cwdDeleted(),
                    p.deletedMappings().stream().map(m -> new DeletedMapping(m.path(), m.ino(), m.size(), m.nlink())).toList(),
                    p.fdsReadable(), p.fds().stream().map(Fd::of).toList());
        }
    }

    /** A file the process maps whose name is gone; {@code size} and {@code nlink} are -1 when unknown (a scan without root). */
    public record DeletedMapping(String path, long ino, long size, int nlink) {}

    /**
     * One open fd. {@code ino} is null for fds without an inode key, {@code mode} null when unknown, {@code flags}
     * null when not read; {@code key} is CRIU's key ({@code socket:[INO]}, {@code pipe:[INO]}) or null.
     */
    public record Fd(int fd, String kind, String target, Long ino, String key, String mode, Long flags,
                     FileJson file,
                     AnonInodeJson anonInode,
                     TerminalJson terminal) {
        static Fd of(FdInfo f) {
            FdDetail d = f.detail();
            return new Fd(f.fd(), f.kind().name().toLowerCase(Locale.ROOT), f.target(), f.inode() != 0 ? f.inode() : null,
                    f.objectKey(), f.mode() == AccessMode.UNKNOWN ? null : GraphJson.mode(f.mode()), f.flags() >= 0 ? f.flags() : null,
                    d instanceof FdDetail.File x ? new FileJson(x.devMajor() < 0 ? null : x.deviceHex(), x.ino(), x.mntId(), x.deleted(), label(x.flavor())) : null,
                    d instanceof FdDetail.AnonInode x ? new AnonInodeJson(x.kind().label(), x.name()) : null,
                    d instanceof FdDetail.Terminal x ? new TerminalJson(label(x.role()), x.index()) : null);
        }
    }

    /** What a file fd refers to (null on other fds, and in images): device, inode, mount, deleted, and a flavor (regular, memfd, shm, ...). */
    public record FileJson(String dev, long fileIno, int mntId, boolean deleted, String flavor) {}

    /** An anon-inode fd: which kind (eventfd, io_uring, ...) and the kernel's name. */
    public record AnonInodeJson(String kind, String name) {}

    /** A terminal fd: its role (pty master, pty slave, /dev/tty, ...) and pty index. */
    public record TerminalJson(String role, int index) {}

    /** A process holding an object at an fd. */
    public record HolderJson(int pid, int fd) {
        static List<HolderJson> of(List<Holder> hs) {
            return hs.stream().map(h -> new HolderJson(h.pid(), h.fd())).toList();
        }
    }

    /**
     * A unix socket. {@code name} is the bound name as {@code ss} prints it (null when unbound) and {@code nameKind}
     * tells a path from an abstract name; {@code externalPeer} is true only in images, for CRIU's entry of a peer
     * outside the dump.
     */
    public record Socket(long ino, String key, String type, String state, String name, String nameKind, Long peer,
                         long rqueue, long wqueue, List<Long> pending, List<HolderJson> holders, boolean externalPeer, long netns) {
        static Socket of(UnixSocket s) {
            return new Socket(s.ino(), s.key(), s.type().label(), s.state().label(), GraphJson.name(s.name()), GraphJson.nameKind(s.name()),
                    s.peer() != 0 ? s.peer() : null, s.recvQueue(), s.sendQueue(), s.pending(), HolderJson.of(s.holders()),
                    s.externalPeer(), s.netNs());
        }
    }

    /** An address and port. */
    public record Endpoint(String address, int port) {
        static Endpoint of(InetEndpoint e) { return new Endpoint(e.address(), e.port()); }
    }

    /** A TCP, UDP or raw socket (IPv4 or IPv6); {@code peer} is the local socket at the other end, when one is seen. */
    public record InetSocketJson(long ino, String key, String family, String protocol, int ipProtocol, String state, Endpoint local,
                                 Endpoint remote, int boundIf, int uid, long rqueue, long wqueue, long netns, Long peer,
                                 List<HolderJson> holders) {
        static InetSocketJson of(InetSocket s) {
            return new InetSocketJson(s.ino(), s.key(), s.family().label(), s.protocol().label(), s.ipProtocol(), s.state().label(),
                    Endpoint.of(s.local()), Endpoint.of(s.remote()), s.boundIf(), s.uid(), s.recvQueue(), s.sendQueue(), s.netNs(),
                    s.peer() != 0 ? s.peer() : null, HolderJson.of(s.holders()));
        }
    }

    /** An endpoint no local socket matches: the other end of connections that leave the machine (or the namespace). */
    public record RemoteEndpointJson(String key, long netns, String protocol, Endpoint endpoint, List<Long> sockets) {
        static RemoteEndpointJson of(RemoteEndpoint r) {
            return new RemoteEndpointJson(r.key(), r.netNs(), r.protocol().label(), Endpoint.of(r.endpoint()), r.sockets());
        }
    }

    /** A netlink socket. */
    public record NetlinkSocketJson(long ino, String key, int protocol, String protocolName, long portId, long dstPortId, long dstGroup,
                                    List<Integer> groups, long netns, List<HolderJson> holders) {
        static NetlinkSocketJson of(NetlinkSocket s) {
            return new NetlinkSocketJson(s.ino(), s.key(), s.protocol(), s.protocolName(), s.portId(), s.dstPortId(), s.dstGroup(),
                    s.groups(), s.netNs(), HolderJson.of(s.holders()));
        }
    }

    /** A packet socket; {@code fanout} is null without a fanout group. */
    public record PacketSocketJson(long ino, String key, String type, int protocol, int ifindex, int uid, boolean rxRing, boolean txRing,
                                   Integer fanout, long netns, List<HolderJson> holders) {
        static PacketSocketJson of(PacketSocket s) {
            return new PacketSocketJson(s.ino(), s.key(), s.typeLabel(), s.protocol(), s.ifindex(), s.uid(), s.rxRing(), s.txRing(),
                    s.fanout() >= 0 ? s.fanout() : null, s.netNs(), HolderJson.of(s.holders()));
        }
    }

    /** A file lock (flock, POSIX or OFD); {@code end} null means "to the end of the file". */
    public record FileLockJson(int id, String kind, String access, boolean waiting, int pid, String dev, long fileIno, String path,
                               long start, Long end, List<HolderJson> holders) {
        static FileLockJson of(FileLock l) {
            return new FileLockJson(l.id(), l.kind().label(), l.access().label(), l.waiting(), l.pid(), l.deviceHex(), l.ino(), l.path(),
                    l.start(), l.end() >= 0 ? l.end() : null, HolderJson.of(l.holders()));
        }
    }

    /** A SysV shared-memory segment; {@code mode} in octal. */
    public record SysvShmJson(long ipcns, int key, int id, String mode, long size, int creatorPid, int lastPid, long attachCount,
                              boolean removed, int uid, int gid, List<Integer> attachedPids) {
        static SysvShmJson of(SysvSharedMemory x) {
            return new SysvShmJson(x.ipcNs(), x.key(), x.id(), Integer.toOctalString(x.mode()), x.size(), x.creatorPid(), x.lastPid(),
                    x.attachCount(), x.removed(), x.uid(), x.gid(), x.attachedPids());
        }
    }

    /** A SysV semaphore set. */
    public record SysvSemaphoresJson(long ipcns, int key, int id, String mode, int count, int uid, int gid) {
        static SysvSemaphoresJson of(SysvSemaphoreSet x) {
            return new SysvSemaphoresJson(x.ipcNs(), x.key(), x.id(), Integer.toOctalString(x.mode()), x.count(), x.uid(), x.gid());
        }
    }

    /** A SysV message queue. */
    public record SysvMessageQueueJson(long ipcns, int key, int id, String mode, long bytes, long messages, int lastSendPid,
                                       int lastRecvPid, int uid, int gid) {
        static SysvMessageQueueJson of(SysvMessageQueue x) {
            return new SysvMessageQueueJson(x.ipcNs(), x.key(), x.id(), Integer.toOctalString(x.mode()), x.bytes(), x.messages(),
                    x.lastSendPid(), x.lastRecvPid(), x.uid(), x.gid());
        }
    }

    /** The mounts of one mount namespace, read from one of its processes. */
    public record MountTableJson(long mntns, int readFrom, List<MountJson> mounts) {
        static MountTableJson of(MountTable t) {
            return new MountTableJson(t.mntNs(), t.readFrom(), t.mounts().stream().map(MountJson::of).toList());
        }
    }

    /** One mount. */
    public record MountJson(int id, int parentId, String dev, String root, String mountPoint, String fsType, String source,
                            String options, boolean bindOfSubtree, List<String> tags) {
        static MountJson of(Mount m) {
            return new MountJson(m.id(), m.parentId(), m.devMajor() + ":" + m.devMinor(), m.root(), m.mountPoint(), m.fsType(),
                    m.source(), m.options(), m.isBindOfSubtree(), m.tags());
        }
    }

    /** A session: its process groups and controlling terminal. */
    public record SessionJson(int sid, boolean leaderVisible, String controllingTty, int foregroundPgid, List<GroupJson> groups) {
        static SessionJson of(Session x) {
            return new SessionJson(x.sid(), x.leaderVisible(), x.controllingTty() == null ? null : x.controllingTty().path(),
                    x.foregroundPgid(), x.groups().stream().map(g -> new GroupJson(g.pgid(), g.members())).toList());
        }
    }

    /** A process group. */
    public record GroupJson(int pgid, List<Integer> members) {}

    /**
     * Every kind of object beside unix sockets and pipes (schema 2): the same arrays in {@code scan} and {@code show}
     * (image folders fill only what the images hold).
     */
    record Objects(List<InetSocketJson> inetSockets, List<RemoteEndpointJson> remoteEndpoints, List<NetlinkSocketJson> netlinkSockets,
                   List<PacketSocketJson> packetSockets, List<FileLockJson> fileLocks, List<SysvShmJson> sysvShm,
                   List<SysvSemaphoresJson> sysvSemaphores, List<SysvMessageQueueJson> sysvMessageQueues,
                   List<MountTableJson> mounts, List<SessionJson> sessions) {
        static Objects of(IpcGraph g) {
            return new Objects(g.inetSockets().stream().map(InetSocketJson::of).toList(),
                    g.remoteEndpoints().stream().map(RemoteEndpointJson::of).toList(),
                    g.netlinkSockets().values().stream().map(NetlinkSocketJson::of).toList(),
                    g.packetSockets().values().stream().map(PacketSocketJson::of).toList(),
                    g.fileLocks().stream().map(FileLockJson::of).toList(),
                    g.sysvShm().stream().map(SysvShmJson::of).toList(),
                    g.sysvSemaphores().stream().map(SysvSemaphoresJson::of).toList(),
                    g.sysvMessageQueues().stream().map(SysvMessageQueueJson::of).toList(),
                    g.mountTables().values().stream().map(MountTableJson::of).toList(),
                    g.sessions().stream().map(SessionJson::of).toList());
        }
    }

    /** A pipe or FIFO. {@code queuedBytes} is null when unknown (live scans), exact in images. */
    public record PipeJson(long ino, String key, String fifo, List<HolderJson> readers, List<HolderJson> writers, Long queuedBytes) {
        static PipeJson of(Pipe p) {
            return new PipeJson(p.ino(), p.key(), p.fifoPath(), HolderJson.of(p.readers()), HolderJson.of(p.writers()),
                    p.queuedBytes() >= 0 ? p.queuedBytes() : null);
        }
    }

    /** A derived edge between two processes. */
    public record Edge(String kind, int from, int to, String object, String peerObject) {
        static Edge of(GraphEdge e) {
            return new Edge(e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), e.fromPid(), e.toPid(), e.objectKey(), e.peerKey());
        }
    }

    /** What the snapshot could not see. */
    public record Problem(int pid, String what, String reason, String kind) {
        static Problem of(ScanProblem p) {
            return new Problem(p.pid(), p.what(), p.reason(), label(p.kind()));
        }
    }

    static List<Process> processes(IpcGraph g) {
        Namespaces scanner = g.meta().scanner();
        return g.processes().values().stream().map(p -> Process.of(p, scanner)).toList();
    }

    /** Namespace inodes by the name of their /proc/PID/ns link ({@code net}, {@code ipc}, ...); 0 when unknown. */
    static Map<String, Long> namespaces(Namespaces ns) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (NamespaceKind k : NamespaceKind.values()) m.put(k.linkName, ns.inode(k));
        return m;
    }

    static String label(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    static List<Socket> sockets(IpcGraph g) { return g.sockets().values().stream().map(Socket::of).toList(); }

    static List<PipeJson> pipes(IpcGraph g) { return g.pipes().values().stream().map(PipeJson::of).toList(); }

    static List<Edge> edges(IpcGraph g) { return g.edges().stream().map(Edge::of).toList(); }

    static List<Problem> problems(IpcGraph g) { return g.problems().stream().map(Problem::of).toList(); }

    /** {@code read}, {@code write}, {@code read-write}, {@code unknown}. */
    public static String mode(AccessMode m) {
        return switch (m) {
            case READ -> "read";
            case WRITE -> "write";
            case READ_WRITE -> "read-write";
            case UNKNOWN -> "unknown";
        };
    }

    /** A socket name as {@code ss} prints it, null when unbound. */
    static String name(SocketName n) {
        return n.isNamed() ? n.display() : null;
    }

    static String nameKind(SocketName n) {
        return n.kind().name().toLowerCase(Locale.ROOT);
    }
}
