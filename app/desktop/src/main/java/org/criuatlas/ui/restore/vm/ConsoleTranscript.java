package org.criuatlas.ui.restore.vm;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;

/**
 * A console's lines in order, each marked with who wrote it: the user ({@link Direction#SENT}) or
 * the restored process ({@link Direction#RECEIVED}). Received text comes in arbitrary chunks; a
 * chunk without its newline leaves the line open and the next chunk continues it. One batch is one
 * list change, and only the last {@link #LINE_LIMIT} lines are kept, so bursts stay cheap for a
 * virtualized list. Not thread-safe: the UI thread owns it.
 */
public final class ConsoleTranscript {
    /** Lines kept; older ones drop off the top. */
    public static final int LINE_LIMIT = 5000;
    /** A longer line is cut into pieces of this many characters (a text cell cannot lay out megabytes). */
    public static final int LINE_CHARS = 2000;

    public enum Direction {
        SENT("→ "), RECEIVED("← ");

        private final String prefix;

        Direction(String prefix) { this.prefix = prefix; }

        /** The arrow shown before the line's text. */
        public String prefix() { return prefix; }
    }

    public record Line(Direction direction, String text) {
        /** As copied: arrow, text. */
        @Override public String toString() { return direction.prefix() + text; }
    }

    private final ObservableList<Line> lines = FXCollections.observableArrayList();
    private final ObservableList<Line> linesView = FXCollections.unmodifiableObservableList(lines);
    /** The last line is received text still waiting for its newline. */
    private boolean receivedOpen;

    public ObservableList<Line> lines() { return linesView; }

    /** A line the user sent (without its newline). */
    public void sent(String line) {
        receivedOpen = false;
        List<Line> add = new ArrayList<>();
        for (String piece : pieces(line)) add.add(new Line(Direction.SENT, piece));
        append(null, add);
    }

    /** A chunk of what the restored process wrote, as it arrived. */
    public void received(String chunk) {
        if (chunk == null || chunk.isEmpty()) return;
        String open = receivedOpen && !lines.isEmpty() ? lines.get(lines.size() - 1).text() : null;
        String text = open != null ? open + chunk : chunk;
        boolean endsOpen = !text.endsWith("\n");
        String[] parts = text.split("\n", -1);
        int n = endsOpen ? parts.length : parts.length - 1; // a trailing newline leaves an empty last part
        List<Line> add = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String p = parts[i].endsWith("\r") ? parts[i].substring(0, parts[i].length() - 1) : parts[i];
            List<String> cut = pieces(p);
            for (int j = 0; j < cut.size(); j++) add.add(new Line(Direction.RECEIVED, cut.get(j)));
        }
        Line replaceLast = null;
        if (open != null && !add.isEmpty()) replaceLast = add.remove(0);
        receivedOpen = endsOpen; // the open line is cut again when its rest arrives
        append(replaceLast, add);
    }

    /** Everything, one line each with its arrow, for the clipboard. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Line l : lines) b.append(l).append('\n');
        return b.toString();
    }

    private void append(Line replaceLast, List<Line> add) {
        if (replaceLast != null) lines.set(lines.size() - 1, replaceLast);
        if (add.size() > LINE_LIMIT) add = add.subList(add.size() - LINE_LIMIT, add.size());
        int excess = lines.size() + add.size() - LINE_LIMIT;
        if (excess > 0) lines.remove(0, excess);
        lines.addAll(add);
    }

    private static List<String> pieces(String line) {
        if (line.length() <= LINE_CHARS) return List.of(line);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < line.length(); i += LINE_CHARS) out.add(line.substring(i, Math.min(line.length(), i + LINE_CHARS)));
        return out;
    }
}
