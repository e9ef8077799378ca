package org.criuatlas.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The inode order {@link IpcGraph} keeps its sockets and pipes in, made with one primitive sort per
 * snapshot (a scan has tens of thousands of sockets).
 */
final class InodeOrder {
    private InodeOrder() {}

    /** An inode-less socket with the text of its endpoints, made once rather than in every comparison. */
    private record NoInode(InetSocket socket, String local, String remote) {
        NoInode(InetSocket s) { this(s, s.local().display(), s.remote().display()); }
    }

    private static final Comparator<NoInode> NO_INODE_ORDER = Comparator.comparingLong((NoInode n) -> n.socket().netNs())
            .thenComparing(NoInode::local)
            .thenComparing(NoInode::remote);

    /** By inode; the inode-less ones (TIME-WAIT, not yet accepted) first, by namespace and endpoints. */
    static List<InetSocket> inetInOrder(Collection<InetSocket> all) {
        List<NoInode> noInode = new ArrayList<>();
        List<InetSocket> rest = new ArrayList<>(all.size());
        for (InetSocket s : all) {
            if (s.ino() == 0) noInode.add(new NoInode(s));
            else rest.add(s);
        }
        noInode.sort(NO_INODE_ORDER);
        long[] keys = new long[rest.size()];
        for (int i = 0; i < keys.length; i++) keys[i] = rest.get(i).ino();
        List<InetSocket> out = new ArrayList<>(all.size());
        for (NoInode n : noInode) out.add(n.socket());
        for (int i : ascending(keys)) out.add(rest.get(i));
        return List.copyOf(out);
    }

    /**
     * By inode, iterating in inode order: sorted once, then a hash map that keeps that order (a
     * TreeMap costs a tree insert per socket, and a scan has tens of thousands). The last of
     * several items with the same inode wins, as with Map.put.
     */
    static <T> Map<Long, T> byIno(Collection<T> items, java.util.function.ToLongFunction<T> ino) {
        @SuppressWarnings("unchecked") T[] a = (T[]) items.toArray();
        long[] keys = new long[a.length];
        for (int i = 0; i < a.length; i++) keys[i] = ino.applyAsLong(a[i]);
        Map<Long, T> m = new java.util.LinkedHashMap<>(Math.max(16, (int) (a.length / 0.75f) + 1));
        for (int i : ascending(keys)) m.put(keys[i], a[i]);
        return Collections.unmodifiableMap(m);
    }

    /**
     * The indexes of {@code keys} in ascending key order, stable. Packs key and index into one long
     * and sorts primitives when they fit (always, for inodes below 2^40 and fewer than 2^23 items):
     * sorting boxed indexes with a comparator made the JIT recompile TimSort on every scan.
     */
    static int[] ascending(long[] keys) {
        int n = keys.length;
        int[] order = new int[n];
        boolean sorted = true, packable = n < (1 << 23);
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
            if (keys[i] < 0 || keys[i] >= (1L << 40)) packable = false;
        }
        if (sorted) return order;
        if (packable) {
            long[] packed = new long[n];
            for (int i = 0; i < n; i++) packed[i] = (keys[i] << 23) | i;
            java.util.Arrays.sort(packed);
            for (int i = 0; i < n; i++) order[i] = (int) (packed[i] & ((1 << 23) - 1));
            return order;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) boxed[i] = i;
        java.util.Arrays.sort(boxed, (x, y) -> keys[x] != keys[y] ? Long.compare(keys[x], keys[y]) : Integer.compare(x, y));
        for (int i = 0; i < n; i++) order[i] = boxed[i];
        return order;
    }
}
