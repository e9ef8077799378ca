package org.criuatlas.plan.suggest;

import java.util.List;

/**
 * What "make it dumpable" found for one plan.
 *
 * @param root        the root asked about
 * @param alreadyDumps true when the plan dumps as it is (nothing to suggest)
 * @param suggestions ways to make it dump, cheapest at restore first
 * @param unfixable   why nothing (or not everything) can be suggested: checks no tick resolves,
 *                    crossings whose other end's owner is not visible...
 */
public record Suggestions(int root, boolean alreadyDumps, List<Suggestion> suggestions, List<String> unfixable) {
    public Suggestions {
        suggestions = List.copyOf(suggestions);
        unfixable = List.copyOf(unfixable);
    }

    /** The one offered first (cheapest at restore), null when there is none. */
    public Suggestion best() {
        return suggestions.isEmpty() ? null : suggestions.get(0);
    }

    /** The fewest changes any suggestion needs; -1 when there is none. */
    public int smallestSize() {
        return suggestions.stream().mapToInt(Suggestion::size).min().orElse(-1);
    }
}
