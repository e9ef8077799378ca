package org.criuatlas.plan;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What crosses the boundary of the dumped subtree, before any judgement: the session and
 * terminal, unix sockets (connections, accept queues, datagram clients), pipes and FIFOs, and fds
 * shared with processes outside. Each crossing comes out as a {@link Raw} in the order the plan
 * lists them; {@link CrossingRules} then says what CRIU does with it. Pure: no I/O.
 */
final class CrossingDiscovery {
    private CrossingDiscovery() {}

    /** A crossing before it is judged. */
    static final class Raw {
        final CrossingKind kind;
        final String key;
        final long ourIno;
        final long outsideIno;
        UnixSocket ours;
        UnixSocket peer;
        Pipe pipe;
        List<Holder> insideHolders = List.of();
        List<Holder> outsideHolders = List.of();
        boolean ownerVisible = true;
        CriuError ttyError;
        boolean queued; // our client waits in the accept queue of the (outside) peer listener
        final List<String> notes = new ArrayList<>();

        Raw(CrossingKind kind, String key, long ourIno, long outsideIno) {
            this.kind = kind;
            this.key = key;
            this.ourIno = ourIno;
            this.outsideIno = outsideIno;
        }
    }

    /** Every crossing of the subtree {@code inside} of the root {@code rp}: session and terminal, then sockets, then pipes. */
    static List<Raw> discover(IpcGraph g, ProcessInfo rp, Set<Integer> inside) {
        List<Raw> raws = new ArrayList<>();
        sessionAndTty(g, rp, inside, raws);
        sockets(g, inside, raws);
        pipes(g, inside, raws);
        return raws;
    }

    private static void sessionAndTty(IpcGraph g, ProcessInfo rp, Set<Integer> inside, List<Raw> out) {
        int root = rp.pid();
        if (rp.sid() > 0 && rp.sid() != root) {
            Raw r = new Raw(CrossingKind.SESSION_OUTSIDE, "session " + rp.sid(), 0, 0);
            ProcessInfo leader = g.process(rp.sid());
            r.insideHolders = List.of(new Holder(root, -1));
            r.outsideHolders = leader == null ? List.of() : List.of(new Holder(leader.pid(), -1));
            r.ownerVisible = leader != null;
            out.add(r);
        }
        boolean masterInside = false;
        Map<String, List<Holder>> slaves = new LinkedHashMap<>();
        for (int pid : inside) {
            for (FdInfo f : g.process(pid).fds()) {
                String t = f.target();
                if (t.equals("/dev/ptmx") || t.equals("/dev/pts/ptmx")) masterInside = true;
                else if (t.startsWith("/dev/pts/")) slaves.computeIfAbsent(t, k -> new ArrayList<>()).add(new Holder(pid, f.fd()));
            }
        }
        // CRIU pairs every pty slave with its master; with the master inside we cannot tell which slave is which here,
        // so a master anywhere inside is taken to serve every slave (the common "terminal emulator in the dump" case)
        if (masterInside) return;
        for (Map.Entry<String, List<Holder>> e : slaves.entrySet()) {
            Holder first = e.getValue().get(0);
            ProcessInfo p = g.process(first.pid());
            Raw r = new Raw(CrossingKind.TTY_OUTSIDE, e.getKey(), 0, 0);
            r.insideHolders = e.getValue();
            String index = e.getKey().substring("/dev/pts/".length());
            if (inside.contains(p.sid())) {
                r.ttyError = CriuError.of(CriuErrorKind.TTY_WITHOUT_MASTER,
                        "tty: Found slave peer index " + index + " without correspond master peer");
            } else {
                r.ttyError = CriuError.of(CriuErrorKind.DANGLING_TTY, "tty: Found dangling tty with sid " + p.sid()
                        + " pgid " + p.pgid() + " (pts) on peer fd " + first.fd() + ".");
            }
            r.ownerVisible = false;
            out.add(r);
        }
    }

