package org.criuatlas.ui.vm;

import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.ui.graph.DanglingEnds;

import java.util.ArrayList;
import java.util.List;

/**
 * What the inspector shows for a selection: every property of the snapshot, with the related
 * processes and objects as links.
 *
 * @param title      heading ("bash (pid 812)", "unix socket 123456")
 * @param properties name/value lines in order; a line with a link jumps to it when clicked
 */
public record Inspection(String title, List<Property> properties) {
    /** One line; {@code link} is null for plain values. */
    public record Property(String name, String value, SelectedItem link) {}

    public static final Inspection EMPTY = new Inspection("Nothing selected", List.of());

    public Inspection {
        properties = List.copyOf(properties);
    }

    public static Inspection of(IpcGraph g, SelectedItem sel) {
        if (g == null || sel == null) return EMPTY;
        return switch (sel.kind()) {
            case PROCESS -> process(g, g.process(sel.pid()));
            case SOCKET -> g.socket(sel.id()) == null && g.inetSocket(sel.id()) != null
                    ? inet(g, g.inetSocket(sel.id())) : socket(g, g.socket(sel.id()));
            case PIPE -> pipe(g, g.pipe(sel.id()));
        };
    }

    private static Inspection process(IpcGraph g, ProcessInfo p) {
        if (p == null) return new Inspection("Process gone", List.of());
        List<Property> l = new ArrayList<>();
        l.add(new Property("pid", Integer.toString(p.pid()), null));
        ProcessInfo parent = g.process(p.ppid());
        l.add(new Property("parent", parent == null ? Integer.toString(p.ppid()) : parent.comm() + " (" + p.ppid() + ")",
                parent == null ? null : SelectedItem.process(p.ppid())));
        l.add(new Property("command", p.commandText(), null));
        l.add(new Property("uid", p.uid() < 0 ? "unknown" : Integer.toString(p.uid()), null));
        l.add(new Property("state", Character.toString(p.state()), null));
        l.add(new Property("process group", Integer.toString(p.pgid()), null));
        l.add(new Property("session", Integer.toString(p.sid()) + (p.isSessionLeader() ? " (leader)" : ""), null));
        l.add(new Property("tty", p.ttyNr() == 0 ? "none" : p.ttyNr() < 0 ? "unknown" : Long.toString(p.ttyNr()), null));
        l.add(new Property("net namespace", p.netNs() == 0 ? "unknown" : Long.toString(p.netNs()), null));
        // what the node's badges stand for: locks, SysV IPC, namespaces apart from CRIU's, listening sockets
        org.criuatlas.ui.graph.ObjectMarks.Mark mark = org.criuatlas.ui.graph.ObjectMarks.of(g).get(p.pid());
        if (mark != null) {
            for (String line : mark.text().split("\n")) {
                int c = line.indexOf(": ");
                l.add(new Property(c < 0 ? "badge" : line.substring(0, c), c < 0 ? line : line.substring(c + 2), null));
            }
        }
        for (int c : g.children(p.pid())) {
            ProcessInfo cp = g.process(c);
            l.add(new Property("child", cp.comm() + " (" + c + ")", SelectedItem.process(c)));
        }
        if (!p.fdsReadable()) l.add(new Property("fds", "not readable (no permission or the process exited)", null));
        for (FdInfo f : p.fds()) {
            SelectedItem link = SelectedItem.ofKey(f.objectKey());
            String extra = "";
            if (link != null && link.kind() == SelectedItem.Kind.SOCKET) {
                UnixSocket s = g.socket(f.inode());
                if (s != null) extra = "  " + s.type().label() + " " + s.state().label()
                        + (s.name().isNamed() ? " " + s.name().display() : "");
                org.criuatlas.model.InetSocket is = s == null ? g.inetSocket(f.inode()) : null;
                if (is != null) extra = "  " + is.describe();
            }
            l.add(new Property("fd " + f.fd(), f.target() + (f.mode().name().startsWith("UNK") ? "" : "  " + f.mode().name().toLowerCase()) + extra, link));
        }
        // files it maps whose name is gone (a library replaced while it ran): CRIU dumps them as ghost files
        for (org.criuatlas.model.DeletedMapping m : p.deletedMappings()) {
            l.add(new Property("deleted map", m.path() + (m.size() >= 0 ? "  " + m.size() + " bytes" : "")
                    + (m.nlink() > 0 ? ", " + m.nlink() + " other link" + (m.nlink() == 1 ? "" : "s") : ""), null));
        }
        return new Inspection(p.comm() + " (pid " + p.pid() + ")", l);
    }

