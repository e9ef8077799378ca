package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows a CRIU log file while CRIU writes it, on a thread of its own. Each line is read once,
 * parsed ({@link CriuLogParser#parseLine}, on first use), handed to the consumer, kept if a diagnosis may need it
 * ({@link CriuDiagnoser#mayMatter}) and in a short tail; nothing else of a large -v4 log (a million
 * lines for a 1,000-process restore) stays in memory and nothing reads it again.
 *
 * <p>The thread reads what is new every {@value #BATCH_MS} ms (poll(2) on a wake-up pipe with that
 * timeout), and at once when {@link #readNow} or {@link #finish} wakes it, so the last lines are never
 * late. CRIU writes a line per write(2): waking for each made a 100-process dump 1.23x the criu command
 * line (with the follower off 1.00x, batched 1.11-1.19x; bench criu, CRIU 4.2.1, -v4). It watches the
 * file with no inotify: a watch makes the kernel note every one of those writes, and with the 100 tasks
 * of a restore writing at once a 100-process restore took 1.13-1.27x the command line's time with the
 * watch and 1.01-1.15x without (five A/B pairs in turns, a tmpfs /run; 2026-12-07). This thread runs as
 * SCHED_BATCH, so a wake-up never preempts CRIU and lines wait a moment while CRIU's processes want the CPU.
 *
 * <p>{@link #finish} reads what is left on the caller's thread (one reader at a time, under {@link #reading}) rather
 * than waking the batch-scheduled thread and waiting for it: under load that thread may wait its turn for seconds with
 * criu long done. At the end of a 10-process restore the lines left take 1-2.5 ms to hand over either way (time stamps
 * in a throw-away build, 2026-12-07): most of a short run's log is read then, since it ends within one batch interval.
 */
public final class CriuLogFollower implements AutoCloseable {
    public static final int TAIL = 25;
    /** Lines are read at most this long after CRIU wrote them, in batches (a log tail needs no more). */
    static final int BATCH_MS = 100;

    private final int batchMs;
    private final Consumer<CriuLogLine> onLine;
    private final int[] wake;
    private final Thread thread;
    private final Object closeLock = new Object();
    /** Held by whoever reads the log (the thread, or {@link #finish}), so lines are read and handed over once, in order. */
    private final java.util.concurrent.locks.ReentrantLock reading = new java.util.concurrent.locks.ReentrantLock();
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    private byte[] partial = new byte[256];
    private int partialLen;
    /** Set under {@link #reading} once nothing more will be read (every line handed over, or following ended). */
    private boolean done;
    private final List<CriuLogLine> forDiagnosis = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile boolean finishing;
    /** Times the thread went round its loop (read, then wait): one writer, read by tests. */
    private volatile long rounds;
    private boolean closed;
    private int number;

    /**
     * Starts following {@code log}. The file is created empty (mode 0600, as CRIU makes it), or
     * emptied when an earlier run left one (CRIU opens it with O_TRUNC too), and opened for reading
     * here, so no old line is reported as new.
     */
    public static CriuLogFollower start(Path log, Consumer<CriuLogLine> onLine) throws IOException {
        return start(log, onLine, BATCH_MS);
    }

    /** As {@link #start(Path, Consumer)}, reading every {@code batchMs} ms (tests). */
    static CriuLogFollower start(Path log, Consumer<CriuLogLine> onLine, int batchMs) throws IOException {
        try (FileChannel c = FileChannel.open(log, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            // created
        }
        CriuLogFollower f = new CriuLogFollower(log, onLine, batchMs);
        f.thread.start();
        return f;
    }

    private CriuLogFollower(Path log, Consumer<CriuLogLine> onLine, int batchMs) throws IOException {
        this.batchMs = batchMs;
        this.onLine = onLine;
        this.channel = FileChannel.open(log, StandardOpenOption.READ);
        try {
            this.wake = LibC.pipe(LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        } catch (RuntimeException e) {
            channel.close();
            throw new IOException("cannot follow " + log + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::follow, "criu-log-" + log.getFileName());
        thread.setDaemon(true);
    }

    /**
     * Reads what is left once nothing writes the log any more (the worker has exited), on this thread, and stops
     * following. Returns when every line has been handed over; when the follower's thread is still handing over a
     * batch after {@code maxMillis}, returns without the rest. The thread releases the fds afterwards, on its own.
     */
    public void finish(long maxMillis) throws InterruptedException {
        finishing = true;
        if (reading.tryLock(Math.max(1, maxMillis), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            try {
                if (!done) {
                    readAvailable();
                    readLast();
                }
            } catch (IOException | RuntimeException e) {
                done = true; // a read that fails ends following, as on the thread
            } finally {
                reading.unlock();
            }
        }
        wakeUp();
    }

    /**
     * Reads what is there now rather than at the end of the current {@value #BATCH_MS} ms wait, and goes on following:
     * for when CRIU has answered and is exiting, so the lines written by then are taken while it exits rather than after.
     */
    public void readNow() {
        if (!finishing) wakeUp();
    }

    /** How often the thread went round its loop so far (for tests: a nudge left behind would make it spin). */
    long rounds() {
        return rounds;
    }

    /** The lines a diagnosis may need ({@link CriuDiagnoser#mayMatter}), in log order. Call after {@link #finish}. */
    public synchronized List<CriuLogLine> linesForDiagnosis() {
        return List.copyOf(forDiagnosis);
    }

    /** The last {@value #TAIL} lines as written. */
    public synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    /** Stops following (what was not read yet is not reported) and releases the fds once the thread is done. */
    @Override
    public void close() {
        finishing = true;
        wakeUp();
    }

    private void wakeUp() {
        synchronized (closeLock) {
            if (closed) return;
            try {
                LibC.write(wake[1], new byte[] {1});
            } catch (RuntimeException ignored) {
                // EAGAIN: woken already
            }
        }
    }

    private void follow() {
        LibC.scheduleThisThreadAsBatch();
        byte[] events = new byte[4096];
        try {
            while (true) {
                // finishing is read before the last read: lines written before the worker exited are all seen
                boolean last = finishing;
                reading.lock();
                try {
                    if (done) break; // finish() read the rest
                    readAvailable();
                    if (last) {
                        readLast();
                        break;
                    }
                } finally {
                    reading.unlock();
                }
                rounds = rounds + 1;
                // CRIU writes its log a line per write(2): read them in batches, one read per BATCH_MS (or
                // when woken), so this thread wakes a few times a second rather than once per line
                if (!finishing) FdEvents.pollInAny(batchMs, wake[0]);
                // a readNow() is taken by the read above; a finish() byte drained here is harmless: finishing is read again first
                if (!finishing) drain(wake[0], events);
            }
        } catch (IOException | RuntimeException e) {
            // the log may vanish (CHECK's temp dir); nothing to follow then
        } finally {
            reading.lock();
            try {
                done = true;
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing lost
            } finally {
                reading.unlock();
            }
            synchronized (closeLock) {
                closed = true;
                LibC.close(wake[0]);
                LibC.close(wake[1]);
            }
        }
    }

    /** Hands over every whole line written so far (under {@link #reading}); a line still being written waits in {@link #partial}. */
    private void readAvailable() throws IOException {
        int n;
        while ((n = channel.read(buf.clear())) > 0) {
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

    /** The end of the log: a last line without its newline is handed over too, and nothing is read after it. */
    private void readLast() {
        if (partialLen > 0) line(new String(partial, 0, partialLen, StandardCharsets.UTF_8));
        partialLen = 0;
        done = true;
    }

    private static void drain(int fd, byte[] buf) {
        try {
            while (LibC.read(fd, buf) > 0) {
                // discard
            }
        } catch (RuntimeException ignored) {
            // EAGAIN: empty
        }
    }

    private void line(String raw) {
        // taken apart on first use: a diagnosis looks at few lines (mayMatter looks at the text first), log batches at none
        CriuLogLine l = CriuLogLine.unparsed(++number, raw);
        synchronized (this) {
            if (CriuDiagnoser.mayMatter(l)) forDiagnosis.add(l);
            tail.addLast(raw);
            if (tail.size() > TAIL) tail.removeFirst();
        }
        onLine.accept(l);
    }
}
