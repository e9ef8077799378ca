package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds and cancels one read of a dump. Images come from anyone (a folder another user made, an
 * archive from the internet), so a read may keep at most {@link Limits#maxEntriesPerImage()}
 * entries of one image and {@link Limits#maxTotalBytes()} bytes in all (entry bytes plus a fixed
 * cost per entry for the objects that hold it); past either it stops with a typed
 * {@link Kind#LIMIT_EXCEEDED} error instead of filling the heap. {@link #cancel()} from any thread
 * stops the read at its next entry with {@link Kind#CANCELLED}. Thread-safe: the reader works on
 * several threads.
 */
public final class ImageReadControl {
    /**
     * @param maxEntriesPerImage most entries one image may hold
     * @param maxTotalBytes      most bytes (entry bytes + {@link #ENTRY_COST} per entry) one read may keep
     */
    public record Limits(int maxEntriesPerImage, long maxTotalBytes) {
        /**
         * A real dump stays far below both: CRIU's per-table fd limit (nr_open) is 1,048,576, and a
         * 1,000-process dump keeps about 4 MiB.
         */
        public static final Limits DEFAULT = new Limits(1 << 20, 256L << 20);

        public Limits {
            if (maxEntriesPerImage <= 0 || maxTotalBytes <= 0) throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** What one kept entry costs besides its bytes: the entry record, the message object, list slots. */
    public static final int ENTRY_COST = 64;

    private final Limits limits;
    private final AtomicLong kept = new AtomicLong();
    private volatile boolean cancelled;

    public ImageReadControl() { this(Limits.DEFAULT); }

    public ImageReadControl(Limits limits) { this.limits = limits; }

    public Limits limits() { return limits; }

    /** Asks the read to stop; it throws {@link Kind#CANCELLED} at its next entry or file. */
    public void cancel() { cancelled = true; }

    public boolean isCancelled() { return cancelled; }

    /** The bytes kept so far (entry bytes plus the per-entry cost). */
    public long keptBytes() { return kept.get(); }

    /** Throws {@link Kind#CANCELLED} (naming {@code file}) once {@link #cancel()} was called. */
    public void checkCancelled(Path file) throws ImageFormatException {
        if (cancelled) throw new ImageFormatException(Kind.CANCELLED, file, -1, "the read was cancelled");
    }

    /** Accounts one kept entry of {@code len} bytes, the {@code count}-th of its image. */
    void chargeEntry(Path file, long offset, int count, long len) throws ImageFormatException {
        if (cancelled) throw new ImageFormatException(Kind.CANCELLED, file, offset, "the read was cancelled");
        if (count > limits.maxEntriesPerImage()) {
            throw new ImageFormatException(Kind.LIMIT_EXCEEDED, file, offset, "more than " + limits.maxEntriesPerImage()
                    + " entries in one image (the limit for a read)");
        }
        long now = kept.addAndGet(len + ENTRY_COST);
        if (now > limits.maxTotalBytes()) {
            throw new ImageFormatException(Kind.LIMIT_EXCEEDED, file, offset, "the dump needs more than "
                    + limits.maxTotalBytes() + " bytes of entries (the limit for a read)");
        }
    }
}
