package org.criuatlas.ui.vm;

import org.criuatlas.model.IpcGraph;

import java.util.HashSet;
import java.util.Set;

/**
 * What changed between two snapshots: processes and objects that appeared or vanished.
 *
 * @param appearedPids  processes in the new snapshot only
 * @param vanishedPids  processes in the old snapshot only
 * @param appearedKeys  sockets/pipes ({@code socket:[INO]}) in the new snapshot only
 * @param vanishedKeys  sockets/pipes in the old snapshot only
 */
public record GraphDiff(Set<Integer> appearedPids, Set<Integer> vanishedPids, Set<String> appearedKeys,
                        Set<String> vanishedKeys) {
    public static final GraphDiff NONE = new GraphDiff(Set.of(), Set.of(), Set.of(), Set.of());

    public GraphDiff {
        appearedPids = Set.copyOf(appearedPids);
        vanishedPids = Set.copyOf(vanishedPids);
        appearedKeys = Set.copyOf(appearedKeys);
        vanishedKeys = Set.copyOf(vanishedKeys);
    }

    /** The difference from {@code before} (null = the first snapshot: nothing is marked) to {@code after}. */
    public static GraphDiff between(IpcGraph before, IpcGraph after) {
        if (before == null || after == null) return NONE;
        Set<Integer> app = new HashSet<>(after.processes().keySet());
        app.removeAll(before.processes().keySet());
        Set<Integer> van = new HashSet<>(before.processes().keySet());
        van.removeAll(after.processes().keySet());
        Set<String> appK = keys(after);
        Set<String> vanK = keys(before);
        Set<String> common = new HashSet<>(appK);
        common.retainAll(vanK);
        appK.removeAll(common);
        vanK.removeAll(common);
        return new GraphDiff(app, van, appK, vanK);
    }

    private static Set<String> keys(IpcGraph g) {
        Set<String> s = new HashSet<>();
        g.sockets().values().forEach(x -> s.add(x.key()));
        g.pipes().values().forEach(x -> s.add(x.key()));
        return s;
    }

    public boolean isEmpty() {
        return appearedPids.isEmpty() && vanishedPids.isEmpty() && appearedKeys.isEmpty() && vanishedKeys.isEmpty();
    }

    /** For the status bar: "+3 / -1 processes". */
    public String summary() {
        if (isEmpty()) return "no changes";
        return "+" + appearedPids.size() + " / \u2212" + vanishedPids.size() + " processes, +"
                + appearedKeys.size() + " / \u2212" + vanishedKeys.size() + " sockets and pipes";
    }
}
