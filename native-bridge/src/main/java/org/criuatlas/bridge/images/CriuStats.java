package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.ImageFile.Entry;
import org.criuatlas.bridge.images.proto.CriuImages.ImageStatsEntry;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * CRIU's own figures of one dump or restore, from {@code stats-dump} / {@code stats-restore}: a
 * service image (service magic, then STATS magic, then {@code ImageStatsEntry} entries) that CRIU
 * writes in its work dir. Used both for a run's result and for an image directory read offline.
 * Times are microseconds.
 *
 * @param dump    the dump figures, null when the file has none
 * @param restore the restore figures, null when the file has none
 */
public record CriuStats(Dump dump, Restore restore) {
    public static final String DUMP_FILE = "stats-dump";
    public static final String RESTORE_FILE = "stats-restore";

    public record Dump(long freezingTimeUs, long frozenTimeUs, long memdumpTimeUs, long memwriteTimeUs,
                       long pagesScanned, long pagesSkippedParent, long pagesWritten, long pagesLazy) {}

    public record Restore(long pagesCompared, long pagesSkippedCow, long forkingTimeUs, long restoreTimeUs,
                          long pagesRestored) {}

    /** The stats in {@code file}; empty when it does not exist or holds no entry. */
    public static Optional<CriuStats> read(Path file) throws ImageFormatException {
        List<Entry<ImageStatsEntry>> l = ImageFile.readAllIfPresent(file, ImageMagic.SERVICE, ImageMagic.STATS,
                ImageStatsEntry.parser(), null, null);
        // CRIU writes exactly one entry
        return l.isEmpty() ? Optional.empty() : Optional.of(of(l.get(0).message()));
    }

    /** The stats image {@code name} of a dump read from {@code src}; empty when absent or empty. */
    public static Optional<CriuStats> read(ImageSource src, String name, ImageReadControl control) throws ImageFormatException {
        List<Entry<ImageStatsEntry>> l = src.readAll(name, control, ImageMagic.SERVICE, ImageMagic.STATS,
                ImageStatsEntry.parser()::parseFrom, null, null, true);
        return l.isEmpty() ? Optional.empty() : Optional.of(of(l.get(0).message()));
    }

    /**
     * Loads and runs once what {@link #read(Path)} needs (the image reader, the images' protobuf schema,
     * this record) on a made-up entry, so that a caller can do it while criu runs instead of after it;
     * {@code absent} is a path with no file. Returns what the made-up entry decodes to.
     */
    public static CriuStats warmUp(Path absent) throws ImageFormatException {
        read(absent);
        var d = org.criuatlas.bridge.images.proto.CriuImages.ImageDumpStatsEntry.newBuilder().setFreezingTime(1).setFrozenTime(2)
                .setMemdumpTime(3).setMemwriteTime(4).setPagesScanned(5).setPagesWritten(6).build();
        var r = org.criuatlas.bridge.images.proto.CriuImages.ImageRestoreStatsEntry.newBuilder().setPagesCompared(1)
                .setPagesSkippedCow(2).setForkingTime(3).setRestoreTime(4).build();
        try {
            return of(ImageStatsEntry.parser().parseFrom(ImageStatsEntry.newBuilder().setDump(d).setRestore(r).build().toByteArray()));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    static CriuStats of(ImageStatsEntry e) {
        Dump dump = null;
        Restore restore = null;
        if (e.hasDump()) {
            var d = e.getDump();
            // the times are uint32 on the wire
            dump = new Dump(Integer.toUnsignedLong(d.getFreezingTime()), Integer.toUnsignedLong(d.getFrozenTime()),
                    Integer.toUnsignedLong(d.getMemdumpTime()), Integer.toUnsignedLong(d.getMemwriteTime()),
                    d.getPagesScanned(), d.getPagesSkippedParent(), d.getPagesWritten(), d.getPagesLazy());
        }
        if (e.hasRestore()) {
            var r = e.getRestore();
            restore = new Restore(r.getPagesCompared(), r.getPagesSkippedCow(), Integer.toUnsignedLong(r.getForkingTime()),
                    Integer.toUnsignedLong(r.getRestoreTime()), r.getPagesRestored());
        }
        return new CriuStats(dump, restore);
    }
}
