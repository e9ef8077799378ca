package org.criuatlas.host;

import java.nio.file.Path;

/**
 * The figures of a successful dump.
 *
 * @param imagesDir     where the images are
 * @param frozenMicros  how long the tree was frozen (CRIU's stats), -1 when unknown
 * @param pagesWritten  memory pages written, -1 when unknown
 * @param bytesOnDisk   total size of the files in the folder
 * @param complete      the folder carries no incomplete mark
 * @param elapsedMillis wall time of the whole request
 */
public record DumpSummary(Path imagesDir, long frozenMicros, long pagesWritten, long bytesOnDisk, boolean complete,
                          long elapsedMillis) {
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("Frozen for ").append(frozenMicros < 0 ? "?" : String.format("%.1f ms", frozenMicros / 1000.0));
        b.append(" · ").append(pagesWritten < 0 ? "?" : pagesWritten).append(" pages written");
        b.append(" · ").append(human(bytesOnDisk)).append(" on disk");
        b.append(" · ").append(elapsedMillis).append(" ms in all");
        return b.toString();
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format("%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
