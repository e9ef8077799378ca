package org.criuatlas.model;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Immutable sorted copies for the records' compact constructors, without streams: a scan builds
 * tens of thousands of records, and most lists are already sorted and have one element.
 */
final class SortedLists {
    private SortedLists() {}

    /** An immutable copy of {@code list} in natural order; null is the empty list. */
    static <T extends Comparable<? super T>> List<T> of(List<T> list) {
        return of(list, Comparator.naturalOrder());
    }

    static <T> List<T> of(List<T> list, Comparator<? super T> order) {
        if (list == null || list.isEmpty()) return List.of();
        if (list.size() == 1) return List.of(list.get(0));
        boolean sorted = true;
        for (int i = 1; i < list.size() && sorted; i++) sorted = order.compare(list.get(i - 1), list.get(i)) <= 0;
        if (sorted) return List.copyOf(list);
        @SuppressWarnings("unchecked") T[] a = (T[]) list.toArray();
        Arrays.sort(a, order);
        return List.of(a);
    }
}
