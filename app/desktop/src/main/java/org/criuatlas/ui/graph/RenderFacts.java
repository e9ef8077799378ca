package org.criuatlas.ui.graph;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;

/** Small facts {@link RenderGraph#build} reads off a snapshot: what a subtree is, an object key's inode, who a pipe joins. Pure. */
final class RenderFacts {
    private RenderFacts() {}

    /**
     * What a subtree is, in the user's words: a container (its runtime's shim), a session (a
     * session leader below a login or a terminal), a service (a child of init), else a tree.
     */
    static byte groupKind(IpcGraph g, ProcessInfo p) {
        String c = p.comm();
        if (c.startsWith("containerd-shim") || c.equals("conmon") || c.equals("runc") || c.equals("crun")) return RenderGraph.G_CONTAINER;
        ProcessInfo parent = g.process(p.ppid());
        if (p.ppid() == 1 && !(c.equals("systemd") && p.pid() != 1)) return RenderGraph.G_SERVICE;
        if (p.sid() == p.pid() || (c.equals("systemd") && p.pid() != 1) || c.startsWith("gnome-session")
                || (parent != null && parent.comm().startsWith("sshd"))) return RenderGraph.G_SESSION;
        return RenderGraph.G_TREE;
    }

    static boolean joins(Pipe p, int a, int b) {
        boolean aw = p.writers().stream().anyMatch(h -> h.pid() == a), ar = p.readers().stream().anyMatch(h -> h.pid() == a);
        boolean bw = p.writers().stream().anyMatch(h -> h.pid() == b), br = p.readers().stream().anyMatch(h -> h.pid() == b);
        return (aw && br) || (bw && ar);
    }

    static long inode(String key) {
        if (key == null) return -1;
        int a = key.indexOf('[');
        int b = key.indexOf(']');
        if (a < 0 || b < a) return -1;
        try {
            return Long.parseLong(key.substring(a + 1, b));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
