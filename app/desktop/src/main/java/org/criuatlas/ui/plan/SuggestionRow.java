package org.criuatlas.ui.plan;

import java.util.List;
import java.util.Map;

/**
 * One "make it dumpable" suggestion as the window shows it: what changes, what it costs at
 * restore, the plan it leads to, and the window's own ticks that reproduce it.
 *
 * @param root        the root to dump from (the one asked about, or a higher one)
 * @param changes     the changes in words, one line each
 * @param cost        what it costs at restore, in words
 * @param resultText  the verdict of the resulting plan, in the plan panel's words
 * @param commandText the exact {@code criu dump} line the plan leads to
 * @param choices     the ticks by crossing key under {@code root} (the person's own ones included)
 */
public record SuggestionRow(int root, List<String> changes, String cost, String resultText, String commandText,
                            Map<String, List<Choice>> choices) {
    public SuggestionRow {
        changes = List.copyOf(changes);
        choices = Map.copyOf(choices);
    }

    /** "Apply 2 changes". */
    public String applyText() {
        return "Apply " + changes.size() + " change" + (changes.size() == 1 ? "" : "s");
    }
}
