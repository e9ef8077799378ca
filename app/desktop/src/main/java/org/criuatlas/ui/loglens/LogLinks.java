package org.criuatlas.ui.loglens;

import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the inodes and pids a log line names (as the parser found them) in its message text and
 * keeps those the graph knows. Pure.
 */
public final class LogLinks {
    private LogLinks() {}

    public static List<LogLink> extract(CriuLogLine line, IpcGraph graph) {
        if (graph == null || (line.inodes().isEmpty() && line.pids().isEmpty())) return List.of();
        String msg = line.message();
        List<LogLink> out = new ArrayList<>();
        for (long ino : line.inodes()) {
            LogLink.Kind kind;
            String key;
            if (graph.socket(ino) != null) {
                kind = LogLink.Kind.SOCKET;
                key = ObjectKeys.socket(ino);
            } else if (graph.pipe(ino) != null) {
                kind = LogLink.Kind.PIPE;
                key = ObjectKeys.pipe(ino);
            } else {
                continue;
            }
            for (int[] span : occurrences(msg, Long.toString(ino))) out.add(new LogLink(span[0], span[1], kind, ino, key));
        }
        for (int pid : line.pids()) {
            if (graph.process(pid) == null) continue;
            for (int[] span : occurrences(msg, Integer.toString(pid))) {
                if (out.stream().noneMatch(l -> l.start() == span[0]))
                    out.add(new LogLink(span[0], span[1], LogLink.Kind.PROCESS, pid, LogLink.processKey(pid)));
            }
        }
        out.sort(Comparator.comparingInt(LogLink::start));
        return out;
    }

    /** Where {@code number} occurs as a whole number (not inside a longer one). */
    static List<int[]> occurrences(String text, String number) {
        List<int[]> spans = new ArrayList<>();
        int from = 0;
        while (true) {
            int i = text.indexOf(number, from);
            if (i < 0) return spans;
            int end = i + number.length();
            boolean before = i > 0 && Character.isDigit(text.charAt(i - 1));
            boolean after = end < text.length() && Character.isDigit(text.charAt(end));
            if (!before && !after) spans.add(new int[] {i, end});
            from = end;
        }
    }
}
