package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.proto.CriuStatsProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CRIU's own figures of one dump or restore, read from {@code stats-dump} / {@code stats-restore}
 * in the work dir: service magic 0x55105940, STATS magic 0x57093306, then u32-length-prefixed
 * {@code stats_entry} messages (little-endian). Times are microseconds.
 */
public record CriuStats(Dump dump, Restore restore) {
    public static final int SERVICE_MAGIC = 0x55105940;
    public static final int STATS_MAGIC = 0x57093306;
    public static final String DUMP_FILE = "stats-dump";
    public static final String RESTORE_FILE = "stats-restore";

    public record Dump(long freezingTimeUs, long frozenTimeUs, long memdumpTimeUs, long memwriteTimeUs,
                       long pagesScanned, long pagesSkippedParent, long pagesWritten, long pagesLazy) {}

    public record Restore(long pagesCompared, long pagesSkippedCow, long forkingTimeUs, long restoreTimeUs,
                          long pagesRestored) {}

    /** Thrown for a file that is not a CRIU stats file. */
    public static final class BadStatsFile extends IOException {
        public BadStatsFile(Path file, String why) {
            super(file + ": not a CRIU stats file (" + why + ")");
        }
    }

    /** The stats in {@code file}; empty if it does not exist. */
    public static Optional<CriuStats> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(parse(file, bytes));
    }

    /** Pure parser over the file's bytes; {@code file} only names the file in errors. */
    public static CriuStats parse(Path file, byte[] bytes) throws BadStatsFile {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 8) throw new BadStatsFile(file, "shorter than its 8-byte head");
        int service = b.getInt();
        int magic = b.getInt();
        if (service != SERVICE_MAGIC) throw new BadStatsFile(file, String.format("head magic 0x%08x", service));
        if (magic != STATS_MAGIC) throw new BadStatsFile(file, String.format("magic 0x%08x", magic));
        Dump dump = null;
        Restore restore = null;
        while (b.remaining() > 0) {
            if (b.remaining() < 4) throw new BadStatsFile(file, "truncated entry length");
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) throw new BadStatsFile(file, "entry of " + len + " bytes past the end");
            byte[] msg = new byte[len];
            b.get(msg);
            CriuStatsProto.stats_entry e;
            try {
                e = CriuStatsProto.stats_entry.parseFrom(msg);
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new BadStatsFile(file, "entry does not parse: " + ex.getMessage());
            }
            if (e.hasDump()) {
                var d = e.getDump();
                dump = new Dump(d.getFreezingTime(), d.getFrozenTime(), d.getMemdumpTime(), d.getMemwriteTime(),
                        d.getPagesScanned(), d.getPagesSkippedParent(), d.getPagesWritten(), d.getPagesLazy());
            }
            if (e.hasRestore()) {
                var r = e.getRestore();
                restore = new Restore(r.getPagesCompared(), r.getPagesSkippedCow(), r.getForkingTime(),
                        r.getRestoreTime(), r.getPagesRestored());
            }
        }
        return new CriuStats(dump, restore);
    }
}
