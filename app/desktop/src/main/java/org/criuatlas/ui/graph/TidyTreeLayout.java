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
 * <p>Wide families (services under init, workers of a pool) wrap onto shelves so that they do not
 * become one row. Not thread-safe: one refresh at a time uses it (the refresh controller coalesces).
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

    /** Families narrower than this many columns stay on one row: the classic tree look. */
    static final double WRAP_ABOVE = 12;

    /**
     * The fresh layout, ignoring history. Bottom-up, every subtree gets a block (width in columns,
     * height in rows); a wide family is wrapped onto shelves about as wide as the square root of
     * its area, so a system with hundreds of services is a block, not an endless strip. The forest's
     * roots are packed the same way under an invisible super-root.
     */
    static Map<Integer, Point> ideal(Forest f) {
        List<Integer> order = treeOrder(f);
        Map<Integer, double[]> block = new HashMap<>(order.size() * 2); // pid -> {w, h}
        Map<Integer, double[]> offset = new HashMap<>(order.size() * 2); // pid -> {x, y} in its parent's block
        for (int i = order.size() - 1; i >= 0; i--) {
            int p = order.get(i);
            block.put(p, pack(f.childrenOf(p), block, offset, 1));
        }
        pack(f.roots(), block, offset, 0);
        Map<Integer, Point> out = new HashMap<>(order.size() * 2);
        // top-down: absolute block origins; each process sits centred on the top row of its block
        ArrayList<double[]> stack = new ArrayList<>();
        for (int r : f.roots()) {
            double[] o = offset.get(r);
            stack.add(new double[]{r, o[0], o[1]});
        }
        while (!stack.isEmpty()) {
            double[] top = stack.remove(stack.size() - 1);
            int p = (int) top[0];
            if (out.containsKey(p)) continue;
            double[] b = block.get(p);
            double firstShelf = b[2];
            out.put(p, new Point((top[1] + firstShelf / 2) * COLUMN, top[2] * ROW));
            for (int c : f.childrenOf(p)) {
                double[] o = offset.get(c);
                if (o != null) stack.add(new double[]{c, top[1] + o[0], top[2] + o[1]});
            }
        }
        return out;
    }

    /**
     * Packs the blocks of {@code kids} onto shelves below a parent row of height {@code top};
     * records each kid's offset and returns the parent's block {w, h, width of the first shelf}.
     */
    private static double[] pack(List<Integer> kids, Map<Integer, double[]> block, Map<Integer, double[]> offset,
                                 double top) {
        if (kids.isEmpty()) return new double[]{1, 1, 1};
        double sumW = 0, area = 0, maxW = 0;
        boolean allLeaves = true;
        for (int c : kids) {
            double[] b = block.getOrDefault(c, new double[]{1, 1, 1});
            sumW += b[0];
            area += b[0] * b[1];
            maxW = Math.max(maxW, b[0]);
            if (b[0] != 1 || b[1] != 1) allLeaves = false;
        }
        double limit = sumW <= WRAP_ABOVE ? sumW
                : Math.max(Math.max(maxW, allLeaves ? LEAF_COLUMNS : WRAP_ABOVE), Math.ceil(Math.sqrt(area * 1.6)));
        double x = 0, shelfY = 0, shelfH = 0, width = 0, firstShelf = 0;
        int shelf = 0;
        for (int c : kids) {
            double[] b = block.getOrDefault(c, new double[]{1, 1, 1});
            if (x > 0 && x + b[0] > limit + 0.5) {
                if (shelf == 0) firstShelf = x;
                shelf++;
                shelfY += shelfH;
                shelfH = 0;
                // odd shelves start half a column in, so lines from the parent pass between the nodes above
                x = shelf % 2 == 1 ? 0.5 : 0;
            }
            offset.put(c, new double[]{x, top + shelfY});
            x += b[0];
            width = Math.max(width, x);
            shelfH = Math.max(shelfH, b[1]);
        }
        if (shelf == 0) firstShelf = x;
        return new double[]{Math.max(1, width), top + shelfY + shelfH, Math.max(1, firstShelf)};
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
