package org.criuatlas.plan;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.plan.CrossingDiscovery.Raw;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.criuatlas.plan.DumpPlanner.comm;
import static org.criuatlas.plan.DumpPlanner.commonAncestor;

/**
 * What CRIU does with each crossing {@link CrossingDiscovery} found: the options the decisions
 * amount to as CRIU reads them ({@link #options}), CRIU's check of an external unix socket, and
 * for every crossing the prediction without and with the decisions, the fixes (including the
 * tempting ones that do not work), the notes and what the restore must then be given. Pure: no I/O.
 */
final class CrossingRules {
    private CrossingRules() {}

    /** Options as CRIU will read them. */
    record Opts(Set<String> external, boolean extUnixSk, boolean shellJob) {}

    /** The options the decisions amount to, as CRIU reads them, for these crossings. */
    static Opts options(Decisions d, List<Raw> raws) {
        Set<String> external = new TreeSet<>();
        for (long ino : d.external()) external.add(ObjectKey.ofSocket(ino).externalUnix());
        if (d.extUnixSk()) for (long ino : d.legacyUnixSkIno()) external.add(ObjectKey.ofSocket(ino).externalUnix());
        boolean extUnixSk = d.extUnixSk();
        for (Raw r : raws) {
            if (!d.reconnectByName().contains(r.ourIno)) continue;
            // a datagram peer with a name passes on ext_unix_sk alone; a stream one needs its own exception
            if (r.kind == CrossingKind.DGRAM_TO_NAMED) extUnixSk = true;
            else if (r.kind == CrossingKind.STREAM_TO_NAMED_LISTENER) external.add(ObjectKey.ofSocket(r.ourIno).externalUnix());
        }
        return new Opts(external, extUnixSk, d.shellJob());
    }

    /** Per-plan memo: subtree sizes and common ancestors repeat across hundreds of crossings. */
    static final class Cache {
        final IpcGraph g;
        final Map<Integer, Integer> size = new HashMap<>();
        final Map<List<Integer>, Integer> lca = new HashMap<>();

        Cache(IpcGraph g) { this.g = g; }

        int size(int pid) { return size.computeIfAbsent(pid, p -> g.subtree(p).size()); }
    }

    /** CRIU's check of one dumped socket whose peer was not dumped (sk-unix.c, 4.1.1), in CRIU's order. */
    private static Prediction externalCheck(UnixSocket ours, UnixSocket peer, Opts o) {
        if (o.external.contains(ObjectKey.ofSocket(ours.ino()).externalUnix()))
            return Prediction.dumps("marked external: unix[" + ours.ino() + "]");
        if (!o.extUnixSk)
            return Prediction.fails(CriuError.of(CriuErrorKind.EXTERNAL_SOCKET_USED,
                    "unix: External socket is used. Consider using --ext-unix-sk option."), "the other end is outside the dump");
        if (peer.type() != SocketType.DGRAM)
            return Prediction.fails(CriuError.of(CriuErrorKind.HALF_STREAM_CONNECTION, "unix: Can't dump half of stream unix connection. name: "
                    + criuName(ours.name()) + "; peer name: " + criuName(peer.name())),
                    "--ext-unix-sk only covers datagram sockets; a stream or seqpacket connection needs unix[" + ours.ino() + "]");
        if (!peer.name().isNamed())
            return Prediction.fails(CriuError.of(CriuErrorKind.NAMELESS_EXTERNAL_SOCKET, "unix: Can't dump name-less external socket."),
                    "--ext-unix-sk reconnects by name, and the other end has none; it needs unix[" + ours.ino() + "]");
        return Prediction.dumps("--ext-unix-sk: reconnected to " + peer.name().display() + " at restore");
    }

    /** How CRIU prints a socket name in "Can't dump half...": the path, or (null). */
    private static String criuName(SocketName n) {
        return switch (n.kind()) {
            case NONE -> "(null)";
            case PATH -> n.value();
            case ABSTRACT -> ""; // an abstract name starts with a NUL byte, so %s prints nothing
        };
    }

