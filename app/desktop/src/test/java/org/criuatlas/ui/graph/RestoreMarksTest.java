package org.criuatlas.ui.graph;

import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestorePreview.Conflict;
import org.criuatlas.plan.restore.RestorePreview.Kind;
import org.criuatlas.plan.restore.RestorePreview.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The preview's conflicts on the image graph: a taken pid marks its process (blocking), a gone socket
 * path marks the dumped socket connected to that outside peer and its holder, a modified file only warns
 * on its holder. The real dump is in RestorePreviewGraphScreenshotTest.
 */
class RestoreMarksTest {
    @Test
    void conflictsLandOnTheProcessesAndSocketsTheyConcern() {
        UnixSocket ours = new UnixSocket(7001, SocketType.DGRAM, SocketState.ESTABLISHED, SocketName.NONE, 7002, 0, 0, List.of(),
                List.of(new Holder(100, 3)), false);
        UnixSocket peer = new UnixSocket(7002, SocketType.DGRAM, SocketState.UNCONNECTED, SocketName.path("/run/log.sock"), 0, 0, 0,
                List.of(), List.of(), true);
        List<ProcessInfo> ps = List.of(new ProcessInfo(100, 1, "client", List.of("client"), 0, 'S', 100, 100, 0, 0, List.of(), true),
                new ProcessInfo(101, 100, "worker", List.of("worker"), 0, 'S', 100, 100, 0, 0, List.of(), true));
        IpcGraph g = IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.IMAGES, "fixture", Instant.now(), true, 0), ps,
                List.of(ours, peer), List.of(), List.of());
        RestorePreview p = new RestorePreview(Path.of("/img"), null, "here", 2, List.of(
                new Conflict(Kind.PID_TAKEN, Severity.BLOCKS, "pid 100", "client (pid 100)", "x (state S)", List.of(100), "stop it"),
                new Conflict(Kind.SOCKET_PATH_MISSING, Severity.BLOCKS, "/run/log.sock", "peer", "nothing there", List.of(100), "start it"),
                new Conflict(Kind.FILE_MODIFIED, Severity.WARNS, "/tmp/f", "dumped at", "newer", List.of(101), "fine")),
                List.of(), List.of());
        RestoreMarks m = RestoreMarks.of(p, g);
        assertEquals(Boolean.TRUE, m.pids().get(100));
        assertEquals(Boolean.FALSE, m.pids().get(101), "a modified file only warns");
        assertEquals(java.util.Set.of("socket:[7002]", "socket:[7001]"), m.keys().keySet());
        assertEquals(List.of("\u2716 pid 100 in use", "\u2716 socket path gone: /run/log.sock"), m.captions().get(100));
        assertEquals(List.of("\u26a0 file modified: /tmp/f"), m.captions().get(101));
        assertTrue(RestoreMarks.of(null, g).isEmpty());
    }
}
