package org.criuatlas.json;

import org.criuatlas.bridge.images.CriuStats;

/**
 * CRIU's statistics (stats-dump, stats-restore), named the same in {@code show}, {@code dump} and
 * {@code restore}: times in microseconds ({@code ...Us}), pages as counts. A part is null when CRIU
 * wrote none.
 */
public record StatsJson(Dump dump, Restore restore) {
    public record Dump(long freezingUs, long frozenUs, long memdumpUs, long memwriteUs, long pagesScanned,
                       long pagesSkippedParent, long pagesWritten, long pagesLazy) {
        static Dump of(CriuStats.Dump s) {
            return s == null ? null : new Dump(s.freezingTimeUs(), s.frozenTimeUs(), s.memdumpTimeUs(), s.memwriteTimeUs(),
                    s.pagesScanned(), s.pagesSkippedParent(), s.pagesWritten(), s.pagesLazy());
        }
    }

    public record Restore(long pagesCompared, long pagesSkippedCow, long forkingUs, long restoreUs, long pagesRestored) {
        static Restore of(CriuStats.Restore s) {
            return s == null ? null : new Restore(s.pagesCompared(), s.pagesSkippedCow(), s.forkingTimeUs(), s.restoreTimeUs(),
                    s.pagesRestored());
        }
    }

    static StatsJson of(CriuStats.Dump d, CriuStats.Restore r) {
        return d == null && r == null ? null : new StatsJson(Dump.of(d), Restore.of(r));
    }
}
