package org.criuatlas.ui.graph;

import org.criuatlas.model.ObjectKey;

import org.criuatlas.model.Holder;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.RemoteEndpoint;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Connections that leave what is drawn: a socket whose peer no drawn process holds (in images:
 * CRIU's entry for a peer outside the dump; live: another user's process, another network
 * namespace, an fd in flight), a pipe with only one side drawn, and a TCP/UDP connection to a
 * remote endpoint or to a local peer no drawn process holds. Without them such an edge has
 * no second node and is simply not drawn; the graph gives each a small "outside" node instead.
 * Pure.
 */
public final class DanglingEnds {
    private DanglingEnds() {}

    /** Why the other end has no drawn holder. */
    public enum Where {
        /** Images: the other end was not in the dump. */
        OUTSIDE_DUMP("outside"),
        /** Live: no process this scan can see holds it. */
        OWNER_UNKNOWN("owner unknown"),
        /** An inet connection whose far end matches no socket of the snapshot: another host (or a namespace not seen). */
        REMOTE("remote");

        public final String words;

        Where(String words) { this.words = words; }
    }

    /**
     * One connection whose other end is not drawn.
     *
     * @param holders  the drawn processes holding our end, ascending (the first one anchors the outside node)
     * @param key      our end ({@code socket:[INO]}, {@code pipe:[INO]})
     * @param peerKey  the other end ({@code socket:[PEER]}; the same key for a pipe)
     * @param type     edge type ({@link RenderGraph#STREAM}, ..., {@link RenderGraph#PIPE})
     * @param outward  true when the edge runs from the holder to the outside (sockets, a pipe whose
     *                 writer is drawn), false for a pipe whose reader is drawn
     * @param peerName the other end's socket path / abstract name or FIFO path, null when none
     * @param where    outside the dump or owner unknown
     * @param label    short words for the outside node: "outside: socket:[INO]", "owner unknown: /run/x.sock"
     * @param note     a sentence for the hover card and the inspector
     */
    public record End(List<Integer> holders, String key, String peerKey, byte type, boolean outward, String peerName,
                      Where where, String label, String note) {
        public End {
            holders = List.copyOf(holders);
        }

        /** Ends that share this group go to one outside node of their holder (a service's many clients). */
        String group() {
            return where + (outward ? ">" : "<") + type + (peerName != null ? "name:" + peerName : "key:" + peerKey);
        }
    }

    /** Every dangling connection of {@code g} whose own end is held by a process {@code drawn} accepts. */
    public static List<End> of(IpcGraph g, IntPredicate drawn) {
        Where where = g.meta().source() == IpcGraph.Source.IMAGES ? Where.OUTSIDE_DUMP : Where.OWNER_UNKNOWN;
        boolean privileged = g.meta().privileged();
        List<End> out = new ArrayList<>();
        // sockets that name another as their peer: dgram clients of a server are only known from their side
        Map<Long, List<UnixSocket>> connectedTo = new HashMap<>();
        List<UnixSocket> sockets = new ArrayList<>(g.sockets().values());
        sockets.sort(Comparator.comparingLong(UnixSocket::ino));
        for (UnixSocket s : sockets) if (s.peer() != 0) connectedTo.computeIfAbsent(s.peer(), k -> new ArrayList<>()).add(s);
        for (UnixSocket s : sockets) {
            if (s.externalPeer()) continue;
            List<Integer> hs = drawnPids(s.holders(), drawn);
            if (hs.isEmpty()) continue;
            if (s.peer() != 0) {
                UnixSocket p = g.socket(s.peer());
                if (p == null || drawnPids(p.holders(), drawn).isEmpty()) out.add(socketEnd(hs, s, p, s.peer(), where, privileged));
            }
            for (UnixSocket t : connectedTo.getOrDefault(s.ino(), List.of())) {
                if (t.ino() == s.peer() || t.ino() == s.ino()) continue;
                if (drawnPids(t.holders(), drawn).isEmpty()) out.add(socketEnd(hs, s, t, t.ino(), where, privileged));
            }
        }
        List<Pipe> pipes = new ArrayList<>(g.pipes().values());
        pipes.sort(Comparator.comparingLong(Pipe::ino));
        for (Pipe p : pipes) {
            List<Integer> w = drawnPids(p.writers(), drawn), r = drawnPids(p.readers(), drawn);
            if (!w.isEmpty() && r.isEmpty()) out.add(pipeEnd(w, p, true, where));
            else if (w.isEmpty() && !r.isEmpty()) out.add(pipeEnd(r, p, false, where));
        }
        inet(g, drawn, where, out);
        return out;
    }

