package org.criuatlas.share;

import org.criuatlas.model.GraphEdge;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.util.Set;

/**
 * A snapshot as Graphviz DOT: one node per process ({@code p<PID>}), the process tree, and every
 * socket, pipe and shared object between two processes as an edge, with the graph view's encodings
 * (stream solid, datagram dashed, seqpacket dotted, pipes pointing at the reader, shared objects
 * dotted with a diamond). Pure: returns the text.
 */
public final class DotWriter {
    private DotWriter() {}

    /** The graph view's light palette (org.criuatlas.ui.theme.Palette.LIGHT), so DOT renders look alike. */
    static final String PARENT = "#B8BEC8", STREAM = "#0072B2", DGRAM = "#2E8FC8", SEQPACKET = "#AA4A8C", PIPE = "#5A5F66",
            SHARED = "#8E6BBF", NODE_STROKE = "#3C4048", PLAN_FILL = "#CDE4F7", PLAN_STROKE = "#0B5394";

    public static String write(IpcGraph g, String title) {
        return write(g, title, Set.of());
    }

    /** {@code highlighted}: pids drawn as in a plan (filled, darker outline), e.g. the subtree a plan dumps. */
    public static String write(IpcGraph g, String title, Set<Integer> highlighted) {
        StringBuilder b = new StringBuilder();
        b.append("digraph \"").append(escape(title)).append("\" {\n");
        b.append("  graph [rankdir=TB, fontname=\"sans-serif\", label=\"").append(escape(title)).append("\", labelloc=t];\n");
        b.append("  node [shape=circle, fixedsize=false, style=filled, fillcolor=\"#FFFFFF\", color=\"").append(NODE_STROKE)
                .append("\", fontname=\"sans-serif\", fontsize=10];\n");
        b.append("  edge [fontname=\"sans-serif\", fontsize=8];\n");
        for (ProcessInfo p : g.processes().values()) {
            b.append("  p").append(p.pid()).append(" [label=\"").append(escape(p.comm())).append("\\n").append(p.pid()).append('"');
            if (p.isZombie()) b.append(", style=dashed");
            if (highlighted.contains(p.pid())) b.append(", fillcolor=\"").append(PLAN_FILL).append("\", color=\"").append(PLAN_STROKE).append("\", penwidth=2");
            b.append(", tooltip=\"").append(escape(p.commandText())).append("\"];\n");
        }
        for (GraphEdge e : g.edges()) {
            if (g.process(e.fromPid()) == null || g.process(e.toPid()) == null) continue;
            b.append("  p").append(e.fromPid()).append(" -> p").append(e.toPid()).append(" [");
            switch (e.kind()) {
                case PARENT_CHILD -> b.append("color=\"").append(PARENT).append("\", arrowhead=none");
                case PIPE -> {
                    Pipe p = g.pipe(inode(e.objectKey()));
                    b.append("color=\"").append(PIPE).append("\", label=\"").append(escape(p != null && p.isFifo() ? p.fifoPath() : e.objectKey())).append('"');
                }
                case SHARED -> b.append("color=\"").append(SHARED).append("\", style=dotted, dir=both, arrowhead=odiamond, arrowtail=none, label=\"")
                        .append(escape(e.objectKey())).append('"');
                case SOCKET_PEER -> {
                    UnixSocket s = g.socket(inode(e.objectKey()));
                    SocketType t = s == null ? null : s.type();
                    String colour = t == SocketType.DGRAM ? DGRAM : t == SocketType.SEQPACKET ? SEQPACKET : STREAM;
                    String style = t == SocketType.DGRAM ? "dashed" : t == SocketType.SEQPACKET ? "dotted" : "solid";
                    b.append("color=\"").append(colour).append("\", style=").append(style).append(", arrowhead=none, label=\"")
                            .append(escape(s != null && s.name().isNamed() ? s.name().display() : e.objectKey())).append('"');
                }
            }
            b.append("];\n");
        }
        b.append("}\n");
        return b.toString();
    }

    static long inode(String key) {
        if (key == null) return 0;
        int a = key.indexOf('['), z = key.indexOf(']');
        if (a < 0 || z < a) return 0;
        try {
            return Long.parseLong(key.substring(a + 1, z));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A DOT double-quoted string: quotes and backslashes escaped, control characters as spaces. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (Character.isISOControl(c)) b.append(' ');
            else b.append(c);
        }
        return b.toString();
    }
}
