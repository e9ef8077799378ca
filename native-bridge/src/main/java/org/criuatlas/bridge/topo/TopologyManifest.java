package org.criuatlas.bridge.topo;

import org.criuatlas.bridge.topo.Topology.End;
import org.criuatlas.bridge.topo.Topology.ObjectInfo;
import org.criuatlas.bridge.topo.Topology.Proc;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the director printed once everything was set up: the processes with their pids, the
 * objects, and every end (which process holds which object at which fd, with its inode).
 * Parsing is pure, so it is tested on text.
 */
public record TopologyManifest(int directorPid, Map<String, Proc> processes, Map<String, ObjectInfo> objects, List<End> ends) {

    public TopologyManifest {
        processes = Collections.unmodifiableMap(new LinkedHashMap<>(processes));
        objects = Collections.unmodifiableMap(new LinkedHashMap<>(objects));
        ends = List.copyOf(ends);
    }

    /** Parses manifest lines up to and including {@code ready}; fails on anything malformed. */
    public static TopologyManifest parse(List<String> lines) {
        int director = -1;
        Map<String, Proc> procs = new LinkedHashMap<>();
        Map<String, ObjectInfo> objects = new LinkedHashMap<>();
        List<End> ends = new ArrayList<>();
        boolean ready = false;
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) continue;
            String[] w = line.trim().split("\\s+");
            try {
                switch (w[0]) {
                    case "director" -> {
                        need(w, 2);
                        director = Integer.parseInt(w[1]);
                    }
                    case "proc" -> {
                        need(w, 4);
                        procs.put(w[1], new Proc(w[1], Integer.parseInt(w[2]), w[3].equals("-") ? null : w[3], attrs(w, 4)));
                    }
                    case "object" -> {
                        need(w, 6);
                        objects.put(w[1], new ObjectInfo(w[1], w[2], socketType(w[3]), address(w[4]),
                                w[5].equals("-") ? null : w[5], attrs(w, 6)));
                    }
                    case "end" -> {
                        need(w, 7);
                        ends.add(new End(w[1], w[2], w[3], Integer.parseInt(w[4]), Integer.parseInt(w[5]), Long.parseLong(w[6]),
                                attrs(w, 7)));
                    }
                    case "ready" -> ready = true;
                    default -> throw new IllegalArgumentException("unknown line kind '" + w[0] + "'");
                }
            } catch (RuntimeException e) {
                throw new TopologyException("bad manifest line " + n + " '" + line + "': " + e.getMessage(), e);
            }
            if (ready) break;
        }
        if (!ready) throw new TopologyException("manifest ended without 'ready'");
        if (director <= 0) throw new TopologyException("manifest has no director line");
        for (End e : ends) {
            if (!procs.containsKey(e.process())) throw new TopologyException("manifest end names unknown process " + e.process());
            if (!objects.containsKey(e.object())) throw new TopologyException("manifest end names unknown object " + e.object());
        }
        return new TopologyManifest(director, procs, objects, ends);
    }

    /**
     * {@code key=value} words from {@code from} on; a value's blanks, backslashes and '#' come as
     * octal escapes ({@code \040}), like /proc/mounts. A key given twice keeps its first value.
     */
    static Map<String, String> attrs(String[] w, int from) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = from; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("expected key=value, got '" + w[i] + "'");
            out.putIfAbsent(w[i].substring(0, eq), unescape(w[i].substring(eq + 1)));
        }
        return out;
    }

    static String unescape(String v) {
        if (v.indexOf('\\') < 0) return v;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 3 < v.length() && v.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                s.append((char) Integer.parseInt(v.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private static void need(String[] w, int count) {
        if (w.length < count) throw new IllegalArgumentException("expected " + count + " words, got " + w.length);
    }

    private static SocketType socketType(String s) {
        return switch (s) {
            case "stream" -> SocketType.STREAM;
            case "dgram" -> SocketType.DGRAM;
            case "seqpacket" -> SocketType.SEQPACKET;
            case "-" -> null;
            default -> throw new IllegalArgumentException("unknown socket type " + s);
        };
    }

    private static SocketName address(String s) {
        if (s.equals("-")) return SocketName.NONE;
        if (s.startsWith("path=")) return SocketName.path(s.substring(5));
        if (s.startsWith("abstract=")) return SocketName.abstractName(s.substring(9));
        throw new IllegalArgumentException("bad address " + s);
    }
}
