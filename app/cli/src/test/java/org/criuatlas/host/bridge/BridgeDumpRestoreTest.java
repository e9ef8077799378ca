package org.criuatlas.host.bridge;

import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real dump and restore through a real {@code criu-atlas bridge} process, checked in /proc (the
 * tree is gone after the dump, runs again after the restore: its counter moves on), plus the
 * bridge's calibration of one probe kind.
 */
@Tag("criu")
class BridgeDumpRestoreTest {
    @Test
    void dumpOpenAndRestoreThroughTheBridge() throws Exception {
        TestProcs.criuAsSubreaper();
        Path work = Files.createDirectories(Path.of("target", "bridge-dump").toAbsolutePath());
        Path counter = work.resolve("counter-" + System.nanoTime());
        List<Integer> restored = new ArrayList<>();
        try (BridgeHost host = BridgeProcesses.start();
             TestProcs.Proc tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(counter.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(counter, 2, Duration.ofSeconds(20)) > 2, "the tree runs");
            List<Integer> pids = tree.tree();
            assertEquals(2, pids.size(), pids.toString());

            Path images = work.resolve("images-" + System.nanoTime());
            List<HostEvent> events = new CopyOnWriteArrayList<>();
            DumpOutcome out = host.dump(new DumpRequest(CriuOptions.defaults().withPid(tree.pid), images, false, pids), events::add)
                    .result().get(120, TimeUnit.SECONDS);
            DumpOutcome.Dumped d = assertInstanceOf(DumpOutcome.Dumped.class, out, out.toString());
            assertEquals(images, d.dir());
            assertFalse(d.target().running(), "a dump without leave-running ends the tree: " + d.target().text());
            for (int p : pids) assertTrue(TestProcs.waitGone(p, Duration.ofSeconds(10)), "pid " + p + " gone (checked here too)");
            assertTrue(events.stream().anyMatch(e -> e instanceof HostEvent.ImagesFolderReady), "events came through: " + events);
            assertTrue(events.stream().anyMatch(e -> e instanceof HostEvent.Criu), "criu's own events came through");
            assertTrue(Files.isRegularFile(images.resolve("inventory.img")), "the images are where the bridge said");
            assertTrue(d.summary().bytesOnDisk() > 0);

            OpenedImages opened = host.openImages(images);
            assertEquals(Set2.of(pids), new java.util.TreeSet<>(opened.dump().graph().processes().keySet()), "the images hold the tree");
            long before = TestProcs.counter(counter);

            // the restore preview through the bridge: the same as this machine's own, and clear (the pids are free)
            org.criuatlas.plan.restore.RestorePreview viaBridge = host.previewRestore(images);
            org.criuatlas.plan.restore.RestorePreview here = new org.criuatlas.host.LocalHost(Runnable::run).previewRestore(images);
            assertEquals(pids.size(), viaBridge.processes(), "the preview counts the dumped processes");
            assertEquals(here.conflicts(), viaBridge.conflicts(), "the bridge's preview is this machine's preview");
            assertTrue(viaBridge.conflicts(org.criuatlas.plan.restore.RestorePreview.Kind.PID_TAKEN).isEmpty(), "the tree's pids are free: " + viaBridge.conflicts());
            // the trust gate asked ahead through the bridge: root's own 0700 dump folder is trusted, and says so as here
            org.criuatlas.host.RestoreGate.Verdict trust = host.restoreTrust(images).orElseThrow();
            assertTrue(trust.trusted(), trust.toString());
            assertEquals(org.criuatlas.host.RestoreGate.check(images).findings(), trust.findings());

            // as the restore board asks: steps and criu's stages, no event per log line (the log lens reads the log after)
            List<HostEvent> restoreEvents = new CopyOnWriteArrayList<>();
            RestoreResult r = host.restore(RestoreRequest.now(RestoreWiringPlan.of(opened.dump())).withStagesOnly(), restoreEvents::add)
                    .result().get(120, TimeUnit.SECONDS);
            RestoreResult.Restored ok = assertInstanceOf(RestoreResult.Restored.class, r, r.toString());
            restored.addAll(ok.pids());
            List<String> restoreStages = restoreEvents.stream()
                    .filter(e -> e instanceof HostEvent.Criu c && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.Stage)
                    .map(e -> ((org.criuatlas.bridge.criu.CriuEvent.Stage) ((HostEvent.Criu) e).event()).name()).toList();
            assertEquals(ok.result().stages().stream().map(org.criuatlas.bridge.criu.CriuEvent.Stage::name).toList(), restoreStages,
                    "criu's stages came, each once and in order: " + restoreEvents);
            assertEquals(List.of("pre-restore", "post-restore", "pre-resume", "post-resume"),
                    restoreStages.stream().filter(n -> !n.contains("namespaces")).toList(), restoreStages.toString());
            assertTrue(restoreEvents.stream().noneMatch(e -> e instanceof HostEvent.Criu c && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.LogLine),
                    "no log line came as an event");
            assertTrue(restoreEvents.stream().anyMatch(e -> e instanceof HostEvent.Step s && s.name().equals("restored")), "the steps came");
            String restoreLog = host.readLog(ok.result().logFile(), 64 << 20);
            assertTrue(restoreLog.contains("Restore finished successfully"), "the log file has every line: it reads through the bridge");
            assertEquals(tree.pid, ok.rootPid(), "restored with its own pid");
            assertTrue(TestProcs.alive(tree.pid), "runs again (/proc)");
            assertTrue(TestProcs.waitCounterAbove(counter, before + 2, Duration.ofSeconds(20)) > before + 2, "and works: its counter moves on");
            String log = host.readLog(d.logFile(), 64 << 20);
            assertTrue(log.contains("Dumping finished successfully"), "the dump's log reads through the bridge");
            // criu's log lines came as events (several to a frame: the client asks for log batches), each once and in
            // order, parsed here as the bridge's follower parsed them: the whole log the bridge reads back
            List<org.criuatlas.bridge.criu.log.CriuLogLine> lines = events.stream()
                    .filter(e -> e instanceof HostEvent.Criu c && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.LogLine)
                    .map(e -> ((org.criuatlas.bridge.criu.CriuEvent.LogLine) ((HostEvent.Criu) e).event()).line()).toList();
            assertFalse(lines.isEmpty(), "criu's log lines came through");
            assertEquals(java.util.stream.IntStream.rangeClosed(1, lines.size()).boxed().toList(),
                    lines.stream().map(org.criuatlas.bridge.criu.log.CriuLogLine::number).toList(), "each line once, in order");
            assertEquals(org.criuatlas.bridge.criu.log.CriuLogParser.parse(log), lines, "every line of the dump's log");
            // criu's notifications, each once and in criu's order (they are sent from the bridge's sending thread, after the
            // batch that waited before them), all before the dump's outcome
            List<String> stages = events.stream()
                    .filter(e -> e instanceof HostEvent.Criu c && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.Stage)
                    .map(e -> ((org.criuatlas.bridge.criu.CriuEvent.Stage) ((HostEvent.Criu) e).event()).name())
                    .toList();
            assertEquals(List.of("pre-dump", "query-ext-files", "post-dump"), stages, "the dump's stages: " + stages);
        } finally {
            TestProcs.killAndReap(restored);
        }
    }

    @Test
    void calibratesOneProbeKindThroughTheBridge() throws Exception {
        TestProcs.criuAsSubreaper();
        String kind = ProbeCatalogue.builtIn().kinds().get(0).id();
        List<Object> steps = new CopyOnWriteArrayList<>();
        try (BridgeHost host = BridgeProcesses.start()) {
            CalibrationReport rep = host.calibrate(1, List.of(kind), false, steps::add).result().get(300, TimeUnit.SECONDS);
            assertFalse(rep.entries().isEmpty());
            assertEquals(rep.entries().size(), steps.size(), "one progress event per measured cell");
            assertTrue(rep.entries().stream().allMatch(e -> e.kind().equals(kind)), rep.entries().toString());
        }
    }

    /** Sets of pids compared whatever their set implementation. */
    static final class Set2 {
        static java.util.Set<Integer> of(List<Integer> l) { return new java.util.TreeSet<>(l); }
    }
}
