package org.criuatlas.json;

import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.GraphEdge;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.UnixSocket;

import java.util.List;
import java.util.Locale;

/**
 * The graph part shared by {@code scan --json} (a live snapshot) and {@code show --json} (an image
 * directory): the same records, so a process, socket or pipe has the same field names and types in
 * both. New kinds of object (inet sockets, locks, ...) come as new arrays beside these.
 */
public final class GraphJson {
    private GraphJson() {}

    /** Where the snapshot comes from and how it was taken. */
    public record Meta(String source, String origin, String takenAt, boolean privileged, double scanMillis) {
        static Meta of(IpcGraph.Meta m) {
            return new Meta(m.source().name().toLowerCase(Locale.ROOT), m.origin(), m.takenAt().toString(), m.privileged(),
                    m.scanNanos() / 1_000_000.0);
        }
    }

    /** One process and its fds. {@code uid}, {@code ttyNr} are -1 and {@code netns} 0 when unknown (images). */
    public record Process(int pid, int ppid, String comm, List<String> cmdline, int uid, String state, int pgid, int sid,
                          long ttyNr, long netns, boolean fdsReadable, List<Fd> fds) {
        static Process of(ProcessInfo p) {
            return new Process(p.pid(), p.ppid(), p.comm(), p.cmdline(), p.uid(), String.valueOf(p.state()), p.pgid(), p.sid(),
                    p.ttyNr(), p.netNs(), p.fdsReadable(), p.fds().stream().map(Fd::of).toList());
        }
    }

    /**
     * One open fd. {@code ino} is null for fds without an inode key, {@code mode} null when unknown, {@code flags}
     * null when not read; {@code key} is CRIU's key ({@code socket:[INO]}, {@code pipe:[INO]}) or null.
     */
    public record Fd(int fd, String kind, String target, Long ino, String key, String mode, Long flags) {
        static Fd of(FdInfo f) {
            return new Fd(f.fd(), f.kind().name().toLowerCase(Locale.ROOT), f.target(), f.inode() != 0 ? f.inode() : null,
                    f.objectKey(), f.mode() == AccessMode.UNKNOWN ? null : GraphJson.mode(f.mode()), f.flags() >= 0 ? f.flags() : null);
        }
    }

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
                         long rqueue, long wqueue, List<Long> pending, List<HolderJson> holders, boolean externalPeer) {
        static Socket of(UnixSocket s) {
            return new Socket(s.ino(), s.key(), s.type().label(), s.state().label(), GraphJson.name(s.name()), GraphJson.nameKind(s.name()),
                    s.peer() != 0 ? s.peer() : null, s.recvQueue(), s.sendQueue(), s.pending(), HolderJson.of(s.holders()),
                    s.externalPeer());
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
    public record Problem(int pid, String what, String reason) {
        static Problem of(ScanProblem p) {
            return new Problem(p.pid(), p.what(), p.reason());
        }
    }

    static List<Process> processes(IpcGraph g) { return g.processes().values().stream().map(Process::of).toList(); }

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
