package org.criuatlas.restore;

import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.CriuVersion;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.images.RestoreFlags;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a dump holds decides two options of its restore, with real CRIU. A flock dumped with
 * --file-locks comes back only when the restore has --file-locks too (without it CRIU exits 0 and the
 * lock is gone: measured); a TCP connection dumped with --tcp-established fails a restore without it.
 * The images are read (RestoreFlags), the wiring plan restores with both, and the restored tree holds
 * its lock (/proc/locks) and its connection (ss) again. CRIU 4.1.1 cannot dump an inet socket on this
 * kernel: there the TCP case checks that refusal instead.
 */
@Tag("criu")
class RestoreFlagsCriuTest extends RealRestoreFixture {

    /** Established TCP sockets of these pids, as ss lists them. */
    static long establishedOf(Set<Integer> pids) throws Exception {
        Process p = new ProcessBuilder("ss", "-tnpH", "state", "established").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out.lines().filter(l -> pids.stream().anyMatch(pid -> l.contains("pid=" + pid + ","))).count();
    }

    private ImageDump dumpAndRead(int root, Set<Integer> tree, CriuOptions o) throws Exception {
        Path images = tmp.resolve("img");
        CriuResult d;
        try (var s = CriuSession.dump(criu, o.withPid(root).withImagesDir(images), null)) {
            d = s.await(Duration.ofSeconds(90));
        }
        assertTrue(d.success(), () -> "dump failed: " + d);
        for (int pid : tree) assertTrue(Processes.awaitEnd(pid, Duration.ofSeconds(10)), "the dump ended pid " + pid);
        ImageDump dump = ImageReader.open(images);
        assertEquals(dump.restoreFlags(), RestoreFlags.of(images), "the short read agrees with the full one");
        return dump;
    }

    private RestoreOutcome.Restored restore(RestoreWiringPlan plan) throws Exception {
        Files.createDirectories(plan.workDir());
        RestoreOutcome out = new RestoreRunner(criu, pool).restore(plan, null).outcome().get(90, TimeUnit.SECONDS);
        if (out instanceof RestoreOutcome.Restored r) {
            toKill.addAll(r.pids());
            toClose.add(r.wiring());
        }
        return assertInstanceOf(RestoreOutcome.Restored.class, out, () -> out.toString());
    }

    @Test
    void aDumpedFileLockIsRestoredWithFileLocks() throws Exception {
        TopologySpec spec = new TopologySpec().process("holder").process("kid", "holder")
                .file("f", "holder").lock("k", "holder", "f", TopologySpec.LockType.FLOCK, true, 0, 0);
        try (Topology t = Topology.start(spec)) {
            Set<Integer> tree = Set.of(t.pid("holder"), t.pid("kid"));
            long locks = TestProcs.locksHeldBy(tree);
            assertEquals(1, locks, "the kernel shows the holder's flock");
            ImageDump dump = dumpAndRead(t.pid("holder"), tree, CriuOptions.defaults().withFileLocks(true));
            assertEquals(new RestoreFlags(0, 1), dump.restoreFlags());
            RestoreWiringPlan plan = RestoreWiringPlan.of(dump).withWorkDir(tmp.resolve("work"));
            assertTrue(plan.fileLocks() && !plan.tcpEstablished(), plan.toString());
            assertTrue(plan.commandLine(criu).contains(" --file-locks"), plan.commandLine(criu));

            // why: without --file-locks CRIU restores the tree, exits 0, and the lock is gone
            RestoreOutcome.Restored bare = restore(plan.withFileLocks(false).withWorkDir(tmp.resolve("work-bare")));
            assertEquals(0, TestProcs.locksHeldBy(tree), "restored without --file-locks: no lock, and no error");
            RestoreRunner.killAll(bare.pids());
            for (int pid : bare.pids()) assertTrue(Processes.awaitEnd(pid, Duration.ofSeconds(10)));

            restore(plan);
            assertEquals(locks, TestProcs.locksHeldBy(tree), "the restored holder holds its lock again");
        }
    }

    @Test
    void aDumpedTcpConnectionIsRestoredWithTcpEstablished() throws Exception {
        TopologySpec spec = new TopologySpec().process("srv").process("cli", "srv")
                .tcpListen("L", "srv", "127.0.0.1:0").tcpConnect("C", "cli", "L");
        CriuVersion v = CriuLocator.version(criu);
        try (Topology t = Topology.start(spec)) {
            Set<Integer> tree = Set.of(t.pid("srv"), t.pid("cli"));
            long established = establishedOf(tree);
            assertEquals(2, established, "ss shows both ends of the connection in the tree");
            CriuOptions o = CriuOptions.defaults().withTcpEstablished(true);
            if (v.compareTo(CriuVersion.parse("4.2")) < 0) {
                // criu-on-this-machine.md: before 4.2, on Linux 6.16+, no inet socket dumps at all
                CriuResult d;
                try (var s = CriuSession.dump(criu, o.withPid(t.pid("srv")).withImagesDir(tmp.resolve("img")).withLeaveRunning(true), null)) {
                    d = s.await(Duration.ofSeconds(90));
                }
                assertFalse(d.success(), "CRIU " + v + " dumped an inet socket on this kernel: " + d);
                return;
            }
            ImageDump dump = dumpAndRead(t.pid("srv"), tree, o);
            assertEquals(new RestoreFlags((int) established, 0), dump.restoreFlags());
            RestoreWiringPlan plan = RestoreWiringPlan.of(dump).withWorkDir(tmp.resolve("work"));
            assertTrue(plan.tcpEstablished() && !plan.fileLocks(), plan.toString());

            // why: without --tcp-established CRIU refuses, and the diagnosis says what to add
            RestoreWiringPlan bare = plan.withTcpEstablished(false).withWorkDir(tmp.resolve("work-bare"));
            Files.createDirectories(bare.workDir());
            RestoreOutcome out = new RestoreRunner(criu, pool).restore(bare, null).outcome().get(90, TimeUnit.SECONDS);
            if (out instanceof RestoreOutcome.Restored r) toKill.addAll(r.pids());
            RestoreOutcome.Failed failed = assertInstanceOf(RestoreOutcome.Failed.class, out, () -> out.toString());
            assertEquals(org.criuatlas.bridge.criu.log.CriuErrorKind.TCP_IN_IMAGE, failed.result().diagnoses().get(0).kind(),
                    failed.result().diagnoses().toString());
            for (int pid : tree) assertTrue(Processes.awaitEnd(pid, Duration.ofSeconds(10)), "the failed restore left pid " + pid);

            restore(plan);
            assertEquals(established, establishedOf(tree), "the restored tree holds its connection again");
        }
    }
}
