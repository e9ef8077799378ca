package org.criuatlas.bridge.criu.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchService;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

/**
 * Follows a CRIU log file while CRIU writes it, on a thread of its own. Each line is read once,
 * parsed ({@link CriuLogParser#parseLine}), handed to the consumer, kept if a diagnosis may need it
 * ({@link CriuDiagnoser#mayMatter}) and in a short tail; nothing else of a large -v4 log stays in
 * memory and nothing reads it again. The thread sleeps until the file system reports a change in the
 * log's directory (the JDK's WatchService, inotify on Linux), never on a timer.
 */
public final class CriuLogFollower implements AutoCloseable {
    public static final int TAIL = 25;

    private final Path log;
    private final Consumer<CriuLogLine> onLine;
    private final WatchService watch;
    private final Thread thread;
    private final List<CriuLogLine> forDiagnosis = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile boolean finishing;
    private int number;

    /**
     * Starts following {@code log}. A file left there by an earlier run is removed first (criu
     * creates it anew), so no old line is reported as new.
     */
    public static CriuLogFollower start(Path log, Consumer<CriuLogLine> onLine) throws IOException {
        Files.deleteIfExists(log);
        CriuLogFollower f = new CriuLogFollower(log, onLine);
        f.thread.start();
        return f;
    }

    private CriuLogFollower(Path log, Consumer<CriuLogLine> onLine) throws IOException {
        this.log = log;
        this.onLine = onLine;
        Path dir = log.toAbsolutePath().getParent();
        this.watch = dir.getFileSystem().newWatchService();
        try {
            dir.register(watch, ENTRY_CREATE, ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            watch.close();
            throw e;
        }
        this.thread = new Thread(this::follow, "criu-log-" + log.getFileName());
        thread.setDaemon(true);
    }

    /**
     * Reads what is left once nothing writes the log any more (the worker has exited) and stops.
     * Returns when every line has been handed over (or after {@code maxMillis}).
     */
    public void finish(long maxMillis) throws InterruptedException {
        finishing = true;
        closeWatch(); // wakes the thread: it reads to the end once more and stops
        thread.join(Math.max(1, maxMillis));
    }

    /** The lines a diagnosis may need ({@link CriuDiagnoser#mayMatter}), in log order. Call after {@link #finish}. */
    public synchronized List<CriuLogLine> linesForDiagnosis() {
        return List.copyOf(forDiagnosis);
    }

    /** The last {@value #TAIL} lines as written. */
    public synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    @Override
    public void close() {
        finishing = true;
        closeWatch();
    }

    private void closeWatch() {
        try {
            watch.close();
        } catch (IOException ignored) {
            // nothing to release then
        }
    }

    private void follow() {
        FileChannel ch = null;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        byte[] partial = new byte[256];
        int partialLen = 0;
        try {
            while (true) {
                // finishing is read before the last read: lines written before the worker exited are all seen
                boolean last = finishing;
                if (ch == null && Files.exists(log)) ch = FileChannel.open(log, StandardOpenOption.READ);
                if (ch != null) {
                    int n;
                    while ((n = ch.read(buf.clear())) > 0) {
                        byte[] b = buf.array();
                        int start = 0;
                        for (int i = 0; i < n; i++) {
                            if (b[i] != '\n') continue;
                            if (partialLen > 0) {
                                if (partialLen + i - start > partial.length) partial = Arrays.copyOf(partial, 2 * (partialLen + i - start));
                                System.arraycopy(b, start, partial, partialLen, i - start);
                                line(new String(partial, 0, partialLen + i - start, StandardCharsets.UTF_8));
                                partialLen = 0;
                            } else {
                                line(new String(b, start, i - start, StandardCharsets.UTF_8));
                            }
                            start = i + 1;
                        }
                        if (start < n) {
                            if (partialLen + n - start > partial.length) partial = Arrays.copyOf(partial, 2 * (partialLen + n - start));
                            System.arraycopy(b, start, partial, partialLen, n - start);
                            partialLen += n - start;
                        }
                    }
                }
                if (last) break;
                try {
                    var key = watch.take();
                    key.pollEvents();
                    key.reset();
                } catch (ClosedWatchServiceException e) {
                    finishing = true; // one more pass, then stop
                }
            }
            if (partialLen > 0) line(new String(partial, 0, partialLen, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // the log may vanish (CHECK's temp dir); nothing to follow then
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeWatch();
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    private void line(String raw) {
        CriuLogLine l = CriuLogParser.parseLine(++number, raw);
        synchronized (this) {
            if (CriuDiagnoser.mayMatter(l)) forDiagnosis.add(l);
            tail.addLast(raw);
            if (tail.size() > TAIL) tail.removeFirst();
        }
        onLine.accept(l);
    }
}
