package org.criuatlas.ui.vm;

import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKeys;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An image view's state: not live (the view hides refresh and plan), and a status line about the images. */
class ImageModeTest {
    private static IpcGraph image() {
        FdInfo fd = new FdInfo(3, FdKind.SOCKET, ObjectKeys.socket(10), 10, AccessMode.READ_WRITE, 2);
        FdInfo pw = new FdInfo(4, FdKind.PIPE, ObjectKeys.pipe(20), 20, AccessMode.WRITE, 1);
        FdInfo pr = new FdInfo(0, FdKind.PIPE, ObjectKeys.pipe(20), 20, AccessMode.READ, 0);
        return IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.IMAGES, "/img", Instant.EPOCH, true, 45_000_000),
                List.of(new ProcessInfo(7, 1, "app", List.of(), -1, 'S', 7, 7, -1, 0, List.of(pw), true),
                        new ProcessInfo(8, 7, "worker", List.of(), -1, 'S', 7, 7, -1, 0, List.of(fd, pr), true)),
                List.of(new UnixSocket(10, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, 11, 0, 0, List.of(),
                                List.of(new Holder(8, 3)), false),
                        new UnixSocket(11, SocketType.UNKNOWN, SocketState.OTHER, SocketName.NONE, 10, 0, 0, List.of(), List.of(), true)),
                List.of(new Pipe(20, null, List.of(new Holder(8, 0)), List.of(new Holder(7, 4)), 0)), List.of());
    }

    private static ExplorerViewModel vm() {
        return new ExplorerViewModel(new PlanViewModel(new PlannerAdapter(Path.of("/d"))), ZoneOffset.UTC);
    }

    @Test
    void anImageViewIsNotLiveAndItsStatusSpeaksOfTheImages() {
        IpcGraph g = image();
        ExplorerViewModel vm = vm();
        RefreshController rc = new RefreshController(() -> g, Runnable::run, Runnable::run, vm);
        assertTrue(vm.isLive());
        assertNull(vm.imageFacts());
        ImageFacts facts = new ImageFacts(Path.of("/tmp/images-2"), Instant.parse("2025-06-01T07:48:03Z"),
                new CriuStats.Dump(900, 12_345, 2_000, 3_000, 5_000, 0, 1_204, 0));
        vm.showImages(facts); // before the first graph arrives, as the window does it
        rc.refreshNow();
        assertFalse(vm.isLive());
        assertFalse(vm.liveProperty().get(), "the view binds refresh controls and the plan panel to this");
        assertEquals("Images: /tmp/images-2 \u00b7 CRIU dump of 2025-06-01 07:48", vm.privilegeProperty().get());
        assertEquals("2 processes, 1 unix socket (+1 outside the dump), 1 pipe", vm.countsProperty().get());
        assertEquals("read in 45 ms \u00b7 frozen 12.3 ms, 1,204 pages written", vm.lastScanProperty().get());
        assertFalse(vm.privilegeProperty().get().contains("root"));
        assertFalse(vm.lastScanProperty().get().contains("scanned"));
    }

    @Test
    void facedAfterTheGraphTheStatusIsRewrittenAndUnknownsSaySo() {
        IpcGraph g = image();
        ExplorerViewModel vm = vm();
        new RefreshController(() -> g, Runnable::run, Runnable::run, vm).refreshNow();
        assertTrue(vm.lastScanProperty().get().startsWith("scanned"), "live words until it becomes an image view");
        vm.showImages(new ImageFacts(Path.of("/x"), null, null));
        assertEquals("Images: /x \u00b7 CRIU dump date unknown", vm.privilegeProperty().get());
        assertEquals("read in 45 ms", vm.lastScanProperty().get());
    }
}
