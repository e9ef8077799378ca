package org.criuatlas.restore;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.awaitility.Awaitility;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.PosixSpawn;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The seed scenario end to end with real CRIU: a worker echoes on one end of a socketpair whose
 * other end we hold (outside its tree); dump with external unix[worker ino]; read the images; wire
 * a console; restore through {@link RestoreRunner}; text typed into the console comes back.
 */
@Tag("criu")
class RestoreRunnerRealTest extends RealRestoreFixture {

    /** Starts the echo worker in a session of its own with {@code fd} at its fd 3. */
    private int startWorker(int fd) {
        String[] argv = {"/usr/bin/python3", "-c", TestProcs.ECHO_FD3_UNTIL_EOF};
        int out = LibC.open("/dev/null", LibC.O_WRONLY);
        try {
            int pid = PosixSpawn.spawn(argv, new String[] {"PATH=/usr/bin:/bin"}, new int[][] {{fd, 3}}, out, true);
            toKill.add(pid);
            return pid;
        } finally {
            LibC.close(out);
        }
    }

    /** Dumps a worker that echoes on a socketpair end; returns the images (worker gone) and its pid. */
    private Map.Entry<ImageDump, Integer> dumpSeed() throws Exception {
        int[] sp = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        try {
            int pid = startWorker(sp[1]);
            long inside = TestProcs.inode(sp[1]);
            LibC.close(sp[1]);
            sp[1] = -1;
            assertEquals("ping", TestProcs.roundTrip(sp[0], "ping", Duration.ofSeconds(5)), "the worker echoes before the dump");
            Path images = tmp.resolve("img");
            CriuResult d;
            try (var s = CriuSession.dump(criu, CriuOptions.defaults().withPid(pid).withImagesDir(images)
                    .plusExternal("unix[" + inside + "]"), null)) {
                d = s.await(Duration.ofSeconds(60));
            }
            assertTrue(d.success(), () -> "dump failed: " + d);
            assertTrue(RestoreRunner.stillTaken(List.of(pid)).isEmpty() || waitFree(pid), "the dump ended the worker");
            ImageDump dump = ImageReader.open(images);
            RestoreObligation o = dump.obligations().stream().filter(x -> x.key().equals("socket:[" + inside + "]"))
                    .findFirst().orElseThrow(() -> new AssertionError("no obligation for our socket: " + dump.obligations()));
            assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, o.kind());
            return Map.entry(dump, pid);
        } finally {
            LibC.close(sp[0]);
            LibC.close(sp[1]);
        }
    }

    private static boolean waitFree(int pid) {
        return Processes.awaitEnd(pid, Duration.ofSeconds(10)); // woken by its pidfd, reaped if ours
    }

    @Test
    void seedRestoreWithAConsoleEchoesTypedText() throws Exception {
        var seed = dumpSeed();
        ImageDump dump = seed.getKey();
        int pid = seed.getValue();
        Map<String, String> before = hashes(dump.dir());

        RestoreWiringPlan plan = RestoreWiringPlan.of(dump).withWorkDir(tmp.resolve("work"));
        Files.createDirectories(plan.workDir());
        assertEquals(1, plan.rows().size(), plan.rows().toString());
        assertEquals(Destination.Kind.CONSOLE, plan.rows().get(0).destination().kind());
        assertFalse(plan.blocked(), () -> plan.blockingReasons().toString());

        List<RestoreEvent> events = new CopyOnWriteArrayList<>();
        RestoreRunner runner = new RestoreRunner(criu, pool);
        RestoreOutcome out = runner.restore(plan, events::add).outcome().get(90, TimeUnit.SECONDS);
        if (out instanceof RestoreOutcome.Restored r) {
            toKill.addAll(r.pids());
            toClose.add(r.wiring());
        }
        RestoreOutcome.Restored r = assertInstanceOf(RestoreOutcome.Restored.class, out, () -> out.toString());
        assertEquals(pid, r.rootPid(), "CRIU restores the old pid");
        ConsoleEnd console = r.wiring().console(plan.rows().get(0).key());
        assertNotNull(console);
        assertTrue(console.canSend() && console.canReceive());

        List<String> stages = events.stream().filter(e -> e instanceof RestoreEvent.Criu c && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.Stage)
                .map(e -> ((org.criuatlas.bridge.criu.CriuEvent.Stage) ((RestoreEvent.Criu) e).event()).name()).toList();
        assertEquals(List.of("pre-restore", "post-restore", "pre-resume", "post-resume"), stages);
        assertTrue(events.stream().anyMatch(e -> e instanceof RestoreEvent.Step s && s.name().equals("restored")));

        console.send("hello from the console\n");
        waitFor(() -> console.transcript().contains("hello from the console"), "echo arrives");
        assertEquals("hello from the console\n", console.transcript());
        assertEquals(23, console.bytesSent());
        assertEquals(23, console.bytesReceived());
        console.send("again");
        waitFor(() -> console.bytesReceived() == 28, "second echo counted");

        assertEquals(before, hashes(dump.dir()), "the image dir is not modified");
        assertTrue(Files.exists(plan.workDir().resolve("restore.log")), "criu's log went to the work dir");

        // the worker exits on EOF: closing the console (our only copy of the end) must end it, so no fd leaked to criu
        r.wiring().close();
        assertTrue(waitFree(pid), "the restored worker saw EOF once the console closed");
        assertEquals("closed by CRIU Atlas", console.ended());
    }

    @Test
    void pidTakenIsTypedAndWaitThenRetryRestores() throws Exception {
        var seed = dumpSeed();
        ImageDump dump = seed.getKey();
        int pid = seed.getValue();
        // hold the pid: a process that is not CRIU's gets the dumped pid through ns_last_pid
        int holder = holdPid(pid);
        RestoreWiringPlan plan = RestoreWiringPlan.of(dump);
        RestoreRunner runner = new RestoreRunner(criu, pool);
        RestoreOutcome out = runner.restore(plan, null).outcome().get(90, TimeUnit.SECONDS);
        if (out instanceof RestoreOutcome.Restored r) toClose.add(r.wiring());
        RestoreOutcome.PidTaken taken = assertInstanceOf(RestoreOutcome.PidTaken.class, out, () -> out.toString());
        assertTrue(taken.pids().contains(pid), taken.pids().toString());

        // cancel while waiting
        CountDownLatch inWait = new CountDownLatch(1);
        RestoreRunner.Job waiting = runner.waitThenRestore(plan, taken.pids(), Duration.ofSeconds(60), waitingStep(inWait));
        assertTrue(inWait.await(10, TimeUnit.SECONDS), "the job reports that it waits");
        waiting.cancel();
        assertInstanceOf(RestoreOutcome.Cancelled.class, waiting.outcome().get(10, TimeUnit.SECONDS));

        // free the pid a little later: the wait notices and the restore succeeds
        CountDownLatch inWait2 = new CountDownLatch(1);
        RestoreRunner.Job job = runner.waitThenRestore(plan, taken.pids(), Duration.ofSeconds(30), waitingStep(inWait2));
        assertTrue(inWait2.await(10, TimeUnit.SECONDS), "the job reports that it waits");
        Awaitility.await("still waiting while the pid is taken").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> !job.outcome().isDone());
        RestoreRunner.killAll(List.of(holder));
        RestoreOutcome again = job.outcome().get(90, TimeUnit.SECONDS);
        if (again instanceof RestoreOutcome.Restored r) {
            toKill.addAll(r.pids());
            toClose.add(r.wiring());
        }
        RestoreOutcome.Restored r = assertInstanceOf(RestoreOutcome.Restored.class, again, () -> again.toString());
        ConsoleEnd c = r.wiring().consoles().get(0);
        c.send("back");
        waitFor(() -> c.transcript().equals("back"), "echo after the retry");
    }

    @Test
    void cancelDuringCriuNeverReportsSuccessAndLeavesNothingRunning() throws Exception {
        var seed = dumpSeed();
        ImageDump dump = seed.getKey();
        int pid = seed.getValue();
        RestoreRunner runner = new RestoreRunner(criu, pool);
        RestoreRunner.Job[] job = new RestoreRunner.Job[1];
        // cancel at the first criu stage: criu is told to give up and kills what it restored
        job[0] = runner.restore(RestoreWiringPlan.of(dump), e -> {
            if (e instanceof RestoreEvent.Criu c && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.Stage s
                    && s.name().equals("post-restore")) {
                while (job[0] == null) Thread.onSpinWait();
                job[0].cancel();
            }
        });
        RestoreOutcome out = job[0].outcome().get(90, TimeUnit.SECONDS);
        if (out instanceof RestoreOutcome.Restored r) {
            toKill.addAll(r.pids());
            toClose.add(r.wiring());
        }
        assertInstanceOf(RestoreOutcome.Cancelled.class, out, () -> out.toString());
        assertTrue(waitFree(pid), "nothing half-restored keeps running");
    }

    /** Makes a sleeping process take {@code pid} (via ns_last_pid); returns it. */
    private int holdPid(int pid) throws Exception {
        Path last = Path.of("/proc/sys/kernel/ns_last_pid");
        for (int attempt = 0; attempt < 20; attempt++) {
            Files.writeString(last, Integer.toString(pid - 1));
            int out = LibC.open("/dev/null", LibC.O_WRONLY);
            int p;
            try {
                p = PosixSpawn.spawn(new String[] {"/bin/sleep", "600"}, new String[0], new int[0][], out, true);
            } finally {
                LibC.close(out);
            }
            toKill.add(p);
            if (p == pid) return p;
            RestoreRunner.killAll(List.of(p));
        }
        throw new AssertionError("could not take pid " + pid);
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(c::getAsBoolean);
    }

    /** Counts down when the job reports its "waiting" step: the readiness signal for a cancel or a check. */
    private static java.util.function.Consumer<RestoreEvent> waitingStep(CountDownLatch latch) {
        return e -> {
            if (e instanceof RestoreEvent.Step st && st.name().equals("waiting")) latch.countDown();
        };
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                m.put(p.getFileName().toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }
}
