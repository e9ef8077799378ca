package org.criuatlas.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedTest {
    private static List<CriuBenchmark.Sample> walls(double... ms) {
        return java.util.Arrays.stream(ms).mapToObj(w -> new CriuBenchmark.Sample(w, 2 * w)).toList();
    }

    @Test
    void ratiosAreTakenRoundByRoundNotFromTheMedians() {
        // round by round: 1.0, 1.5, 1.2, 1.1, 2.0; the medians' ratio would be 150 / 100 = 1.5
        var side = walls(100, 150, 120, 110, 200);
        var cli = walls(100, 100, 100, 100, 100);
        assertEquals(1.2, Paired.median(side, cli, CriuBenchmark.Sample::wallMs), 1e-9);
        assertEquals(1.1, Paired.quantile(side, cli, CriuBenchmark.Sample::wallMs, 0.25), 1e-9);
        assertEquals(1.5, Paired.quantile(side, cli, CriuBenchmark.Sample::wallMs, 0.75), 1e-9);
        assertEquals(1.0, Paired.quantile(side, cli, CriuBenchmark.Sample::wallMs, 0), 1e-9);
        assertEquals(2.0, Paired.quantile(side, cli, CriuBenchmark.Sample::wallMs, 1), 1e-9);
        assertEquals(String.format("%.2fx (%.2f-%.2f)", 1.2, 1.1, 1.5), Paired.quartiles(side, cli, CriuBenchmark.Sample::wallMs));
    }

    @Test
    void anEvenCountInterpolatesAndTheShorterListBounds() {
        var side = walls(110, 130, 999);
        var cli = walls(100, 100);
        assertEquals(1.2, Paired.median(side, cli, CriuBenchmark.Sample::wallMs), 1e-9);
        assertEquals(1.15, Paired.quantile(side, cli, CriuBenchmark.Sample::wallMs, 0.25), 1e-9);
        assertTrue(Double.isNaN(Paired.median(List.of(), cli, CriuBenchmark.Sample::wallMs)));
    }
}
