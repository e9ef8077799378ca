package org.criuatlas.host.migrate;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.host.Host;
import org.criuatlas.host.ImageFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Streams an image folder from one host to another: the source lists its files (size, SHA-256),
 * the target makes a new 0700 folder, chunks go from the source's reads to the target's writes
 * ({@value #PARALLEL} at a time), then the target checks every file against the source's list.
 * Stops between chunks when cancelled.
 */
public final class ImageStream {
    /** Bytes per chunk (the bridge takes up to 4 MiB). */
    public static final int CHUNK = 1 << 20;
    public static final int PARALLEL = 4;

    /** What moved. */
    public record Moved(Path folder, long bytes, int files) {}

    /** The transfer stopped because it was cancelled; the target's folder stays marked incomplete. */
    public static final class Cancelled extends IOException {
        private final transient Path folder;

        Cancelled(Path folder) {
            super("cancelled");
            this.folder = folder;
        }

        public Path folder() { return folder; }
    }

    /** Thrown with the target's folder (null when none was made yet) when the transfer failed. */
    public static final class Failed extends IOException {
        private final transient Path folder;

        Failed(String message, Path folder, Throwable cause) {
            super(message, cause);
            this.folder = folder;
        }

        public Path folder() { return folder; }
    }

    private ImageStream() {}

    public static Moved copy(Host source, Path dir, Host target, Path targetParent, int rootPid, AtomicBoolean cancelled,
                             Consumer<MigrationEvent.Bytes> progress) throws IOException {
        List<ImageFile> files;
        try {
            files = source.listImages(dir);
        } catch (IOException e) {
            throw new Failed("cannot list the images in " + dir + " on the source: " + e.getMessage(), null, e);
        }
        if (files.stream().anyMatch(f -> f.name().equals(CriuSession.INCOMPLETE_MARKER))) {
            throw new Failed(dir + " holds an incomplete dump: nothing to move", null, null);
        }
        long total = files.stream().mapToLong(ImageFile::size).sum();
        Path folder;
        try {
            folder = target.receiveImages(targetParent, rootPid, java.time.LocalDateTime.now());
        } catch (IOException e) {
            throw new Failed("the target cannot make a folder for the images: " + e.getMessage(), null, e);
        }
        AtomicLong done = new AtomicLong();
        AtomicInteger filesDone = new AtomicInteger();
        progress.accept(new MigrationEvent.Bytes(0, total, 0, files.size(), "", Instant.now()));
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "image-stream");
            t.setDaemon(true);
            return t;
        });
        try {
            // every chunk of every file queued at once (small files are most of a dump): PARALLEL in flight
            List<List<Future<?>>> perFile = new ArrayList<>();
            for (ImageFile f : files) {
                List<Future<?>> chunks = new ArrayList<>();
                long off = 0;
                do {
                    long at = off;
                    int len = (int) Math.min(CHUNK, f.size() - off);
                    chunks.add(pool.submit(() -> {
                        if (cancelled.get()) return null;
                        byte[] b = len == 0 ? new byte[0] : source.readImages(dir, f.name(), at, len);
                        if (b.length != len) throw new IOException(f.name() + " changed on the source while it was read (" + b.length
                                + " bytes at " + at + ", " + len + " expected)");
                        target.writeImages(folder, f.name(), at, b);
                        long now = done.addAndGet(b.length);
                        progress.accept(new MigrationEvent.Bytes(now, total, filesDone.get(), files.size(), f.name(), Instant.now()));
                        return null;
                    }));
                    off += len;
                } while (off < f.size());
                perFile.add(chunks);
            }
            for (int i = 0; i < files.size(); i++) {
                for (Future<?> c : perFile.get(i)) await(c, folder);
                if (cancelled.get()) throw new Cancelled(folder);
                progress.accept(new MigrationEvent.Bytes(done.get(), total, filesDone.incrementAndGet(), files.size(), files.get(i).name(),
                        Instant.now()));
            }
        } finally {
            pool.shutdownNow();
        }
        try {
            target.finishImages(folder, files);
        } catch (IOException e) {
            throw new Failed(e.getMessage(), folder, e);
        }
        return new Moved(folder, total, files.size());
    }

    private static void await(Future<?> f, Path folder) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled(folder);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new Failed("moving the images failed: " + c.getMessage(), folder, c);
        }
    }
}
