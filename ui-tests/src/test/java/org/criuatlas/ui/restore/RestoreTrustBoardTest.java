package org.criuatlas.ui.restore;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.criuatlas.ui.UiTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The window side of the restore trust gate, with real CRIU: a tree of two processes is dumped by
 * the real {@link LocalHost}, then its images folder is given to nobody and marked incomplete. The
 * board lists the folder as not trusted before Restore; Restore shows the confirmation panel with
 * both reasons and criu is not started (no restore.log in the work dir, the tree's pid stays free,
 * its counter stands still); Cancel closes the panel and still nothing runs; Restore, then "Restore
 * anyway" restores the tree with its own pid, and its counter moves on (/proc).
 */
@Tag("criu")
class RestoreTrustBoardTest extends RestoreBoardFixture {
    /** nobody on Debian-like systems; any uid other than root works for the gate. */
    static final int NOBODY = 65534;

    final List<Integer> restored = new ArrayList<>();

    @Override
    void afterBoardClosed() throws Exception {
        TestProcs.killAndReap(restored);
    }

    @Test
    void untrustedFolderAsksFirstThenCancelOrRestoreAnyway() throws Exception {
        Path criu = TestProcs.criuAsSubreaper();
        pool = Executors.newCachedThreadPool();
        LocalHost host = new LocalHost(LocalHost.Parts.real(pool));
        Path counter = tmp.resolve("counter");
        Path images = tmp.resolve("images");
        Path work = Files.createDirectories(tmp.resolve("work"));
        int root;
        List<Integer> pids;
        try (TestProcs.Proc tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(counter.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(counter, 2, Duration.ofSeconds(20)) > 2, "the tree runs");
            root = tree.pid;
            pids = tree.tree();
            assertEquals(2, pids.size(), pids.toString());
            DumpOutcome out = host.dump(new DumpRequest(CriuOptions.defaults().withPid(root), images, false, pids), null)
                    .result().get(120, TimeUnit.SECONDS);
            assertInstanceOf(DumpOutcome.Dumped.class, out, out.toString());
            for (int p : pids) assertTrue(TestProcs.waitGone(p, Duration.ofSeconds(10)), "pid " + p + " gone after the dump");
        }
        OpenedImages opened = host.openImages(images);
        long dumped = TestProcs.counter(counter);

        // someone else's folder, and marked as a dump that did not finish: the gate refuses it
        Files.setAttribute(images, "unix:uid", NOBODY);
        Files.writeString(images.resolve(CriuSession.INCOMPLETE_MARKER), "marked by the test\n");

        RestoreWiringPlan plan = RestoreWiringPlan.of(opened.dump()).withWorkDir(work).withRestoreSibling(true);
        showBoard(plan, host, criu);

        // before Restore: the preview lists the folder as not trusted, with both reasons
        UiTestSupport.waitUntil(60, () -> board.model().previewProperty().get() != null && !board.model().checkingProperty().get());
        Label trustLine = lookup("#" + PREVIEW_TRUST).queryAs(Label.class);
        assertTrue(trustLine.isVisible());
        assertTrue(trustLine.getText().contains("folder not trusted"), trustLine.getText());
        assertTrue(trustLine.getText().contains("belongs to nobody"), trustLine.getText());
        assertTrue(trustLine.getText().contains(CriuSession.INCOMPLETE_MARKER), trustLine.getText());
        assertTrue(lookup("#" + PREVIEW_STATUS).queryAs(Label.class).getText().contains("Restore asks first"));
        assertFalse(lookup("#" + TRUST_PANEL).query().isVisible(), "nothing to confirm before Restore");

        // Restore: the gate stops it, the panel says why
        clickOn("#" + RESTORE);
        UiTestSupport.waitUntil(30, () -> lookup("#" + TRUST_PANEL).query().isVisible());
        String reasons = reasonsText();
        assertTrue(reasons.contains("Owner") && reasons.contains("the folder belongs to nobody (uid " + NOBODY + ")"), reasons);
        assertTrue(reasons.contains(images.toString()), "the path concerned: " + reasons);
        assertTrue(reasons.contains("Incomplete dump") && reasons.contains(CriuSession.INCOMPLETE_MARKER), reasons);
        assertTrue(lookup("#" + TRUST_FOLDER).queryAs(Label.class).getText().contains(images.toString()));
        assertTrue(lookup("#" + RESTORE).queryAs(Button.class).isDisabled(), "Restore waits for the answer");
        assertFalse(board.model().runningProperty().get());
        assertCriuNotStarted(root, work, counter, dumped);
        UiTestSupport.screenshotsLightAndDark(stage, themes, "restore-trust-confirm");

        // Cancel: the panel goes, nothing was restored, Restore can be pressed again
        clickOn("#" + TRUST_CANCEL);
        UiTestSupport.waitUntil(10, () -> !lookup("#" + TRUST_PANEL).query().isVisible());
        assertTrue(lookup("#" + STATUS).queryAs(Label.class).getText().contains("you cancelled"));
        assertFalse(lookup("#" + RESTORE).queryAs(Button.class).isDisabled());
        assertCriuNotStarted(root, work, counter, dumped);

        // Restore again, then "Restore anyway": criu runs and the tree runs again with its own pid
        clickOn("#" + RESTORE);
        UiTestSupport.waitUntil(30, () -> lookup("#" + TRUST_PANEL).query().isVisible());
        assertCriuNotStarted(root, work, counter, dumped);
        clickOn("#" + TRUST_RESTORE_ANYWAY);
        UiTestSupport.waitUntil(120, () -> !board.model().runningProperty().get() && !board.model().restoredPidsProperty().get().isEmpty()
                || board.model().statusProperty().get().startsWith("Restore failed"));
        restored.addAll(board.model().restoredPidsProperty().get());
        assertEquals(List.of(root), restored.subList(0, Math.min(1, restored.size())),
                "restored with its own pid: " + board.model().statusProperty().get());
        assertFalse(lookup("#" + TRUST_PANEL).query().isVisible());
        assertTrue(TestProcs.alive(root), "runs again (/proc)");
        assertTrue(TestProcs.waitCounterAbove(counter, dumped + 2, Duration.ofSeconds(20)) > dumped + 2, "and works: its counter moves on");
        assertTrue(Files.isRegularFile(work.resolve(RestoreWiringPlan.LOG_FILE)), "criu ran this time and wrote its log");
        UiTestSupport.screenshot(stage, "restore-trust-restored");
    }

    /** The panel's reasons as text: each row's title, sentence and path. */
    private String reasonsText() {
        GridPane g = lookup("#" + TRUST_REASONS).queryAs(GridPane.class);
        return g.lookupAll(".label").stream().map(n -> ((Label) n).getText()).collect(Collectors.joining("\n"));
    }

    /** criu was not started: no log in the work dir, the tree's pid is free, its counter stands where the dump left it. */
    private static void assertCriuNotStarted(int root, Path work, Path counter, long dumped) throws Exception {
        assertFalse(Files.exists(work.resolve(RestoreWiringPlan.LOG_FILE)), "criu wrote no restore log");
        assertFalse(TestProcs.alive(root), "pid " + root + " is not running");
        assertEquals(dumped, TestProcs.counter(counter), "the counter stands still");
    }
}
