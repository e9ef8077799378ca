package org.criuatlas.ui.restore;

import javafx.scene.control.Labeled;
import javafx.scene.input.KeyCode;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.criuatlas.ui.UiTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The restore board over a bridge, as a person uses it: the seed (a worker echoing on a socket whose peer was outside
 * its tree) dumped with real CRIU, its images opened through a real {@code criu-atlas bridge} process, Restore clicked;
 * the console the bridge keeps appears as a tab, a line typed into it is echoed back by the restored worker (through the
 * bridge's stream both ways), and the kept end is in the bridge's process, not the window's. Screenshots light and dark.
 */
@Tag("criu")
class RemoteConsoleBoardTest extends RestoreBoardFixture {
    private BridgeHost bridge;
    private final List<Integer> restored = new ArrayList<>();

    @Override
    void afterBoardClosed() {
        if (bridge != null) bridge.close(); // closes the kept end there: the worker ends
        TestProcs.killAndReap(restored);
    }

    @Test
    void aConsoleKeptByTheBridgeEchoesWhatIsTypedInTheBoard() throws Exception {
        Path criu = TestProcs.criuAsSubreaper();
        int[] sp = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        int pid;
        Path images = tmp.resolve("img");
        try {
            TestProcs.Proc worker = TestProcs.python(TestProcs.ECHO_FD3_UNTIL_EOF, List.of(), Map.of(3, sp[1]), null);
            pid = worker.pid;
            long inside = TestProcs.inode(sp[1]);
            LibC.close(sp[1]);
            sp[1] = -1;
            assertEquals("ping", TestProcs.roundTrip(sp[0], "ping", Duration.ofSeconds(10)), "the worker echoes before the dump");
            CriuResult d;
            try (var s = CriuSession.dump(criu, CriuOptions.defaults().withPid(pid).withImagesDir(images).plusExternal("unix[" + inside + "]"), null)) {
                d = s.await(Duration.ofSeconds(90));
            }
            assertTrue(d.success(), () -> "dump failed: " + d);
            assertTrue(TestProcs.waitGone(pid, Duration.ofSeconds(10)), "the dump ended the worker");
        } finally {
            for (int fd : sp) if (fd >= 0) LibC.close(fd);
        }

        String java = ProcessHandle.current().info().command().orElseThrow();
        bridge = BridgeLauncher.spawn(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "org.criuatlas.Main", "bridge"), "this machine", "through the test launcher");
        RestoreWiringPlan plan = RestoreWiringPlan.of(bridge.openImages(images).dump());
        assertEquals(Destination.Kind.CONSOLE, plan.inheritRows().get(0).destination().kind(), "the seed's default: a console");
        pool = Executors.newCachedThreadPool();
        showBoard(plan, bridge, criu);
        UiTestSupport.waitUntil(20, () -> board.model().previewProperty().get() != null);

        clickOn("#" + RESTORE);
        UiTestSupport.waitUntil(90, () -> !board.model().restoredPidsProperty().get().isEmpty());
        restored.addAll(board.model().restoredPidsProperty().get());
        assertEquals(List.of(pid), restored);
        UiTestSupport.waitUntil(20, () -> lookup("#" + CONSOLE_INPUT).tryQuery().isPresent());

        clickOn("#" + CONSOLE_INPUT).write("hello over the bridge").push(KeyCode.ENTER);
        UiTestSupport.waitUntil(20, () -> board.model().consoles().size() == 1
                && board.model().consoles().get(0).receivedProperty().get().contains("hello over the bridge"));
        var transcript = board.model().consoles().get(0).transcript();
        UiTestSupport.waitUntil(10, () -> transcript.text().contains("← hello over the bridge"));
        assertTrue(transcript.text().startsWith("→ hello over the bridge\n"), transcript.text());
        UiTestSupport.waitUntil(10, () -> lookup("#" + CONSOLE_COUNTERS).queryAs(Labeled.class).getText().startsWith("22 bytes in, 22 bytes out"));
        assertTrue(lookup("#" + CONSOLE_COUNTERS).queryAs(Labeled.class).getText().endsWith("kept by the bridge on this machine, streamed here"),
                lookup("#" + CONSOLE_COUNTERS).queryAs(Labeled.class).getText());

        // the end the worker talks to lives in the bridge's process, not the window's (the kernel's peer, through ss)
        long peer = TestProcs.unixPeerInode(pid, 3);
        assertTrue(TestProcs.socketInodes(bridge.link().process().pid()).contains(peer));
        assertFalse(TestProcs.socketInodes(ProcessHandle.current().pid()).contains(peer));
        UiTestSupport.screenshotsLightAndDark(stage, themes, "restore-board-remote-console");
    }
}
