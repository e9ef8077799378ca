package org.criuatlas.ui.graph;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestorePreview.Conflict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The restore preview's conflicts placed on the image graph: a pid in use marks that process; a socket
 * path gone or taken marks the socket (its edges, by key) and, when the graph draws no edge for it, the
 * process holding it; a file missing or changed marks the process holding it. Each mark keeps the worst
 * severity and one short caption per conflict. Pure.
 *
 * @param pids     process marks: pid to whether something there blocks the restore (true) or only warns
 * @param keys     socket marks: {@code socket:[INO]} to blocks/warns
 * @param captions short words per marked pid ("pid 412 in use"), in the preview's order
 * @param keyCaptions short words per marked socket key
 */
public record RestoreMarks(Map<Integer, Boolean> pids, Map<String, Boolean> keys, Map<Integer, List<String>> captions,
                           Map<String, List<String>> keyCaptions) {
    public static final RestoreMarks NONE = new RestoreMarks(Map.of(), Map.of(), Map.of(), Map.of());

    public RestoreMarks {
        pids = Map.copyOf(pids);
        keys = Map.copyOf(keys);
        captions = Map.copyOf(captions);
        keyCaptions = Map.copyOf(keyCaptions);
    }

    public boolean isEmpty() { return pids.isEmpty() && keys.isEmpty(); }

    /** The marks of {@code p} on the graph of the images it was made for. */
    public static RestoreMarks of(RestorePreview p, IpcGraph image) {
        if (p == null || image == null) return NONE;
        Map<Integer, Boolean> pids = new LinkedHashMap<>();
        Map<String, Boolean> keys = new LinkedHashMap<>();
        Map<Integer, List<String>> captions = new LinkedHashMap<>();
        Map<String, List<String>> keyCaptions = new LinkedHashMap<>();
        for (Conflict c : p.conflicts()) {
            boolean blocks = c.severity() == RestorePreview.Severity.BLOCKS;
            String words = caption(c);
            switch (c.kind()) {
                case SOCKET_PATH_MISSING, SOCKET_PATH_EXISTS -> {
                    Set<String> ks = socketKeys(image, c.subject(), c.kind() == RestorePreview.Kind.SOCKET_PATH_MISSING);
                    for (String k : ks) {
                        keys.merge(k, blocks, Boolean::logicalOr);
                        keyCaptions.computeIfAbsent(k, x -> new ArrayList<>()).add(words);
                    }
                    // the holders too: the graph may draw no edge for a socket whose peer is gone
                    for (int pid : c.pids()) mark(pids, captions, pid, blocks, words);
                }
                default -> {
                    for (int pid : c.pids()) mark(pids, captions, pid, blocks, words);
                }
            }
        }
        return new RestoreMarks(pids, keys, captions, keyCaptions);
    }

    private static void mark(Map<Integer, Boolean> pids, Map<Integer, List<String>> captions, int pid, boolean blocks, String words) {
        pids.merge(pid, blocks, Boolean::logicalOr);
        List<String> l = captions.computeIfAbsent(pid, x -> new ArrayList<>());
        if (!l.contains(words)) l.add(words);
    }

    /**
     * The image's sockets the path concerns: bound to it (taken), or, for a peer outside the dump that was
     * bound there (gone), that peer's entry and the dumped sockets connected to it.
     */
    static Set<String> socketKeys(IpcGraph g, String path, boolean peerPath) {
        Set<String> out = new LinkedHashSet<>();
        for (UnixSocket s : g.sockets().values()) {
            if (s.name().kind() != SocketName.Kind.PATH || !s.name().value().equals(path)) continue;
            if (s.externalPeer() != peerPath) continue;
            out.add(s.key());
            if (peerPath) {
                for (UnixSocket in : g.sockets().values()) if (in.peer() == s.ino() && !in.externalPeer()) out.add(in.key());
            }
        }
        return out;
    }

    /** A few words for the graph: what it is and its subject. */
    public static String caption(Conflict c) {
        String sym = c.severity() == RestorePreview.Severity.BLOCKS ? "\u2716 " : "\u26a0 ";
        return sym + switch (c.kind()) {
            case PID_TAKEN -> c.subject() + " in use";
            case SOCKET_PATH_MISSING -> "socket path gone: " + c.subject();
            case SOCKET_PATH_EXISTS -> "socket path taken: " + c.subject();
            case FILE_MISSING -> "file missing: " + c.subject();
            case FILE_SIZE_CHANGED -> "file size changed: " + c.subject();
            case FILE_BUILD_ID_CHANGED -> "rebuilt since the dump: " + c.subject();
            case FILE_MODIFIED -> "file modified: " + c.subject();
        };
    }
}
