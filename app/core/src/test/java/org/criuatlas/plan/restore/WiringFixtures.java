package org.criuatlas.plan.restore;

import org.criuatlas.bridge.images.ImageObligations;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A graph as the image reader builds it from a dump of pid 42 (child 43): a stream socketpair end
 * whose peer was outside (CRIU's synthetic USK_EXTERN entry, no name), a dgram client of /dev/log
 * outside, a seqpacket client of a named listener outside, a pipe whose writer was outside, and an
 * internal socketpair and pipe (no obligations).
 */
public final class WiringFixtures {
    public static final long STREAM = 1001, DGRAM = 1002, SEQ = 1005, PIPE_IN = 3001;
    public static final long INTERNAL_A = 1003, INTERNAL_B = 1004, PIPE_INTERNAL = 3002;

    private WiringFixtures() {}

    public static IpcGraph graph() {
        List<FdInfo> fds42 = List.of(
                new FdInfo(0, FdKind.PIPE, "pipe:[" + PIPE_IN + "]", PIPE_IN, AccessMode.READ, 0),
                new FdInfo(3, FdKind.SOCKET, "socket:[" + STREAM + "]", STREAM, AccessMode.READ_WRITE, 2),
                new FdInfo(4, FdKind.SOCKET, "socket:[" + DGRAM + "]", DGRAM, AccessMode.READ_WRITE, 2),
                new FdInfo(5, FdKind.SOCKET, "socket:[" + INTERNAL_A + "]", INTERNAL_A, AccessMode.READ_WRITE, 2),
                new FdInfo(6, FdKind.PIPE, "pipe:[" + PIPE_INTERNAL + "]", PIPE_INTERNAL, AccessMode.WRITE, 1),
                new FdInfo(7, FdKind.SOCKET, "socket:[" + SEQ + "]", SEQ, AccessMode.READ_WRITE, 2),
                new FdInfo(8, FdKind.REGULAR, "/var/log/app.log", 0, AccessMode.WRITE, 1));
        List<FdInfo> fds43 = List.of(
                new FdInfo(3, FdKind.SOCKET, "socket:[" + INTERNAL_B + "]", INTERNAL_B, AccessMode.READ_WRITE, 2),
                new FdInfo(4, FdKind.PIPE, "pipe:[" + PIPE_INTERNAL + "]", PIPE_INTERNAL, AccessMode.READ, 0));
        List<ProcessInfo> procs = List.of(
                new ProcessInfo(42, 1, "worker", List.of("worker"), 0, 'S', 42, 42, 0, 0, fds42, true),
                new ProcessInfo(43, 42, "helper", List.of("helper"), 0, 'S', 42, 42, 0, 0, fds43, true));
        List<UnixSocket> socks = List.of(
                sock(STREAM, SocketType.STREAM, SocketName.NONE, 2001, new Holder(42, 3)),
                ext(2001, SocketName.NONE),
                sock(DGRAM, SocketType.DGRAM, SocketName.NONE, 2002, new Holder(42, 4)),
                ext(2002, SocketName.path("/dev/log")),
                sock(SEQ, SocketType.SEQPACKET, SocketName.NONE, 2005, new Holder(42, 7)),
                ext(2005, SocketName.path("/run/svc.sock")),
                sock(INTERNAL_A, SocketType.STREAM, SocketName.NONE, INTERNAL_B, new Holder(42, 5)),
                sock(INTERNAL_B, SocketType.STREAM, SocketName.NONE, INTERNAL_A, new Holder(43, 3)));
        List<Pipe> pipes = List.of(
                new Pipe(PIPE_IN, null, List.of(new Holder(42, 0)), List.of(), 0),
                new Pipe(PIPE_INTERNAL, null, List.of(new Holder(43, 4)), List.of(new Holder(42, 6)), 0));
        return IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.IMAGES, "/img", Instant.EPOCH, true, 0), procs, socks, pipes, List.of());
    }

    public static RestoreWiringPlan plan() {
        return plan(Path.of("/img"));
    }

    /** The same plan for images in {@code imagesDir}. */
    public static RestoreWiringPlan plan(Path imagesDir) {
        IpcGraph g = graph();
        return RestoreWiringPlan.of(imagesDir, g, ImageObligations.of(g));
    }

    private static UnixSocket sock(long ino, SocketType t, SocketName name, long peer, Holder h) {
        return new UnixSocket(ino, t, SocketState.ESTABLISHED, name, peer, 0, 0, List.of(), List.of(h), false);
    }

    private static UnixSocket ext(long ino, SocketName name) {
        return new UnixSocket(ino, SocketType.DGRAM, SocketState.LISTEN, name, 0, 0, 0, List.of(), List.of(), true);
    }
}
