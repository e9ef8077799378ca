package org.criuatlas.ui.vm;

import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.UnixSocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What the status bar of an image view says instead of the live scan's words: the directory,
 * when the dump was made (if the files tell), what it holds and how long reading it took, and
 * CRIU's dump statistics when the directory has them. Formatting is pure; only {@link #of} reads
 * file times.
 *
 * @param dir      the image directory
 * @param dumpedAt when CRIU wrote the dump (stats-dump, else inventory.img modification time), null when unknown
 * @param stats    CRIU's stats-dump, null when the directory has none
 */
public record ImageFacts(Path dir, Instant dumpedAt, CriuStats.Dump stats) {

    /** Reads the file times of {@code dump}'s directory: call it off the FX thread. */
    public static ImageFacts of(ImageDump dump) {
        Instant at = null;
        for (String f : new String[]{"stats-dump", "inventory.img"}) {
            try {
                at = Files.getLastModifiedTime(dump.dir().resolve(f)).toInstant();
                break;
            } catch (java.io.IOException | SecurityException e) {
                // not there or not readable: try the next one, else the date stays unknown
            }
        }
        return new ImageFacts(dump.dir(), at, dump.dumpStats());
    }

    /** Where the images are from: "Images: DIR · CRIU dump of 2025-06-01 07:48". */
    public String origin(ZoneId zone) {
        String when = dumpedAt == null ? "date unknown"
                : "of " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone).format(dumpedAt);
        return "Images: " + dir + " \u00b7 CRIU dump " + when;
    }

    /** What the dump holds: "2 processes, 1 unix socket (+1 outside the dump), 1 pipe". */
    public static String contents(IpcGraph g) {
        int outside = 0;
        for (UnixSocket s : g.sockets().values()) if (s.externalPeer()) outside++;
        int sockets = g.sockets().size() - outside;
        return plural(g.processes().size(), "process", "processes") + ", "
                + plural(sockets, "unix socket", "unix sockets")
                + (outside == 0 ? "" : " (+" + outside + " outside the dump)") + ", "
                + plural(g.pipes().size(), "pipe", "pipes");
    }

    /** How long reading took, and CRIU's figures: "read in 45 ms · frozen 12.3 ms, 1,204 pages written". */
    public String reading(IpcGraph g) {
        String read = "read in " + (g.meta().scanNanos() / 1_000_000) + " ms";
        if (stats == null) return read;
        return read + " \u00b7 frozen " + String.format(Locale.ROOT, "%.1f", stats.frozenTimeUs() / 1000.0) + " ms, "
                + String.format(Locale.ROOT, "%,d", stats.pagesWritten()) + " pages written";
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
