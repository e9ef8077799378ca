package org.criuatlas.bench;

import java.util.Arrays;
import java.util.List;

/** Ratios of two sides of {@link CriuBenchmark} taken round by round (each round runs every side once, in turn). */
final class Paired {
    private Paired() {}

    /** The median over rounds of a / b in the same round (the lists hold one sample per timed round, in order). */
    static double median(List<CriuBenchmark.Sample> a, List<CriuBenchmark.Sample> b, java.util.function.ToDoubleFunction<CriuBenchmark.Sample> f) {
        return quantile(a, b, f, 0.5);
    }

    /**
     * The {@code q} quantile (0..1, linear between the nearest ranks) over rounds of a / b in the same round: the spread of
     * the paired ratios says how far a median can be trusted on a loaded machine.
     */
    static double quantile(List<CriuBenchmark.Sample> a, List<CriuBenchmark.Sample> b, java.util.function.ToDoubleFunction<CriuBenchmark.Sample> f, double q) {
        int n = Math.min(a.size(), b.size());
        if (n == 0) return Double.NaN;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = f.applyAsDouble(a.get(i)) / f.applyAsDouble(b.get(i));
        Arrays.sort(r);
        double at = q * (n - 1);
        int lo = (int) Math.floor(at);
        return lo + 1 < n ? r[lo] + (at - lo) * (r[lo + 1] - r[lo]) : r[lo];
    }

    /** "1.04x (1.01-1.09)": the paired median and, in brackets, its quartiles. */
    static String quartiles(List<CriuBenchmark.Sample> a, List<CriuBenchmark.Sample> b, java.util.function.ToDoubleFunction<CriuBenchmark.Sample> f) {
        return String.format("%.2fx (%.2f-%.2f)", quantile(a, b, f, 0.5), quantile(a, b, f, 0.25), quantile(a, b, f, 0.75));
    }
}
