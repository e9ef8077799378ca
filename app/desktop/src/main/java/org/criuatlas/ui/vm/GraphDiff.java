package org.criuatlas.ui.vm;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKey;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

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
        // by inode, per kind (the maps are keyed by it): a key string only for what changed
        Set<String> appK = new HashSet<>(), vanK = new HashSet<>();
        onlyIn(after.sockets(), before.sockets(), ino -> appK.add(ObjectKey.ofSocket(ino).text()));
        onlyIn(before.sockets(), after.sockets(), ino -> vanK.add(ObjectKey.ofSocket(ino).text()));
        onlyIn(after.pipes(), before.pipes(), ino -> appK.add(ObjectKey.ofPipe(ino).text()));
        onlyIn(before.pipes(), after.pipes(), ino -> vanK.add(ObjectKey.ofPipe(ino).text()));
        return new GraphDiff(app, van, appK, vanK);
    }

    private static void onlyIn(Map<Long, ?> a, Map<Long, ?> b, LongConsumer found) {
        for (Long ino : a.keySet()) if (!b.containsKey(ino)) found.accept(ino);
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
