package org.criuatlas.ui.restore;

import javafx.scene.control.TextInputControl;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.host.LocalHost;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.ui.UiTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The restore board gives a restore what the dump holds: a real dump of a process holding a flock (taken
 * with --file-locks) opens with --file-locks in the board's command and the reason beside it; Restore
 * (clicked) brings the process back holding its lock again (/proc/locks). Without the option CRIU would
 * restore it without the lock and exit 0 (RestoreFlagsCriuTest shows that).
 */
@Tag("criu")
class RestoreFlagsBoardTest extends RestoreBoardFixture {

    @Test
    void aDumpWithAFileLockIsRestoredWithItsLock() throws Exception {
        Path criu = org.criuatlas.testing.TestProcs.criuAsSubreaper();
        TopologySpec spec = new TopologySpec().process("holder")
                .file("f", "holder").lock("k", "holder", "f", TopologySpec.LockType.FLOCK, true, 0, 0);
        try (Topology t = Topology.start(spec)) {
            int pid = t.pid("holder");
            assertEquals(1, org.criuatlas.testing.TestProcs.locksHeldBy(List.of(pid)), "the kernel shows the flock");
            Path images = tmp.resolve("img");
            CriuResult d;
            try (var s = CriuSession.dump(criu, CriuOptions.defaults().withPid(pid).withImagesDir(images).withFileLocks(true), null)) {
                d = s.await(Duration.ofSeconds(90));
            }
            assertTrue(d.success(), () -> "dump failed: " + d);
            assertTrue(Processes.awaitEnd(pid, Duration.ofSeconds(10)), "the dump ended the holder");

            pool = Executors.newCachedThreadPool();
            LocalHost host = new LocalHost(LocalHost.Parts.real(pool));
            RestoreWiringPlan plan = RestoreWiringPlan.of(ImageReader.open(images)).withWorkDir(tmp.resolve("work"));
            Files.createDirectories(plan.workDir());
            showBoard(plan, host, criu);
            UiTestSupport.waitUntil(20, () -> board.model().previewProperty().get() != null);
            String cli = lookup("#" + CLI_TEXT).queryAs(TextInputControl.class).getText();
            assertTrue(cli.contains("# --file-locks: the images hold file locks"), cli);
            assertTrue(cli.lines().anyMatch(l -> l.contains(" restore ") && l.contains(" --file-locks")), cli);
            UiTestSupport.screenshotsLightAndDark(stage, themes, "restore-board-file-locks");

            clickOn("#" + RESTORE);
            UiTestSupport.waitUntil(90, () -> !board.model().restoredPidsProperty().get().isEmpty());
            List<Integer> back = board.model().restoredPidsProperty().get();
            assertEquals(List.of(pid), back);
            assertEquals(1, org.criuatlas.testing.TestProcs.locksHeldBy(List.of(pid)), "the restored holder holds its lock again");
        }
    }
}
