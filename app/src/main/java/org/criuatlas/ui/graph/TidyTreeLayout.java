package org.criuatlas.ui.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tidy-tree layout of the process forest in O(n), with positions that stay put across live
 * refreshes: a process keeps its place while it lives; a new process goes to the free slot
 * nearest to where the fresh layout would put it relative to its parent. {@link #reset()} forgets
 * every position (the "re-layout" action).
 *
 * <p>Many leaf children of one parent (services under init, workers of a pool) are packed into a
 * grid of at most {@link #LEAF_COLUMNS} columns so that a wide family does not become one
 * endless row. Not thread-safe: one refresh at a time uses it (the refresh controller coalesces).
 */
public final class TidyTreeLayout {
    /** Horizontal distance between neighbouring processes, world pixels at zoom 1. */
    public static final double COLUMN = 120;
    /** Vertical distance between generations, world pixels at zoom 1. */
    public static final double ROW = 76;
    /** Leaf children of one parent beyond this many wrap onto further rows. */
    public static final int LEAF_COLUMNS = 8;

    /** One position in world pixels. */
    public record Point(double x, double y) {}

    /** The forest to lay out: children lists in display order, and the roots in order. */
    public record Forest(List<Integer> roots, Map<Integer, List<Integer>> children) {
        public List<Integer> childrenOf(int pid) { return children.getOrDefault(pid, List.of()); }
    }

    private Map<Integer, Point> placed = new HashMap<>();

    /** Forget every position: the next {@link #update} lays the forest out afresh. */
    public void reset() { placed = new HashMap<>(); }

    /** The current positions (pid to point), as of the last update. */
    public Map<Integer, Point> positions() { return placed; }

    /**
     * Lays out {@code forest}: known pids keep their places, vanished ones free theirs, new ones
     * are put near their ideal place without moving anything else.
     */
    public Map<Integer, Point> update(Forest forest) {
        Map<Integer, Point> ideal = ideal(forest);
        if (placed.isEmpty()) {
            placed = ideal;
            return placed;
        }
        Map<Integer, Point> next = new HashMap<>(ideal.size() * 2);
        Slots slots = new Slots();
        for (Map.Entry<Integer, Point> e : placed.entrySet()) {
            if (ideal.containsKey(e.getKey())) {
                next.put(e.getKey(), e.getValue());
                slots.occupy(e.getValue());
            }
        }
        // new processes in tree order, so a new parent is placed before its new children
        List<Integer> order = treeOrder(forest);
        Map<Integer, Integer> parentOf = new HashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : forest.children().entrySet()) {
            for (int c : e.getValue()) parentOf.put(c, e.getKey());
        }
        for (int pid : order) {
            if (next.containsKey(pid)) continue;
            Point want = ideal.get(pid);
            Integer parent = parentOf.get(pid);
            if (parent != null && next.containsKey(parent)) {
                // keep the offset from the parent that the fresh layout would give
                Point pIdeal = ideal.get(parent);
                Point pNow = next.get(parent);
                want = new Point(pNow.x() + (want.x() - pIdeal.x()), pNow.y() + (want.y() - pIdeal.y()));
            }
            Point got = slots.nearestFree(want);
            slots.occupy(got);
            next.put(pid, got);
        }
        placed = next;
        return placed;
    }

    /** Depth-first pre-order over the forest, iterative (deep trees must not overflow the stack). */
    static List<Integer> treeOrder(Forest f) {
        List<Integer> out = new ArrayList<>();
        ArrayList<Integer> stack = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int i = f.roots().size() - 1; i >= 0; i--) stack.add(f.roots().get(i));
        while (!stack.isEmpty()) {
            int p = stack.remove(stack.size() - 1);
            if (!seen.add(p)) continue;
            out.add(p);
            List<Integer> ch = f.childrenOf(p);
            for (int i = ch.size() - 1; i >= 0; i--) stack.add(ch.get(i));
        }
        return out;
    }

    /** The fresh layout, ignoring history. */
    static Map<Integer, Point> ideal(Forest f) {
        List<Integer> order = treeOrder(f);
        // widths bottom-up (reverse pre-order visits children before parents)
        Map<Integer, Double> width = new HashMap<>(order.size() * 2);
        for (int i = order.size() - 1; i >= 0; i--) {
            int p = order.get(i);
            double w = 0;
            int leaves = 0;
            for (int c : f.childrenOf(p)) {
                if (f.childrenOf(c).isEmpty()) leaves++;
                else w += width.getOrDefault(c, 1.0);
            }
            w += Math.min(leaves, LEAF_COLUMNS);
            width.put(p, Math.max(1.0, w));
        }
        Map<Integer, Point> out = new HashMap<>(order.size() * 2);
        double left = 0;
        for (int root : f.roots()) {
            if (out.containsKey(root)) continue;
            place(f, root, left, 0, width, out);
            left += width.getOrDefault(root, 1.0) + 0.5;
        }
        return out;
    }

    /** Places {@code root}'s subtree with its left edge at column {@code left}, top at {@code row}. */
    private static void place(Forest f, int root, double left, int row, Map<Integer, Double> width,
                              Map<Integer, Point> out) {
        record Job(int pid, double left, int row) {}
        ArrayList<Job> stack = new ArrayList<>();
        stack.add(new Job(root, left, row));
        while (!stack.isEmpty()) {
            Job j = stack.remove(stack.size() - 1);
            if (out.containsKey(j.pid())) continue;
            double w = width.getOrDefault(j.pid(), 1.0);
            out.put(j.pid(), new Point((j.left() + w / 2) * COLUMN, j.row() * ROW));
            double x = j.left();
            List<Integer> leaves = new ArrayList<>();
            for (int c : f.childrenOf(j.pid())) {
                if (f.childrenOf(c).isEmpty()) {
                    leaves.add(c);
                } else {
                    stack.add(new Job(c, x, j.row() + 1));
                    x += width.getOrDefault(c, 1.0);
                }
            }
            // a grid: even rows hold LEAF_COLUMNS leaves, odd rows one fewer, shifted by half a
            // column, so the lines from the parent pass between the leaves above instead of through them
            int gridRow = 0;
            int col = 0;
            for (int c : leaves) {
                if (out.containsKey(c)) continue;
                int rowLen = gridRow % 2 == 0 ? LEAF_COLUMNS : LEAF_COLUMNS - 1;
                if (col >= rowLen) {
                    gridRow++;
                    col = 0;
                }
                double shift = gridRow % 2 == 1 ? 0.5 : 0;
                out.put(c, new Point((x + col + shift + 0.5) * COLUMN, (j.row() + 1 + gridRow) * ROW));
                col++;
            }
        }
    }

    /** Occupied places per row, half a column apart; a place is free when no neighbour is closer than a column. */
    private static final class Slots {
        private final Map<Long, Set<Long>> rows = new HashMap<>();

        private static long rowKey(Point p) { return Math.round(p.y() / ROW); }

        private static long colKey(double x) { return Math.round(x / (COLUMN / 2)); }

        void occupy(Point p) { rows.computeIfAbsent(rowKey(p), k -> new HashSet<>()).add(colKey(p.x())); }

        boolean free(long row, long col) {
            Set<Long> s = rows.get(row);
            return s == null || !(s.contains(col) || s.contains(col - 1) || s.contains(col + 1));
        }

        Point nearestFree(Point want) {
            long row = rowKey(want);
            long col = colKey(want.x());
            for (long d = 0; ; d++) {
                if (free(row, col + d)) return new Point((col + d) * (COLUMN / 2), row * ROW);
                if (d > 0 && free(row, col - d)) return new Point((col - d) * (COLUMN / 2), row * ROW);
            }
        }
    }
}