    /**
     * TCP/UDP: a connection to a remote endpoint (no socket of the snapshot matches its far end) is
     * a {@link Where#REMOTE} end, one node per endpoint beside its holder; a connection whose local
     * peer no drawn process holds is an outside end like a unix socket's.
     */
    private static void inet(IpcGraph g, IntPredicate drawn, Where where, List<End> out) {
        for (RemoteEndpoint r : g.remoteEndpoints()) {
            for (long ino : r.sockets()) {
                InetSocket s = g.inetSocket(ino);
                if (s == null) continue;
                List<Integer> hs = drawnPids(s.holders(), drawn);
                if (hs.isEmpty()) continue;
                String label = s.protocol().label() + " " + r.endpoint().display();
                String note = "A " + s.protocol().label().toUpperCase(java.util.Locale.ROOT) + " peer no socket of this scan matches:"
                        + " another host, or a process in a network namespace the scan did not read. " + s.describe();
                out.add(new End(hs, s.key(), r.key(), inetType(s), true, null, Where.REMOTE, label, note));
            }
        }
        for (InetSocket s : g.inetSockets()) {
            if (s.ino() == 0 || s.peer() == 0) continue;
            List<Integer> hs = drawnPids(s.holders(), drawn);
            if (hs.isEmpty()) continue;
            InetSocket p = g.peerOf(s);
            if (p == null || !drawnPids(p.holders(), drawn).isEmpty()) continue;
            String label = where.words + ": " + s.protocol().label() + " " + s.remote().display();
            String note = "No drawn process holds the local peer " + p.key() + " (" + p.describe() + "): "
                    + (p.holders().isEmpty() ? "a process this scan cannot see, or a connection not accepted yet" : "a process not drawn (a kernel thread?)")
                    + ". " + s.describe();
            out.add(new End(hs, s.key(), p.key(), inetType(s), true, null, where, label, note));
        }
    }

    /** The edge type of an inet socket: TCP, UDP (and UDP-Lite), else "other socket" (raw, ping). */
    static byte inetType(InetSocket s) {
        return switch (s.protocol()) {
            case TCP -> RenderGraph.TCP;
            case UDP, UDPLITE -> RenderGraph.UDP;
            default -> RenderGraph.SOCKET_OTHER;
        };
    }

    private static List<Integer> drawnPids(List<Holder> hs, IntPredicate drawn) {
        if (hs.isEmpty()) return List.of();
        if (hs.size() == 1) {
            int only = hs.get(0).pid();
            return drawn.test(only) ? List.of(only) : List.of();
        }
        TreeSet<Integer> pids = new TreeSet<>();
        for (Holder h : hs) if (drawn.test(h.pid())) pids.add(h.pid());
        return List.copyOf(pids);
    }

    private static End socketEnd(List<Integer> holders, UnixSocket s, UnixSocket other, long otherIno, Where where,
                                 boolean privileged) {
        String peerKey = ObjectKey.ofSocket(otherIno).text();
        String name = other != null && other.name().isNamed() ? other.name().display() : null;
        byte type = switch (s.type()) {
            case STREAM -> RenderGraph.STREAM;
            case DGRAM -> RenderGraph.DGRAM;
            case SEQPACKET -> RenderGraph.SEQPACKET;
            default -> RenderGraph.SOCKET_OTHER;
        };
        String label = where.words + ": " + (name != null ? LabelPlacer.shorten(name, 32) : peerKey);
        return new End(holders, s.key(), peerKey, type, true, name, where, label, socketNote(s, other, otherIno, where, privileged));
    }

    /** Plain words for a socket whose other end ({@code other}, null when not in the snapshot) has no drawn holder. */
    public static String socketNote(UnixSocket s, UnixSocket other, long otherIno, Where where, boolean privileged) {
        String peer = "socket:[" + otherIno + "]" + (other != null && other.name().isNamed() ? ", " + other.name().display() : "");
        if (where == Where.OUTSIDE_DUMP) {
            if (s.type() == SocketType.DGRAM && other != null && other.name().isNamed()) {
                return "The other end (" + peer + ") was outside the dump; CRIU reconnects " + s.key()
                        + " to it by name at restore, or the restore can hand in a replacement: " + s.key();
            }
            return "The other end (" + peer + ") was outside the dump; the restore must hand in a replacement: " + s.key();
        }
        if (other == null) {
            return "The other end (" + peer + ") is not in this scan: it lives in another network namespace or has just been closed";
        }
        return "No visible process holds the other end (" + peer + "): "
                + (privileged ? "a process in another PID namespace, or an fd in flight (SCM_RIGHTS)"
                : "another user's process (run as root to see it), or an fd in flight");
    }

    private static End pipeEnd(List<Integer> holders, Pipe p, boolean writerDrawn, Where where) {
        String side = writerDrawn ? "reader" : "writer";
        String label = where.words + ": " + (p.isFifo() ? LabelPlacer.shorten(p.fifoPath(), 32) : side + " of " + p.key());
        return new End(holders, p.key(), p.key(), RenderGraph.PIPE, writerDrawn, p.fifoPath(), where, label,
                pipeNote(p, writerDrawn, where));
    }

    /** Plain words for a pipe of which only the writers ({@code writerDrawn}) or only the readers are drawn. */
    public static String pipeNote(Pipe p, boolean writerDrawn, Where where) {
        String end = writerDrawn ? "read end" : "write end";
        if (where == Where.OUTSIDE_DUMP) {
            return "The " + end + " of " + p.key() + " was outside the dump; the restore must hand in a replacement: " + p.key();
        }
        return "No visible process holds the " + end + " of " + p.key()
                + ": it was closed, or a process this scan cannot see holds it";
    }
}
