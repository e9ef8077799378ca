package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The follower reads a log while it is written, once, and keeps only what diagnoses and the tail need. */
class CriuLogFollowerTest {
    @TempDir
    Path tmp;

    @Test
    void linesArriveWhileTheWriterStillWritesEachOnceInOrder() throws Exception {
        Path log = tmp.resolve("dump.log");
        Files.writeString(log, "(00.000001) a line of an earlier run\n"); // emptied at start: never reported
        List<CriuLogLine> got = new CopyOnWriteArrayList<>();
        CompletableFuture<CriuLogLine> second = new CompletableFuture<>();
        CriuLogFollower f = CriuLogFollower.start(log, l -> {
            got.add(l);
            if (l.number() == 2) second.complete(l);
        });
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write("(00.000010) Dumping processes (pid: 42)\n(00.000020) unix: \tRunaway socket: ino 7 peer_ino 8 ".getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.write("family    1 type    1 state  1 name null\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            // the writer still has the file open: the line came from following it, not from a read at the end
            CriuLogLine l2 = second.get(10, TimeUnit.SECONDS);
            assertEquals("unix: \tRunaway socket: ino 7 peer_ino 8 family    1 type    1 state  1 name null", l2.message());
            for (int i = 3; i <= 40; i++) out.write(("(00.0001" + i + ") line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            out.write("(00.000200) Error (criu/sk-unix.c:874): unix: External socket is used. Consider using --ext-unix-sk option.\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.write("(00.000300) no newline at the end".getBytes(StandardCharsets.UTF_8));
        }
        f.finish(10_000);
        assertEquals(42, got.size());
        for (int i = 0; i < got.size(); i++) assertEquals(i + 1, got.get(i).number());
        assertEquals("no newline at the end", got.get(41).message());
        List<CriuLogLine> kept = f.linesForDiagnosis();
        assertEquals(List.of(2, 41), kept.stream().map(CriuLogLine::number).toList(), "only the lines a diagnosis may use");
        assertEquals(CriuLogFollower.TAIL, f.tail().size());
        assertEquals("(00.000300) no newline at the end", f.tail().get(CriuLogFollower.TAIL - 1));
        List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(kept, true);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals(8L, ds.get(0).dumpedInode());
        assertEquals(7L, ds.get(0).outsideInode());
    }

    /**
     * readNow (criu answered and is exiting) takes what is written by then and goes on following: later lines still come,
     * each once and in order, and the follower goes back to sleeping rather than spinning on the nudge.
     */
    @Test
    void readNowTakesTheLinesSoFarAndFollowingGoesOnWithoutSpinning() throws Exception {
        Path log = tmp.resolve("restore.log");
        List<CriuLogLine> got = new CopyOnWriteArrayList<>();
        CriuLogFollower f = CriuLogFollower.start(log, got::add);
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
            for (int i = 1; i <= 3; i++) out.write(("(00.00000" + i + ") before the answer " + i + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            f.readNow();
            f.readNow(); // twice: the second nudge is taken as well
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> got.size() == 3);
            long rounds0 = f.rounds(), t0 = System.nanoTime();
            for (int i = 4; i <= 5; i++) { // two more batches: the follower sleeps in between unless a nudge was left behind
                out.write(("(00.00001" + i + ") after the answer " + i + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                int want = i;
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> got.size() == want);
            }
            long rounds = f.rounds() - rounds0, ms = (System.nanoTime() - t0) / 1_000_000;
            // it reads every BATCH_MS ms: a nudge left behind would make it spin (thousands of rounds)
            assertTrue(rounds <= ms / CriuLogFollower.BATCH_MS + 3, "the follower went round its loop " + rounds + " times in " + ms + " ms");
            out.write("(00.000020) the last line\n".getBytes(StandardCharsets.UTF_8));
        }
        f.finish(10_000);
        assertEquals(6, got.size());
        for (int i = 0; i < got.size(); i++) assertEquals(i + 1, got.get(i).number());
        assertEquals("the last line", got.get(5).message());
    }

    /**
     * finish() reads the last lines itself, on the caller's thread, rather than waking the (batch-scheduled) follower
     * thread and waiting for it: here that thread sleeps a minute between reads, so only a read by finish() gets them.
     */
    @Test
    void finishReadsTheLastLinesOnTheCallersThread() throws Exception {
        Path log = tmp.resolve("restore.log");
        List<String> threads = new CopyOnWriteArrayList<>();
        List<CriuLogLine> got = new CopyOnWriteArrayList<>();
        CriuLogFollower f = CriuLogFollower.start(log, l -> {
            got.add(l);
            threads.add(Thread.currentThread().getName());
        }, 60_000);
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
            out.write("(00.000001) read by the follower\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            f.readNow();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> got.size() == 1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> f.rounds() >= 2);
            for (int i = 2; i <= 4; i++) out.write(("(00.00000" + i + ") written after its last read " + i + "\n").getBytes(StandardCharsets.UTF_8));
            out.write("(00.000005) and one without its newline".getBytes(StandardCharsets.UTF_8));
        }
        long t0 = System.nanoTime();
        f.finish(60_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(5, got.size(), got.toString());
        for (int i = 0; i < got.size(); i++) assertEquals(i + 1, got.get(i).number());
        assertEquals("and one without its newline", got.get(4).message());
        assertTrue(threads.get(0).startsWith("criu-log-"), threads.toString());
        String me = Thread.currentThread().getName();
        assertEquals(List.of(me, me, me, me), threads.subList(1, 5), "the last lines are handed over by finish() itself");
        assertTrue(ms < 10_000, "finish() took " + ms + " ms: it waited for the follower's next read");
        f.finish(1_000); // a second finish reads nothing twice
        assertEquals(5, got.size());
    }

    @Test
    void aLogThatNeverAppearsEndsWithNothing() throws Exception {
        List<CriuLogLine> got = new CopyOnWriteArrayList<>();
        CriuLogFollower f = CriuLogFollower.start(tmp.resolve("none.log"), got::add);
        f.finish(10_000);
        assertTrue(got.isEmpty());
        assertTrue(f.tail().isEmpty());
    }
}
