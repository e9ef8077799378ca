package org.criuatlas.ui.restore;

import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.images.SyntheticDump;
import org.criuatlas.host.LocalHost;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.ui.UiTestSupport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The restore board compares the images with the machine before Restore: a dump (written by
 * {@link SyntheticDump}: pids 100-102) on a host whose live scan has a process at pid 100 lists that
 * pid as taken, by what, with a blocking mark; "Check again" after the process is gone clears it.
 */
class RestorePreviewBoardTest extends RestoreBoardFixture {

    static IpcGraph liveWith(int pid) {
        List<ProcessInfo> procs = pid < 0 ? List.of()
                : List.of(new ProcessInfo(pid, 1, "squatter", List.of("/usr/bin/squatter", "--port", "9"), 0, 'S', pid, pid, 0, 0, List.of(), true));
        return IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.LIVE, "fixture", Instant.now(), true, 0), procs, List.of(), List.of(), List.of());
    }

    @Test
    void takenPidIsListedBeforeRestoreAndClearsOnRecheck() throws Exception {
        Path dir = SyntheticDump.write(tmp.resolve("img"));
        AtomicReference<IpcGraph> live = new AtomicReference<>(liveWith(100));
        pool = Executors.newSingleThreadExecutor();
        // the live side is a fixture scan, and so is the probe asked for pids the scan lacks: this machine's
        // /proc may have a pid 100 of its own (a kernel thread outside a pid namespace), which would never go
        LocalHost host = new LocalHost(LocalHost.Parts.real(pool).withScan(live::get)
                .withProbe(pid -> live.get().process(pid) == null ? null : 'S'));
        RestoreWiringPlan plan = RestoreWiringPlan.of(ImageReader.open(dir));
        showBoard(plan, host, Path.of("/usr/local/bin/criu"));
        UiTestSupport.waitUntil(20, () -> board.model().previewProperty().get() != null);

        Label status = lookup("#" + PREVIEW_STATUS).queryAs(Label.class);
        assertTrue(status.getText().contains("would make the restore fail"), status.getText());
        VBox conflicts = lookup("#" + PREVIEW_CONFLICTS).queryAs(VBox.class);
        assertTrue(conflicts.isVisible());
        List<String> lines = conflicts.getChildren().stream().map(n -> ((Label) n).getText()).toList();
        String pid100 = lines.stream().filter(l -> l.contains("pid in use \u2014 pid 100")).findFirst().orElse(null);
        assertNotNull(pid100, "lines: " + lines);
        assertTrue(pid100.startsWith("\u2716 blocks"), pid100);
        assertTrue(pid100.contains("/usr/bin/squatter --port 9"), "what holds it now: " + pid100);
        assertTrue(conflicts.getChildren().get(0).getStyleClass().contains(STYLE_ERROR), "a blocking conflict is styled as an error");
        assertTrue(lookup("#" + RESTORE).query().isVisible(), "the conflicts show above the Restore bar, which stays");
        UiTestSupport.screenshotsLightAndDark(stage, themes, "restore-preview-board");

        // the squatter goes: Check again no longer lists pid 100
        live.set(liveWith(-1));
        clickOn("#" + PREVIEW_RECHECK);
        UiTestSupport.waitUntil(20, () -> !board.model().checkingProperty().get()
                && board.model().conflictLines().stream().noneMatch(l -> l.contains("pid 100")));
        assertTrue(board.model().previewProperty().get().conflicts().stream().noneMatch(c -> c.subject().equals("pid 100")));
    }

    /**
     * A restore the real CRIU refuses (the synthetic dump has no memory images) offers "Save bug report…":
     * the .tar.gz holds CRIU's restore log, its diagnosis, the exact command and the preview.
     */
    @Test
    @org.junit.jupiter.api.Tag("criu")
    void failedRestoreSavesABugReport() throws Exception {
        Path criu = org.criuatlas.testing.TestProcs.criuAsSubreaper();
        Path dir = SyntheticDump.write(tmp.resolve("img"));
        pool = Executors.newCachedThreadPool();
        // pids 100-102 must be free for CRIU to get as far as reading the images: the live side says they are
        LocalHost host = new LocalHost(LocalHost.Parts.real(pool).withScan(() -> liveWith(-1)));
        RestoreWiringPlan plan = RestoreWiringPlan.of(ImageReader.open(dir)).withWorkDir(tmp.resolve("work"));
        java.nio.file.Files.createDirectories(tmp.resolve("work"));
        Path report = tmp.resolve("restore-bug.tar.gz");
        showBoard(plan, host, criu, b -> b.setBugReportChooser(w -> report.toFile()));
        UiTestSupport.waitUntil(20, () -> board.model().previewProperty().get() != null);
        clickOn("#" + RESTORE);
        UiTestSupport.waitUntil(60, () -> board.model().failedProperty().get());
        assertTrue(lookup("#" + BUG_REPORT).query().isVisible());
        UiTestSupport.screenshot(stage, "restore-failed-bug-report");
        clickOn("#" + BUG_REPORT);
        UiTestSupport.waitUntil(60, () -> board.model().statusProperty().get().startsWith("Bug report saved to "));
        Process tar = new ProcessBuilder("tar", "-tzf", report.toString()).redirectErrorStream(true).start();
        String names = new String(tar.getInputStream().readAllBytes());
        assertTrue(tar.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && tar.exitValue() == 0, names);
        for (String f : List.of("README.txt", "versions.txt", "criu-check.txt", "restore.log", "diagnosis.txt", "command.txt",
                "restore-preview.json")) {
            assertTrue(names.lines().anyMatch(l -> l.endsWith("/" + f)), f + " in " + names);
        }
    }
}