    /** One crossing as CRIU treats it: the prediction without and with the options {@code o}, its fixes, notes and restore obligation. */
    static Crossing judge(IpcGraph g, int root, Raw r, Opts o, Decisions d, Cache cache) {
        List<Fix> fixes = new ArrayList<>();
        List<String> notes = new ArrayList<>(r.notes);
        Prediction without;
        Prediction with;
        RestoreObligation obligation = null;
        Holder firstInside = r.insideHolders.isEmpty() ? null : r.insideHolders.get(0);
        int pullRoot = pullInRoot(cache, root, r.outsideHolders);
        String pullText = pullText(cache, root, pullRoot);
        Opts none = new Opts(Set.of(), false, false);
        switch (r.kind) {
            case PENDING_CLIENT_OUTSIDE -> {
                // measured (4.1.1): the dump succeeds; CRIU writes the listener only, the queued connection is not in the image
                without = Prediction.dumps("CRIU dumps the listener without its queued connections");
                with = without;
                notes.add("the connection from " + who(g, r.outsideHolders) + " is not accepted yet and is not part of the dump:"
                        + " after restore the listener's queue is empty and that client must connect again");
                fixes.add(new Fix(Fix.Kind.ACCEPT, "accept", "the waiting client loses its connection at restore", 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the client into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
            }
            case SOCKETPAIR, LISTENER_CLIENT_OUTSIDE, STREAM_TO_NAMED_LISTENER, DGRAM_TO_NAMED -> {
                if (r.queued) {
                    // measured (4.1.1): dumps with no option at all (and with unix[ino] or --ext-unix-sk alike): CRIU
                    // keeps a connection still in a listener's queue as one in flight to that listener's name
                    without = Prediction.dumps("CRIU dumps a connection still waiting in a listener's queue as one in flight to "
                            + r.peer.name().display());
                    with = without;
                    notes.add("not accepted yet by " + peerOrKey(r.peer) + " of " + who(g, r.outsideHolders)
                            + ": whatever the server would have said on this connection is not in the dump");
                    if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the listener into the dump: dump from pid " + pullRoot,
                            pullText, pullRoot, pullRoot > 1));
                    break;
                }
                without = externalCheck(r.ours, r.peer, none);
                with = externalCheck(r.ours, r.peer, o);
                String type = r.ours.type().label();
                boolean named = r.peer.name().isNamed();
                String ext = "unix[" + r.ourIno + "]";
                String peerWho = who(g, r.outsideHolders);
                if (r.kind == CrossingKind.DGRAM_TO_NAMED) {
                    fixes.add(new Fix(Fix.Kind.RECONNECT_BY_NAME, "reconnect by name: --ext-unix-sk",
                            "dumps; at restore CRIU connects a new datagram socket to " + r.peer.name().display()
                                    + ", which must exist then; datagrams still queued at the server are not in the dump", 0, true));
                    fixes.add(new Fix(Fix.Kind.MARK_EXTERNAL, "mark external: " + ext,
                            "dumps; at restore CRIU reconnects it to " + r.peer.name().display() + " by name", 0, true));
                } else if (r.kind == CrossingKind.STREAM_TO_NAMED_LISTENER) {
                    fixes.add(new Fix(Fix.Kind.MARK_EXTERNAL, "mark external: " + ext,
                            "dumps; at restore hand in a new " + type + " socket connected to " + r.peer.name().display()
                                    + " (--inherit-fd fd[N]:socket:[" + r.ourIno + "]); CRIU Atlas can connect it for you", 0, true));
                    fixes.add(new Fix(Fix.Kind.RECONNECT_BY_NAME, "mark external " + ext + ", reconnect by name at restore",
                            "dumps; at restore (--ext-unix-sk) CRIU makes a fresh connection to " + r.peer.name().display()
                                    + ": the server must accept it again and the peer's protocol state is lost"
                                    + " — D-Bus, X11/ICE, Wayland usually break", 0, true));
                } else {
                    fixes.add(new Fix(Fix.Kind.MARK_EXTERNAL, "mark external: " + ext,
                            "dumps; at restore you must hand in a new " + type + " socket in its place (--inherit-fd fd[N]:socket:["
                                    + r.ourIno + "]); CRIU Atlas can create the pair for you and give the other end to "
                                    + (r.outsideHolders.isEmpty() ? "whoever talks to it" : peerWho), 0, true));
                }
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the peer into the dump: dump from pid " + pullRoot,
                        pullText + "; the connection is then inside and comes back as it was", pullRoot, pullRoot > 1));
                // the tempting options that do not work, with what CRIU says instead
                fixes.add(new Fix(Fix.Kind.WRONG, "mark the outside end unix[" + r.outsideIno + "]",
                        "does nothing: CRIU looks up the inode of the end inside the dump; still \"External socket is used\"", 0, false));
                if (r.kind != CrossingKind.DGRAM_TO_NAMED) {
                    CriuError e = externalCheck(r.ours, r.peer, new Opts(Set.of(), true, false)).error();
                    fixes.add(new Fix(Fix.Kind.WRONG, "--ext-unix-sk (as CRIU's message suggests)",
                            "still fails: \"" + e.text() + "\"" + (named ? "" : "; and at restore it would crash the task (SIGSEGV)"), 0, false));
                    fixes.add(new Fix(Fix.Kind.WRONG, "unix_sk_ino without ext_unix_sk (RPC)",
                            "ignored by CRIU unless ext_unix_sk is also set", 0, false));
                }
                if (with.outcome().dumps()) {
                    if (r.kind == CrossingKind.DGRAM_TO_NAMED) {
                        notes.add("restore needs nothing: CRIU reconnects it to " + r.peer.name().display() + " by name (the name must exist then)");
                    } else if (named) {
                        boolean reconnect = d.reconnectByName().contains(r.ourIno) || d.extUnixSk();
                        obligation = new RestoreObligation(r.key, RestoreObligation.Kind.INHERIT_OR_RECONNECT_SOCKET, r.ourIno, firstInside,
                                r.ours.type(), r.peer.name(), false, reconnect
                                ? "restore with --ext-unix-sk: CRIU connects a fresh " + type + " socket to " + r.peer.name().display()
                                        + " (the server must accept again; protocol state is lost), or hand in a connected socket as "
                                        + r.key
                                : "hand in a new " + type + " socket connected to " + r.peer.name().display() + " as " + r.key
                                        + " (--inherit-fd), or restore with --ext-unix-sk for a fresh connection by name");
                    } else {
                        obligation = new RestoreObligation(r.key, RestoreObligation.Kind.INHERIT_SOCKET, r.ourIno, firstInside,
                                r.ours.type(), SocketName.NONE, false,
                                "hand in one end of a new " + type + " socket pair as " + r.key + " (--inherit-fd fd[N]:" + r.key
                                        + ", N = an fd of the criu process) and give the other end to " + peerWho
                                        + "; --ext-unix-sk instead crashes the restored task; --external on restore does nothing");
                    }
                }
            }
            case DGRAM_SERVER_CLIENTS_OUTSIDE -> {
                without = Prediction.dumps("CRIU does not look at who is connected to a datagram server");
                with = without;
                notes.add("after restore " + r.ours.name().display() + " is bound again as a new socket: clients outside that"
                        + " connect()ed to the old one get ECONNREFUSED until they reconnect; sendto() by name keeps working");
                fixes.add(new Fix(Fix.Kind.ACCEPT, "accept", "clients outside must reconnect after a restore", 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the clients into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
            }
            case PEER_NOT_VISIBLE -> {
                if (g.meta() != null && g.meta().source() == org.criuatlas.model.IpcGraph.Source.LIVE) {
                    without = Prediction.fails(CriuError.of(CriuErrorKind.UNIX_PEER_MISSING, "unix: Unix socket " + r.ourIno
                            + " without peer " + r.outsideIno), "the peer socket is not in this network namespace's socket table");
                } else {
                    without = Prediction.unknown("the peer socket " + r.outsideIno + " is not in the snapshot");
                }
                with = without;
                notes.add("the scan cannot see socket " + r.outsideIno + " (another network namespace, or it closed during the scan)");
            }
            case PIPE_WRITER_OUTSIDE, PIPE_READER_OUTSIDE -> {
                boolean readInside = r.kind == CrossingKind.PIPE_WRITER_OUTSIDE;
                String brokenHow = readInside
                        ? "after restore the reader inside sees end-of-file: nobody writes into the new pipe"
                        : "after restore the writer inside gets EPIPE/SIGPIPE: nobody reads the new pipe";
                without = Prediction.breaks("CRIU dumps its own end; " + brokenHow);
                fixes.add(new Fix(Fix.Kind.INHERIT_PIPE, "hand in a pipe at restore: --inherit-fd fd[N]:" + r.key,
                        "the restore gets a new pipe's " + (readInside ? "read" : "write") + " end in its place; CRIU Atlas can create it"
                                + " and keep the other end for " + who(g, r.outsideHolders), 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the other end into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
                obligation = new RestoreObligation(r.key, RestoreObligation.Kind.INHERIT_PIPE, r.ourIno, firstInside, null,
                        SocketName.NONE, readInside, "hand in the " + (readInside ? "read" : "write") + " end of a new pipe as " + r.key
                        + " (--inherit-fd fd[N]:" + r.key + "); without it " + brokenHow.substring("after restore ".length()));
                with = d.inheritAtRestore().contains(r.key)
                        ? Prediction.dumps("a new pipe end will be handed in at restore")
                        : without;
            }
            case FIFO_END_OUTSIDE -> {
                without = Prediction.dumps("CRIU reopens a FIFO by its path at restore");
                with = without;
                notes.add("at restore CRIU opens " + r.pipe.fifoPath() + " again, so the outside end is reached again if the FIFO still exists;"
                        + " bytes that were in the FIFO are written back into it");
            }
            case SHARED_FD -> {
                without = Prediction.dumps("CRIU cannot see holders outside the tree");
                with = without;
                notes.add("after restore " + who(g, r.outsideHolders) + " still holds the old " + r.key
                        + " and the restored processes a fresh copy: they no longer share it");
                fixes.add(new Fix(Fix.Kind.ACCEPT, "accept", "the outside holder keeps the old object; the sharing ends at restore", 0, true));
                if (pullRoot != 0) fixes.add(new Fix(Fix.Kind.PULL_IN, "pull the other holder into the dump: dump from pid " + pullRoot,
                        pullText, pullRoot, pullRoot > 1));
            }
            case SESSION_OUTSIDE -> {
                without = Prediction.fails(CriuError.of(CriuErrorKind.NOT_SESSION_LEADER, "The root process " + root
                        + " is not a session leader. Consider using --shell-job option"), "its session leader is outside the dump");
                with = o.shellJob ? Prediction.dumps("--shell-job") : without;
                fixes.add(new Fix(Fix.Kind.SHELL_JOB, "shell job: --shell-job",
                        "dumps; the restored tree joins the session of whoever runs the restore (restore with --shell-job too)", 0, true));
                int leader = r.outsideHolders.isEmpty() ? 0 : r.outsideHolders.get(0).pid();
                if (leader > 1 && g.subtree(leader).contains(root))
                    fixes.add(new Fix(Fix.Kind.PULL_IN, "dump from the session leader pid " + leader, pullText(cache, root, leader), leader, true));
            }
            case TTY_OUTSIDE -> {
                without = Prediction.fails(r.ttyError, "the terminal's other side is outside the dump");
                with = o.shellJob ? Prediction.dumps("--shell-job") : without;
                fixes.add(new Fix(Fix.Kind.SHELL_JOB, "shell job: --shell-job",
                        "dumps; at restore the tree gets the terminal of whoever runs the restore (restore with --shell-job too)", 0, true));
            }
            default -> throw new IllegalStateException(r.kind.name());
        }
        if (!r.ownerVisible && r.outsideHolders.isEmpty() && r.kind != CrossingKind.TTY_OUTSIDE)
            notes.add("owner not visible: no process the scan can see holds the other end (no permission, or it is in flight)");
        SocketType st = r.ours == null ? null : r.ours.type();
        return new Crossing(r.kind, r.key, r.ourIno, r.outsideIno, st, r.ours == null ? null : r.ours.name(),
                r.peer == null ? null : r.peer.name(), r.insideHolders, r.outsideHolders, r.ownerVisible, without, fixes, with,
                obligation, notes);
    }

    /** The root that would take the outside holders along, 0 when none is known. */
    private static int pullInRoot(Cache c, int root, List<Holder> outside) {
        if (outside.isEmpty()) return 0;
        Set<Integer> pids = new TreeSet<>();
        pids.add(root);
        for (Holder h : outside) pids.add(h.pid());
        return c.lca.computeIfAbsent(List.copyOf(pids), k -> commonAncestor(c.g, k));
    }

    private static String pullText(Cache c, int root, int newRoot) {
        IpcGraph g = c.g;
        if (newRoot == 0) return "";
        if (newRoot == 1) return "only init (pid 1) has both in its subtree, and CRIU cannot dump init";
        int more = c.size(newRoot) - c.size(root);
        ProcessInfo np = g.process(newRoot);
        String session = np != null && np.sid() > 0 && np.sid() != newRoot
                ? " (it does not lead its own session either: that dump needs --shell-job)" : "";
        return "pid " + newRoot + " (" + comm(g, newRoot) + ") has both sides in its subtree; dumping from it takes "
                + more + " more process" + (more == 1 ? "" : "es") + " along" + session;
    }

    private static String who(IpcGraph g, List<Holder> hs) {
        if (hs.isEmpty()) return "the process outside (not visible)";
        Set<Integer> pids = new LinkedHashSet<>();
        for (Holder h : hs) pids.add(h.pid());
        List<String> parts = new ArrayList<>();
        for (int pid : pids) parts.add("pid " + pid + " (" + comm(g, pid) + ")");
        return String.join(", ", parts);
    }

    private static String peerOrKey(UnixSocket s) {
        return s.name().isNamed() ? s.name().display() : s.key();
    }
}