    private static void sockets(IpcGraph g, Set<Integer> inside, List<Raw> out) {
        // connections waiting in the accept queue of a listener belong to that listener's side.
        // A pending entry is either the queued socket itself, which the client names as its peer, or
        // (what the live kernel reports: sock_diag gives each queued socket's peer, the queued half
        // has no inode and the client's own peer reads 0) the waiting client.
        Set<Long> pointedAt = new HashSet<>();
        for (UnixSocket s : g.sockets().values()) if (s.peer() != 0) pointedAt.add(s.peer());
        Set<Long> insideEmbryos = new HashSet<>();
        Map<Long, UnixSocket> listenerOf = new HashMap<>();
        Map<Long, UnixSocket> clientWaitsAt = new HashMap<>();
        Set<SocketName> insideListenerNames = new HashSet<>();
        for (UnixSocket s : g.sockets().values()) {
            for (long e : s.pending()) {
                if (!pointedAt.contains(e) && g.socket(e) != null) {
                    clientWaitsAt.put(e, s);
                    continue;
                }
                listenerOf.put(e, s);
                if (heldBy(s, inside)) insideEmbryos.add(e);
            }
            if (s.state() == SocketState.LISTEN && s.name().isNamed() && heldBy(s, inside)) insideListenerNames.add(s.name());
        }
        Map<Long, List<UnixSocket>> dgramClientsOutside = new LinkedHashMap<>();
        Map<Long, Raw> pendingFromOutside = new LinkedHashMap<>();
        for (UnixSocket s : g.sockets().values()) {
            boolean in = heldBy(s, inside) || insideEmbryos.contains(s.ino());
            UnixSocket waitsAt = clientWaitsAt.get(s.ino());
            if (!in && waitsAt != null && heldBy(waitsAt, inside)) {
                // an outside client waiting in an inside listener's queue
                pendingFromOutside.computeIfAbsent(s.ino(), k -> pending(s, s, waitsAt, inside));
                continue;
            }
            if (!in) {
                // an outside datagram socket connected one-way to a socket inside
                if (s.peer() != 0) {
                    UnixSocket p = g.socket(s.peer());
                    if (p != null && insideEmbryos.contains(p.ino())) {
                        // an outside client whose connection waits in an inside listener's queue
                        // (sock_diag reports no peer for the queued socket itself, only the client points at it)
                        pendingFromOutside.computeIfAbsent(p.ino(), k -> pending(p, s, listenerOf.get(k), inside));
                    } else if (p != null && p.peer() != s.ino() && heldBy(p, inside)) {
                        dgramClientsOutside.computeIfAbsent(p.ino(), k -> new ArrayList<>()).add(s);
                    }
                }
                continue;
            }
            List<Holder> ih = new ArrayList<>(), oh = new ArrayList<>();
            for (Holder h : s.holders()) (inside.contains(h.pid()) ? ih : oh).add(h);
            if (!ih.isEmpty() && !oh.isEmpty()) {
                Raw r = new Raw(CrossingKind.SHARED_FD, s.key(), s.ino(), s.ino());
                r.ours = s;
                r.insideHolders = ih;
                r.outsideHolders = oh;
                out.add(r);
            }
            if (waitsAt != null && !heldBy(waitsAt, inside)) {
                // our client waits in the accept queue of a listener outside: its only peer is that listener
                Raw r = new Raw(CrossingKind.STREAM_TO_NAMED_LISTENER, s.key(), s.ino(), waitsAt.ino());
                r.ours = s;
                r.peer = waitsAt;
                r.insideHolders = ih;
                r.outsideHolders = waitsAt.holders();
                r.ownerVisible = !waitsAt.holders().isEmpty();
                r.queued = true;
                out.add(r);
                continue;
            }
            if (s.peer() == 0) continue;
            UnixSocket p = g.socket(s.peer());
            if (p == null) {
                Raw r = new Raw(CrossingKind.PEER_NOT_VISIBLE, s.key(), s.ino(), s.peer());
                r.ours = s;
                r.insideHolders = ih;
                r.ownerVisible = false;
                out.add(r);
                continue;
            }
            if (heldBy(p, inside) || insideEmbryos.contains(p.ino())) continue;
            if (insideEmbryos.contains(s.ino())) {
                pendingFromOutside.computeIfAbsent(s.ino(), k -> pending(s, p, listenerOf.get(k), inside));
                continue;
            }
            UnixSocket outsideListener = listenerOf.get(p.ino());
            CrossingKind kind;
            SocketType type = s.type() != SocketType.UNKNOWN ? s.type() : p.type();
            if (outsideListener != null) kind = CrossingKind.STREAM_TO_NAMED_LISTENER; // not accepted yet
            else if (type == SocketType.DGRAM) kind = p.name().isNamed() ? CrossingKind.DGRAM_TO_NAMED : CrossingKind.SOCKETPAIR;
            else if (p.name().isNamed() && !s.name().isNamed()) kind = CrossingKind.STREAM_TO_NAMED_LISTENER;
            else if (s.name().isNamed() && !p.name().isNamed()) kind = CrossingKind.LISTENER_CLIENT_OUTSIDE;
            else if (s.name().isNamed()) kind = insideListenerNames.contains(s.name())
                    ? CrossingKind.LISTENER_CLIENT_OUTSIDE : CrossingKind.STREAM_TO_NAMED_LISTENER;
            else kind = CrossingKind.SOCKETPAIR;
            Raw r = new Raw(kind, s.key(), s.ino(), p.ino());
            r.ours = s;
            r.peer = p;
            r.insideHolders = ih;
            List<Holder> peerHolders = new ArrayList<>(p.holders());
            if (peerHolders.isEmpty() && outsideListener != null) {
                // the peer waits in an outside listener's queue: that listener's holders own it
                peerHolders.addAll(outsideListener.holders());
            }
            r.outsideHolders = peerHolders;
            r.ownerVisible = !peerHolders.isEmpty();
            out.add(r);
        }
        out.addAll(pendingFromOutside.values());
        for (Map.Entry<Long, List<UnixSocket>> e : dgramClientsOutside.entrySet()) {
            UnixSocket s = g.socket(e.getKey());
            if (s.type() != SocketType.DGRAM) continue;
            Raw r = new Raw(CrossingKind.DGRAM_SERVER_CLIENTS_OUTSIDE, s.key(), s.ino(), e.getValue().get(0).ino());
            r.ours = s;
            r.peer = e.getValue().get(0);
            List<Holder> ih = new ArrayList<>(), oh = new ArrayList<>();
            for (Holder h : s.holders()) if (inside.contains(h.pid())) ih.add(h);
            for (UnixSocket c : e.getValue()) oh.addAll(c.holders());
            r.insideHolders = ih;
            r.outsideHolders = oh;
            r.ownerVisible = !oh.isEmpty();
            out.add(r);
        }
    }

