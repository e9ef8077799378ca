package org.criuatlas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;
import org.criuatlas.model.TtyDevice;
import org.criuatlas.model.UnixSocket;

import java.util.List;
import java.util.Locale;

/** The JSON form of a snapshot, as documented in docs/scan-json.md (schema version 2). */
public final class ScanJson {
    public static final int SCHEMA_VERSION = 2;

    private ScanJson() {}

    public static ObjectNode toJson(IpcGraph g, ObjectMapper m) {
        ObjectNode root = m.createObjectNode();
        ObjectNode meta = root.putObject("meta");
        meta.put("schema", SCHEMA_VERSION);
        meta.put("source", g.meta().source().name().toLowerCase(Locale.ROOT));
        meta.put("origin", g.meta().origin());
        meta.put("takenAt", g.meta().takenAt().toString());
        meta.put("privileged", g.meta().privileged());
        meta.put("scanMillis", g.meta().scanNanos() / 1_000_000.0);
        namespaces(meta.putObject("scannerNamespaces"), g.meta().scanner());

        ArrayNode procs = root.putArray("processes");
        for (ProcessInfo p : g.processes().values()) {
            ObjectNode o = procs.addObject();
            o.put("pid", p.pid());
            o.put("ppid", p.ppid());
            o.put("comm", p.comm());
            ArrayNode cmd = o.putArray("cmdline");
            p.cmdline().forEach(cmd::add);
            o.put("uid", p.uid());
            o.put("state", String.valueOf(p.state()));
            o.put("pgid", p.pgid());
            o.put("sid", p.sid());
            o.put("ttyNr", p.ttyNr());
            o.put("netns", p.netNs());
            o.put("tpgid", p.tpgid());
            TtyDevice tty = p.controllingTty();
            if (tty != null) o.put("controllingTty", tty.path());
            else o.putNull("controllingTty");
            o.put("tracerPid", p.tracerPid());
            o.put("threads", p.threads());
            o.put("seccomp", p.seccomp().name().toLowerCase(Locale.ROOT));
            namespaces(o.putObject("namespaces"), p.namespaces());
            ArrayNode apart = o.putArray("namespacesApart");
            p.namespaces().differentFrom(g.meta().scanner()).forEach(k -> apart.add(k.linkName));
            o.put("cwd", p.cwd());
            o.put("cwdDeleted", p.cwdDeleted());
            o.put("fdsReadable", p.fdsReadable());
            ArrayNode fds = o.putArray("fds");
            for (FdInfo f : p.fds()) {
                ObjectNode fo = fds.addObject();
                fo.put("fd", f.fd());
                fo.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
                fo.put("target", f.target());
                if (f.inode() != 0) fo.put("ino", f.inode());
                if (f.mode() != AccessMode.UNKNOWN) fo.put("mode", mode(f.mode()));
                if (f.flags() >= 0) fo.put("flags", f.flags());
                detail(fo, f.detail());
            }
        }

        ArrayNode socks = root.putArray("sockets");
        for (UnixSocket s : g.sockets().values()) {
            ObjectNode o = socks.addObject();
            o.put("ino", s.ino());
            o.put("type", s.type().label());
            o.put("state", s.state().label());
            if (s.name().isNamed()) o.put("name", s.name().display());
            else o.putNull("name");
            o.put("nameKind", s.name().kind().name().toLowerCase(Locale.ROOT));
            if (s.peer() != 0) o.put("peer", s.peer());
            else o.putNull("peer");
            o.put("rqueue", s.recvQueue());
            o.put("wqueue", s.sendQueue());
            ArrayNode pend = o.putArray("pending");
            s.pending().forEach(pend::add);
            holders(o.putArray("holders"), s.holders());
            o.put("netns", s.netNs());
        }

        ArrayNode inet = root.putArray("inetSockets");
        for (InetSocket s : g.inetSockets()) {
            ObjectNode o = inet.addObject();
            o.put("ino", s.ino());
            o.put("family", s.family().label());
            o.put("protocol", s.protocol().label());
            o.put("ipProtocol", s.ipProtocol());
            o.put("state", s.state().label());
            endpoint(o.putObject("local"), s.local());
            endpoint(o.putObject("remote"), s.remote());
            o.put("boundIf", s.boundIf());
            o.put("uid", s.uid());
            o.put("rqueue", s.recvQueue());
            o.put("wqueue", s.sendQueue());
            o.put("netns", s.netNs());
            if (s.peer() != 0) o.put("peer", s.peer());
            else o.putNull("peer");
            holders(o.putArray("holders"), s.holders());
        }

        ArrayNode remotes = root.putArray("remoteEndpoints");
        for (RemoteEndpoint r : g.remoteEndpoints()) {
            ObjectNode o = remotes.addObject();
            o.put("key", r.key());
            o.put("netns", r.netNs());
            o.put("protocol", r.protocol().label());
            endpoint(o.putObject("endpoint"), r.endpoint());
            ArrayNode inos = o.putArray("sockets");
            r.sockets().forEach(inos::add);
        }

        ArrayNode netlink = root.putArray("netlinkSockets");
        for (NetlinkSocket s : g.netlinkSockets().values()) {
            ObjectNode o = netlink.addObject();
            o.put("ino", s.ino());
            o.put("protocol", s.protocol());
            o.put("protocolName", s.protocolName());
            o.put("portId", s.portId());
            o.put("dstPortId", s.dstPortId());
            o.put("dstGroup", s.dstGroup());
            ArrayNode groups = o.putArray("groups");
            s.groups().forEach(groups::add);
            o.put("netns", s.netNs());
            holders(o.putArray("holders"), s.holders());
        }

        ArrayNode packet = root.putArray("packetSockets");
        for (PacketSocket s : g.packetSockets().values()) {
            ObjectNode o = packet.addObject();
            o.put("ino", s.ino());
            o.put("type", s.typeLabel());
            o.put("protocol", s.protocol());
            o.put("ifindex", s.ifindex());
            o.put("uid", s.uid());
            o.put("rxRing", s.rxRing());
            o.put("txRing", s.txRing());
            if (s.fanout() >= 0) o.put("fanout", s.fanout());
            else o.putNull("fanout");
            o.put("netns", s.netNs());
            holders(o.putArray("holders"), s.holders());
        }

        ArrayNode pipes = root.putArray("pipes");
        for (Pipe p : g.pipes().values()) {
            ObjectNode o = pipes.addObject();
            o.put("ino", p.ino());
            if (p.isFifo()) o.put("fifo", p.fifoPath());
            else o.putNull("fifo");
            holders(o.putArray("readers"), p.readers());
            holders(o.putArray("writers"), p.writers());
        }

        ArrayNode locks = root.putArray("fileLocks");
        for (FileLock l : g.fileLocks()) {
            ObjectNode o = locks.addObject();
            o.put("id", l.id());
            o.put("kind", l.kind().label());
            o.put("access", l.access().label());
            o.put("waiting", l.waiting());
            o.put("pid", l.pid());
            o.put("dev", l.deviceHex());
            o.put("fileIno", l.ino());
            if (l.path() != null) o.put("path", l.path());
            else o.putNull("path");
            o.put("start", l.start());
            if (l.end() >= 0) o.put("end", l.end());
            else o.putNull("end");
            holders(o.putArray("holders"), l.holders());
        }

        ArrayNode shm = root.putArray("sysvShm");
        for (SysvSharedMemory seg : g.sysvShm()) {
            ObjectNode o = shm.addObject();
            o.put("ipcns", seg.ipcNs());
            o.put("key", seg.key());
            o.put("id", seg.id());
            o.put("mode", Integer.toOctalString(seg.mode()));
            o.put("size", seg.size());
            o.put("creatorPid", seg.creatorPid());
            o.put("lastPid", seg.lastPid());
            o.put("attachCount", seg.attachCount());
            o.put("removed", seg.removed());
            o.put("uid", seg.uid());
            o.put("gid", seg.gid());
            ArrayNode pids = o.putArray("attachedPids");
            seg.attachedPids().forEach(pids::add);
        }
        ArrayNode sem = root.putArray("sysvSemaphores");
        for (SysvSemaphoreSet x : g.sysvSemaphores()) {
            sem.addObject().put("ipcns", x.ipcNs()).put("key", x.key()).put("id", x.id()).put("mode", Integer.toOctalString(x.mode()))
                    .put("count", x.count()).put("uid", x.uid()).put("gid", x.gid());
        }
        ArrayNode msg = root.putArray("sysvMessageQueues");
        for (SysvMessageQueue x : g.sysvMessageQueues()) {
            msg.addObject().put("ipcns", x.ipcNs()).put("key", x.key()).put("id", x.id()).put("mode", Integer.toOctalString(x.mode()))
                    .put("bytes", x.bytes()).put("messages", x.messages()).put("lastSendPid", x.lastSendPid())
                    .put("lastRecvPid", x.lastRecvPid()).put("uid", x.uid()).put("gid", x.gid());
        }

        ArrayNode mounts = root.putArray("mounts");
        for (MountTable t : g.mountTables().values()) {
            ObjectNode o = mounts.addObject();
            o.put("mntns", t.mntNs());
            o.put("readFrom", t.readFrom());
            ArrayNode ms = o.putArray("mounts");
            for (Mount mt : t.mounts()) {
                ObjectNode mo = ms.addObject();
                mo.put("id", mt.id()).put("parentId", mt.parentId()).put("dev", mt.devMajor() + ":" + mt.devMinor())
                        .put("root", mt.root()).put("mountPoint", mt.mountPoint()).put("fsType", mt.fsType()).put("source", mt.source())
                        .put("options", mt.options()).put("bindOfSubtree", mt.isBindOfSubtree());
                ArrayNode tags = mo.putArray("tags");
                mt.tags().forEach(tags::add);
            }
        }

        ArrayNode sessions = root.putArray("sessions");
        for (Session x : g.sessions()) {
            ObjectNode o = sessions.addObject();
            o.put("sid", x.sid());
            o.put("leaderVisible", x.leaderVisible());
            if (x.controllingTty() != null) o.put("controllingTty", x.controllingTty().path());
            else o.putNull("controllingTty");
            o.put("foregroundPgid", x.foregroundPgid());
            ArrayNode groups = o.putArray("groups");
            for (Session.ProcessGroup pg : x.groups()) {
                ArrayNode members = groups.addObject().put("pgid", pg.pgid()).putArray("members");
                pg.members().forEach(members::add);
            }
        }

        ArrayNode edges = root.putArray("edges");
        for (GraphEdge e : g.edges()) {
            ObjectNode o = edges.addObject();
            o.put("kind", e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            o.put("from", e.fromPid());
            o.put("to", e.toPid());
            if (e.objectKey() != null) o.put("object", e.objectKey());
            if (e.peerKey() != null) o.put("peerObject", e.peerKey());
        }

        ArrayNode problems = root.putArray("problems");
        for (ScanProblem p : g.problems()) {
            ObjectNode o = problems.addObject();
            o.put("pid", p.pid());
            o.put("what", p.what());
            o.put("reason", p.reason());
            o.put("kind", p.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return root;
    }

    static String mode(AccessMode m) {
        return switch (m) {
            case READ -> "read";
            case WRITE -> "write";
            case READ_WRITE -> "read-write";
            case UNKNOWN -> "unknown";
        };
    }

    private static void namespaces(ObjectNode o, Namespaces ns) {
        for (NamespaceKind k : NamespaceKind.values()) o.put(k.linkName, ns.inode(k));
    }

    private static void endpoint(ObjectNode o, InetEndpoint e) {
        o.put("address", e.address());
        o.put("port", e.port());
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The fd's detail as one of {@code file}, {@code anonInode} or {@code terminal}. */
    private static void detail(ObjectNode fo, FdDetail d) {
        if (d instanceof FdDetail.File f) {
            ObjectNode o = fo.putObject("file");
            o.put("dev", f.devMajor() < 0 ? null : f.deviceHex());
            o.put("fileIno", f.ino());
            o.put("mntId", f.mntId());
            o.put("deleted", f.deleted());
            o.put("flavor", label(f.flavor()));
        } else if (d instanceof FdDetail.AnonInode a) {
            fo.putObject("anonInode").put("kind", a.kind().label()).put("name", a.name());
        } else if (d instanceof FdDetail.Terminal t) {
            fo.putObject("terminal").put("role", label(t.role())).put("index", t.index());
        }
    }

    private static void holders(ArrayNode a, List<Holder> hs) {
        for (Holder h : hs) a.addObject().put("pid", h.pid()).put("fd", h.fd());
    }
}
