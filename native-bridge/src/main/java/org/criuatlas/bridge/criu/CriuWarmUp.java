package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.proto.CriuRpc;
import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.bridge.images.ImageFormatException;

import java.nio.file.Path;

/**
 * Loads and runs once, on made-up input, what a {@link CriuSession} needs, so that a short-lived
 * caller (a headless dump or restore) can do it while it has a core to spare instead of on criu's
 * critical path: before the session, while picocli parses ({@link #beforeSession()}), and while criu
 * runs ({@link #beforeResult()}). Both are safe to call any number of times, on any thread.
 */
public final class CriuWarmUp {
    private CriuWarmUp() {}

    /**
     * The native binding (which runs {@code ldconfig -p} once), the RPC schema with every part of a reply
     * criu sends during a dump or restore, and one notification's way through a socket pair as the session
     * answers it (poll, receive, parse, acknowledge): criu waits for each answer, the first one included.
     */
    public static void beforeSession() {
        LibC.getpid();
        String.format("%6d ms  ", 0L); // java.util.Formatter, as a listener that prints events with a time uses it
        int[] sp = UnixSockets.socketpair(LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC);
        try {
            UnixSockets.send(sp[1], CriuRpc.criu_resp.newBuilder().setType(CriuRpc.criu_req_type.NOTIFY_VALUE).setSuccess(true)
                    .setNotify(CriuRpc.criu_notify.newBuilder().setScript("pre-dump").setPid(1))
                    .setDump(CriuRpc.criu_dump_resp.newBuilder().setRestored(false))
                    .setRestore(CriuRpc.criu_restore_resp.newBuilder().setPid(1)).setCrErrmsg("").build().toByteArray(), 0);
            if (FdEvents.pollInAny(1000, sp[0]) != 0) CriuRpc.criu_resp.parseFrom(UnixSockets.recvPacket(sp[0]));
            UnixSockets.send(sp[0], CriuRpc.criu_req.newBuilder().setType(CriuRpc.criu_req_type.NOTIFY).setNotifySuccess(true)
                    .build().toByteArray(), 0);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        } finally {
            LibC.close(sp[0]);
            LibC.close(sp[1]);
        }
    }

    /** What turning criu's reply into a result needs: the statistics reader and the images' protobuf schema. */
    public static void beforeResult() {
        try {
            CriuStats.warmUp(Path.of("/proc/self/fdinfo/-1", CriuStats.DUMP_FILE));
        } catch (ImageFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
