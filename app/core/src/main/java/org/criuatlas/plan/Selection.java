package org.criuatlas.plan;

import java.util.List;
import java.util.Set;

/**
 * What the user picked. CRIU dumps the whole subtree under {@code -t PID}, nothing more and nothing
 * less, so "add" and "leave out" can only be honoured by choosing roots: the planner says when they
 * cannot, and offers the common ancestor that would take the added process along.
 *
 * @param roots    the pids the user picked as roots (each one means: this process and all its descendants)
 * @param include  processes the user wants in the dump as well
 * @param exclude  processes the user wants left out
 */
public record Selection(List<Integer> roots, Set<Integer> include, Set<Integer> exclude) {
    public Selection {
        roots = List.copyOf(roots == null ? List.of() : roots);
        include = Set.copyOf(include == null ? Set.of() : include);
        exclude = Set.copyOf(exclude == null ? Set.of() : exclude);
    }

    public static Selection of(int... roots) {
        return new Selection(java.util.Arrays.stream(roots).boxed().toList(), Set.of(), Set.of());
    }
}
