package org.criuatlas.bridge.images;

/** The {@code stats-restore} file CRIU writes after a restore (times in microseconds). */
public record RestoreStats(long pagesCompared, long pagesSkippedCow, long forkingUs, long restoreUs,
                           long pagesRestored) {}
