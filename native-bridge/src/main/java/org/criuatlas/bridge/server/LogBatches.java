package org.criuatlas.bridge.server;

import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.server.proto.BridgeProto;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The events of one dump or restore whose client asked for {@code log_batches}: CRIU's log lines go
 * several to a {@link BridgeProto.LogBatch} frame, as their number and text, instead of one JSON
 * host event each (a -v4 dump of 100 processes has ~44,000 lines: one frame and two JSON documents a
 * line cost the bridge and the client ~1 s of CPU, time the two cores could not give criu). A batch
 * goes when {@value #MAX_LINES} lines or {@value #MAX_CHARS} characters are waiting, before any other
 * event (the order stays CRIU's), before the last reply ({@link #flushThen}), with the first line that
 * comes {@value #MAX_DELAY_MS} ms or more after the batch's first, and else from a timer
 * {@value #QUIET_MS} ms after it (CRIU went quiet), so a log view stays live.
 *
 * <p>Nothing here sends on the caller's thread: batches and events are handed, in order, to {@code out}, one
 * thread that runs as SCHED_BATCH (so sending never preempts CRIU; measured: bridge CPU per 100-process dump
 * 510-780 ms with a frame a line, 130-250 ms batched). A stage event comes on the thread that answers CRIU's
 * notification while the tree is frozen: when it sent the waiting batch and its own frame there, and waited for
 * this object's lock while the log follower (also SCHED_BATCH, so often preempted) held it to send, CRIU waited
 * 0.3-5.7 ms per notification (measured at a 10-process dump and restore through a bridge, 2026-12-07).
 *
 * <p>What waits to be sent is bounded: a client that reads more slowly than CRIU writes (a slow ssh link, a stalled
 * window) would otherwise make the bridge hold the run's whole log (a -v4 restore of 1,000 processes writes ~60 MB) and
 * its outcome wait behind it. Once {@link #maxPendingChars} characters of this run's lines are handed over and not yet sent, further
 * batches are left out; the next batch sent, or an empty one before the next event or the last reply, says how many lines
 * were left out ({@code skipped_before}). Events and the last reply are never left out, and the log file keeps every line.
 * A client older than the field sees only the gap in the line numbers.
 */
final class LogBatches implements BridgeVerbs.Events {
    static final int MAX_LINES = 4096;
    static final int MAX_CHARS = 512 * 1024;
    static final long MAX_DELAY_MS = 100;
    static final long QUIET_MS = 300;
    /** Characters of lines handed to the sending thread and not yet sent, at most, per dump or restore (criu's ASCII lines: ~16 MB of strings). */
    static final long MAX_PENDING_CHARS = 16L << 20;

    private final Consumer<BridgeProto.JsonReply> json;
    private final Consumer<BridgeProto.LogBatch> send;
    private final ScheduledExecutorService timer;
    private final Executor out;
    private final long maxPendingChars;
    /** Characters of batches handed to {@code out} and not sent yet (the sending thread takes them off). */
    private final java.util.concurrent.atomic.AtomicLong pendingChars = new java.util.concurrent.atomic.AtomicLong();
    private BridgeProto.LogBatch.Builder batch;
    private int chars;
    private long firstAt;
    /** Lines left out since the last batch handed over. */
    private long skipped;
    private long skippedInAll;
    /** The sending thread refused work once: the bridge is closing, nothing more is sent. */
    private volatile boolean closing;

    /**
     * @param json  sends one JSON event (its order among the lines kept)
     * @param send  sends one batch
     * @param timer runs the delayed flush
     * @param out   runs every send, in the order handed over (one thread)
     */
    LogBatches(Consumer<BridgeProto.JsonReply> json, Consumer<BridgeProto.LogBatch> send, ScheduledExecutorService timer, Executor out) {
        this(json, send, timer, out, MAX_PENDING_CHARS);
    }

    /** As above, with at most {@code maxPendingChars} characters of lines waiting to be sent. */
    LogBatches(Consumer<BridgeProto.JsonReply> json, Consumer<BridgeProto.LogBatch> send, ScheduledExecutorService timer, Executor out,
               long maxPendingChars) {
        this.json = Objects.requireNonNull(json);
        this.send = Objects.requireNonNull(send);
        this.timer = Objects.requireNonNull(timer);
        this.out = Objects.requireNonNull(out);
        this.maxPendingChars = maxPendingChars;
    }

    /** Lines left out so far because the client read too slowly. */
    synchronized long skipped() {
        return skippedInAll;
    }

    /** The one thread a server sends every request's batches and events on, in order: a daemon, SCHED_BATCH. */
    static ExecutorService sendingThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                org.criuatlas.bridge.criu.LibC.scheduleThisThreadAsBatch();
                r.run();
            }, "bridge-events-out");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void accept(BridgeProto.JsonReply event) {
        flush();
        noteSkipped(); // lines left out before this event are said before it
        later(() -> json.accept(event));
    }

    @Override
    public synchronized void logLine(CriuLogLine line, Instant at, Supplier<BridgeProto.JsonReply> asJson) {
        long now = System.nanoTime();
        if (batch == null) {
            batch = BridgeProto.LogBatch.newBuilder();
            firstAt = now;
            BridgeProto.LogBatch.Builder mine = batch;
            timer.schedule(() -> flushIf(mine), QUIET_MS, TimeUnit.MILLISECONDS);
        }
        batch.addNumbers(line.number()).addLines(line.raw()).addAtNanos(at.getEpochSecond() * 1_000_000_000L + at.getNano());
        chars += line.raw().length();
        if (batch.getLinesCount() >= MAX_LINES || chars >= MAX_CHARS || now - firstAt >= MAX_DELAY_MS * 1_000_000) flush();
    }

    /** Sends what is waiting, then runs {@code last} (the last reply), after everything handed over before. */
    synchronized void flushThen(Runnable last) {
        flush();
        noteSkipped(); // the lines left out at the end: said before the outcome
        later(last);
    }

    /** Lines left out and not said yet: said now, in a batch of no lines (an event or the last reply follows). */
    private synchronized void noteSkipped() {
        if (skipped == 0) return;
        BridgeProto.LogBatch note = BridgeProto.LogBatch.newBuilder().setSkippedBefore(skipped).build();
        skipped = 0;
        later(() -> send.accept(note));
    }

    /** Characters of lines handed to the sending thread and not sent yet. */
    long pendingChars() {
        return pendingChars.get();
    }

    /** {@code last} after what {@code batches} has waiting (sent there); at once for a request without batches (null). */
    static void then(LogBatches batches, Runnable last) {
        if (batches != null) batches.flushThen(last);
        else last.run();
    }

    private synchronized void flush() {
        if (batch == null) return;
        BridgeProto.LogBatch.Builder b = batch;
        int c = chars;
        batch = null;
        chars = 0;
        long pending = pendingChars.get();
        if (pending > 0 && pending + c > maxPendingChars) { // the client is behind: these lines stay in the log file only
            skipped += b.getLinesCount();
            skippedInAll += b.getLinesCount();
            return;
        }
        if (skipped > 0) {
            b.setSkippedBefore(skipped);
            skipped = 0;
        }
        pendingChars.addAndGet(c);
        later(() -> {
            try {
                send.accept(b.build());
            } finally {
                pendingChars.addAndGet(-c);
            }
        });
    }

    /**
     * Hands {@code r} to the sending thread. Once that thread refuses work (the bridge is closing: its client's stream
     * ended), nothing more is sent: run here, a frame would overtake those still queued there (found in review), and
     * there is no one left to read it.
     */
    private void later(Runnable r) {
        if (closing) return;
        try {
            out.execute(r);
        } catch (RejectedExecutionException e) {
            closing = true;
        }
    }

    private synchronized void flushIf(BridgeProto.LogBatch.Builder b) {
        if (batch == b) flush();
    }
}
