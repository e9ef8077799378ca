package org.criuatlas.bridge.images;

/**
 * The {@code stats-dump} file CRIU writes after a dump (times in microseconds).
 */
public record DumpStats(long freezingUs, long frozenUs, long memdumpUs, long memwriteUs, long pagesScanned,
                        long pagesSkippedParent, long pagesWritten, long pagesLazy) {}
