package org.criuatlas.bridge.scan;

import java.util.Set;

/**
 * Which processes a scan reads: the whole system, or some root processes and all their
 * descendants. Sockets are always dumped whole (peers outside the scope keep their inode, type
 * and name); a scoped scan only lists holders inside the scope.
 *
 * @param roots root pids; empty means every process
 */
public record ScanScope(Set<Integer> roots) {
    public ScanScope {
        roots = roots == null ? Set.of() : Set.copyOf(roots);
    }

    public static ScanScope everything() { return new ScanScope(Set.of()); }

    public static ScanScope subtrees(Set<Integer> roots) {
        if (roots == null || roots.isEmpty()) throw new IllegalArgumentException("a subtree scope needs at least one root pid");
        return new ScanScope(roots);
    }

    public boolean isEverything() { return roots.isEmpty(); }
}