    private static Raw pending(UnixSocket embryo, UnixSocket client, UnixSocket listener, Set<Integer> inside) {
        Raw r = new Raw(CrossingKind.PENDING_CLIENT_OUTSIDE, embryo.key(), embryo.ino(), client.ino());
        r.ours = embryo;
        r.peer = client;
        List<Holder> ih = new ArrayList<>();
        if (listener != null) for (Holder h : listener.holders()) if (inside.contains(h.pid())) ih.add(h);
        r.insideHolders = ih;
        r.outsideHolders = client.holders();
        r.ownerVisible = !client.holders().isEmpty();
        if (listener != null) r.notes.add("waits in the accept queue of " + listener.key() + " " + listener.name().display());
        return r;
    }

    private static void pipes(IpcGraph g, Set<Integer> inside, List<Raw> out) {
        for (Pipe p : g.pipes().values()) {
            boolean readIn = false, readOut = false, writeIn = false, writeOut = false;
            for (Holder h : p.readers()) if (inside.contains(h.pid())) readIn = true; else readOut = true;
            for (Holder h : p.writers()) if (inside.contains(h.pid())) writeIn = true; else writeOut = true;
            if (!readIn && !writeIn) continue;
            List<Holder> ih = new ArrayList<>(), oh = new ArrayList<>();
            for (Holder h : union(p.readers(), p.writers())) {
                List<Holder> l = inside.contains(h.pid()) ? ih : oh;
                if (!l.contains(h)) l.add(h);
            }
            if (oh.isEmpty()) continue;
            Raw r;
            if (p.isFifo()) {
                r = new Raw(CrossingKind.FIFO_END_OUTSIDE, p.key(), p.ino(), p.ino());
            } else if (readIn && !writeIn && writeOut) {
                r = new Raw(CrossingKind.PIPE_WRITER_OUTSIDE, p.key(), p.ino(), p.ino());
                if (readOut) r.notes.add("the read end is also held outside");
            } else if (writeIn && !readIn && readOut) {
                r = new Raw(CrossingKind.PIPE_READER_OUTSIDE, p.key(), p.ino(), p.ino());
                if (writeOut) r.notes.add("the write end is also held outside");
            } else {
                r = new Raw(CrossingKind.SHARED_FD, p.key(), p.ino(), p.ino());
            }
            r.pipe = p;
            r.insideHolders = ih;
            r.outsideHolders = oh;
            out.add(r);
        }
    }

    private static List<Holder> union(List<Holder> a, List<Holder> b) {
        List<Holder> u = new ArrayList<>(a);
        u.addAll(b);
        return u;
    }

    private static boolean heldBy(UnixSocket s, Set<Integer> inside) {
        for (Holder h : s.holders()) if (inside.contains(h.pid())) return true;
        return false;
    }
}
