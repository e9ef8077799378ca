package org.criuatlas.bridge.server;

import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The batches of CRIU's log lines a bridge sends: every line, in order, to a client that keeps up; to one that
 * does not, a bounded amount of text waits and the lines left out are counted where they were left out, with the
 * events and the last reply still sent, in order.
 */
class LogBatchesTest {
    private static final String TEXT = "(00.012345) 12345: fdinfo: type: 0x 1 flags: 02100002/0 pos: 0 fd: 3 ".repeat(2); // 140 chars
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** The sending thread, with a queue the tests can look at. */
    private final ThreadPoolExecutor out = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    /** What the client got, in order: a batch, or the event's text. */
    private final List<Object> got = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        timer.shutdownNow();
        out.shutdownNow();
    }

    private static BridgeProto.JsonReply event(String text) {
        return BridgeProto.JsonReply.newBuilder().setType(text).build();
    }

    private void lines(LogBatches b, int from, int to) {
        for (int i = from; i <= to; i++) b.logLine(CriuLogLine.unparsed(i, TEXT), Instant.now(), () -> null);
    }

    private void awaitSent() throws InterruptedException {
        out.shutdown();
        assertTrue(out.awaitTermination(30, TimeUnit.SECONDS), "the sending thread did not finish");
    }

    @Test
    void aClientThatKeepsUpGetsEveryLineInOrderBeforeTheLastReply() throws InterruptedException {
        LogBatches b = new LogBatches(e -> got.add(e.getType()), got::add, timer, out);
        lines(b, 1, 30_000);
        b.accept(event("stage"));
        lines(b, 30_001, 60_000);
        b.flushThen(() -> got.add("last"));
        awaitSent();

        int next = 1;
        boolean stageSeen = false;
        for (Object o : got.subList(0, got.size() - 1)) {
            if (o instanceof BridgeProto.LogBatch batch) {
                assertEquals(0, batch.getSkippedBefore());
                for (int i = 0; i < batch.getLinesCount(); i++) {
                    assertEquals(next++, batch.getNumbers(i));
                    assertEquals(TEXT, batch.getLines(i));
                }
            } else {
                assertEquals("stage", o);
                assertEquals(30_001, next, "the event comes after the lines before it and before those after it");
                stageSeen = true;
            }
        }
        assertTrue(stageSeen);
        assertEquals(60_001, next, "every line");
        assertEquals("last", got.get(got.size() - 1));
        assertEquals(0, b.skipped());
    }

    @Test
    void aStalledClientCostsABoundedQueueAndIsToldWhatWasLeftOut() throws InterruptedException {
        CountDownLatch stalled = new CountDownLatch(1);
        long bound = 2L << 20; // characters waiting at most: ~4 full batches of 512 Ki characters
        LogBatches b = new LogBatches(e -> got.add(e.getType()), batch -> {
            try {
                stalled.await(); // the client reads nothing until released
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(batch);
        }, timer, out, bound);

        int total = 200_000; // 28 M characters: far more than the bound
        lines(b, 1, total / 2);
        b.accept(event("stage"));
        lines(b, total / 2 + 1, total);
        b.flushThen(() -> got.add("last"));
        // while the client reads nothing, the text waiting for it stays within the bound
        assertTrue(b.pendingChars() <= bound, "characters waiting for a stalled client: " + b.pendingChars());
        assertTrue(b.skipped() > total / 2, "lines left out: " + b.skipped());

        stalled.countDown();
        awaitSent();
        long sentLines = 0, toldSkipped = 0;
        int last = 0;
        int stageAt = -1;
        for (int k = 0; k < got.size() - 1; k++) {
            Object o = got.get(k);
            if (o instanceof BridgeProto.LogBatch batch) {
                toldSkipped += batch.getSkippedBefore();
                if (batch.getLinesCount() > 0) {
                    // the count comes where the gap is: the first line after it is the last sent + those left out + 1
                    assertEquals(last + batch.getSkippedBefore() + 1, batch.getNumbers(0));
                    for (int i = 1; i < batch.getLinesCount(); i++) assertEquals(batch.getNumbers(i - 1) + 1, batch.getNumbers(i));
                    last = batch.getNumbers(batch.getLinesCount() - 1);
                    sentLines += batch.getLinesCount();
                } else {
                    assertTrue(batch.getSkippedBefore() > 0, "an empty batch only says what was left out");
                    last += (int) batch.getSkippedBefore();
                }
            } else {
                assertEquals("stage", o);
                stageAt = k;
                // lines left out before the event are said before it: everything up to it is sent or counted
                assertEquals(total / 2, last, "the lines before the event, sent or said left out, before it");
            }
        }
        assertTrue(stageAt >= 0, "the event is never left out");
        assertEquals("last", got.get(got.size() - 1), "the last reply comes last");
        assertEquals(total, last, "lines sent and lines said to be left out cover the whole log");
        assertEquals(b.skipped(), toldSkipped);
        assertEquals(total, sentLines + toldSkipped);
        assertTrue(sentLines > 0 && sentLines * TEXT.length() <= bound + 2L * LogBatches.MAX_CHARS, "lines sent: " + sentLines);
    }

    /**
     * Once the bridge closes its sending thread, what is handed over later is not sent at all: it used to run on the
     * caller's thread at once, ahead of the batches still queued (found in review), out of CRIU's order.
     */
    @Test
    void nothingHandedOverAfterTheSendingThreadClosesOvertakesWhatIsQueued() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        LogBatches b = new LogBatches(e -> got.add(e.getType()), batch -> {
            try {
                if (first.getAndSet(false)) held.await(); // the first batch is being sent while the rest waits in the queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(batch);
        }, timer, out);
        lines(b, 1, LogBatches.MAX_LINES);        // a full batch: handed over at once
        lines(b, LogBatches.MAX_LINES + 1, 2 * LogBatches.MAX_LINES);
        b.accept(event("stage"));                 // the second batch, then the event: queued behind the first
        out.shutdown();                           // the bridge closes: what is queued still goes, in order
        lines(b, 2 * LogBatches.MAX_LINES + 1, 2 * LogBatches.MAX_LINES + 10);
        b.flushThen(() -> got.add("last"));
        b.accept(event("late"));
        assertTrue(got.isEmpty(), "nothing ran on this thread ahead of the queue: " + got);
        held.countDown();
        assertTrue(out.awaitTermination(30, TimeUnit.SECONDS));
        // the batches queued before the close (every line up to the event, in order), then the event, and nothing after
        assertEquals("stage", got.get(got.size() - 1), "the event last: " + got.size() + " sent");
        int next = 1;
        for (Object o : got.subList(0, got.size() - 1)) {
            BridgeProto.LogBatch batch = assertInstanceOf(BridgeProto.LogBatch.class, o);
            for (int i = 0; i < batch.getLinesCount(); i++) assertEquals(next++, batch.getNumbers(i));
        }
        assertEquals(2 * LogBatches.MAX_LINES + 1, next, "every line before the close, none after it");
    }
}