    private static Inspection socket(IpcGraph g, UnixSocket s) {
        if (s == null) return new Inspection("Socket gone", List.of());
        List<Property> l = new ArrayList<>();
        l.add(new Property("inode", Long.toString(s.ino()), null));
        l.add(new Property("type", s.type().label(), null));
        l.add(new Property("state", s.state().label(), null));
        l.add(new Property("name", s.name().isNamed() ? s.name().display() : "none", null));
        UnixSocket peer = g.peerOf(s);
        if (s.peer() != 0) {
            l.add(new Property("peer", "socket:[" + s.peer() + "]" + (peer == null ? " (not in the snapshot)" : ""),
                    peer == null ? null : SelectedItem.socket(peer.ino())));
        } else {
            l.add(new Property("peer", "none", null));
        }
        for (UnixSocket c : g.socketsConnectedTo(s.ino())) {
            if (c.ino() != s.peer()) l.add(new Property("connected from", c.key(), SelectedItem.socket(c.ino())));
        }
        l.add(new Property("receive queue", Long.toString(s.recvQueue()), null));
        l.add(new Property("send queue", Long.toString(s.sendQueue()), null));
        for (long pend : s.pending()) l.add(new Property("pending connection", "socket:[" + pend + "]", SelectedItem.socket(pend)));
        holders(g, "holder", s.holders(), l);
        if (s.holders().isEmpty()) l.add(new Property("holder", "no visible process", null));
        if (peer != null) holders(g, "peer holder", peer.holders(), l);
        if (s.externalPeer()) {
            l.add(new Property("outside the dump", "CRIU's entry for the other end of a dumped socket; "
                    + "no process in the dump holds it", null));
        } else if (!s.holders().isEmpty() && s.peer() != 0 && (peer == null || peer.holders().isEmpty())) {
            l.add(new Property("other end", DanglingEnds.socketNote(s, peer, s.peer(), where(g), g.meta().privileged()), null));
        }
        return new Inspection("unix socket " + s.ino(), l);
    }

    /** A TCP/UDP socket: its addresses and state as {@code ss} prints them, its local peer, who holds both. */
    private static Inspection inet(IpcGraph g, org.criuatlas.model.InetSocket s) {
        List<Property> l = new ArrayList<>();
        l.add(new Property("inode", Long.toString(s.ino()), null));
        l.add(new Property("protocol", s.protocol().label() + (s.family() == org.criuatlas.model.InetFamily.IPV6 ? "6" : ""), null));
        l.add(new Property("state", s.state().ssLabel, null));
        l.add(new Property("local", s.local().display(), null));
        l.add(new Property("remote", s.hasRemote() ? s.remote().display() : "none", null));
        org.criuatlas.model.InetSocket peer = g.peerOf(s);
        l.add(new Property("peer", peer != null ? peer.key() + " (on this host)" : s.hasRemote() ? "not on this host (remote endpoint)"
                : "none", peer == null ? null : SelectedItem.socket(peer.ino())));
        l.add(new Property("receive queue", Long.toString(s.recvQueue()), null));
        l.add(new Property("send queue", Long.toString(s.sendQueue()), null));
        l.add(new Property("net namespace", Long.toString(s.netNs()), null));
        holders(g, "holder", s.holders(), l);
        if (s.holders().isEmpty()) l.add(new Property("holder", "no visible process", null));
        if (peer != null) holders(g, "peer holder", peer.holders(), l);
        return new Inspection(s.protocol().label() + " socket " + s.ino(), l);
    }

    private static Inspection pipe(IpcGraph g, Pipe p) {
        if (p == null) return new Inspection("Pipe gone", List.of());
        List<Property> l = new ArrayList<>();
        l.add(new Property("inode", Long.toString(p.ino()), null));
        l.add(new Property("kind", p.isFifo() ? "FIFO " + p.fifoPath() : "anonymous pipe", null));
        holders(g, "writer", p.writers(), l);
        holders(g, "reader", p.readers(), l);
        l.add(new Property("queued bytes", p.queuedBytes() < 0 ? "unknown" : Long.toString(p.queuedBytes()), null));
        if (p.readers().isEmpty() != p.writers().isEmpty()) {
            l.add(new Property("other end", DanglingEnds.pipeNote(p, p.readers().isEmpty(), where(g)), null));
        }
        return new Inspection((p.isFifo() ? "FIFO " : "pipe ") + p.ino(), l);
    }

    private static DanglingEnds.Where where(IpcGraph g) {
        return g.meta().source() == IpcGraph.Source.IMAGES ? DanglingEnds.Where.OUTSIDE_DUMP : DanglingEnds.Where.OWNER_UNKNOWN;
    }

    private static void holders(IpcGraph g, String name, List<Holder> hs, List<Property> l) {
        for (Holder h : hs) {
            ProcessInfo p = g.process(h.pid());
            l.add(new Property(name, (p == null ? "pid " + h.pid() : p.comm() + " (" + h.pid() + ")") + ", fd " + h.fd(),
                    SelectedItem.process(h.pid())));
        }
    }
}
