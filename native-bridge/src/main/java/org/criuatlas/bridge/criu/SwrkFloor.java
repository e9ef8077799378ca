package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.proto.CriuRpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The measuring stick of {@code bench criu}: the least a JVM command can do to dump or restore through
 * {@code criu swrk}, as the headless commands must (CRIU's RPC, with the stage notifications answered). It
 * spawns the worker, sends the request, answers each notification and waits for the reply, and nothing
 * else: no command-line model, no logging, no log follower, no diagnosis, no statistics, no output. Its time
 * over the {@code criu} command line's is what any Java front end pays here before doing anything of its
 * own; the headless commands' distance from it is what is theirs. {@link #run} alone, in a running JVM, is
 * the same for the in-process session and the bridge. Not a user command.
 *
 * <p>{@code org.criuatlas.bench.SwrkFloorMain} runs it in a JVM of its own.
 */
public final class SwrkFloor {
    private SwrkFloor() {}

    /** One request ({@link CriuRequest#DUMP} or {@link CriuRequest#RESTORE}) through a new worker; true when criu's reply says success. */
    public static boolean run(Path criu, CriuRequest request, CriuOptions o) {
        if (request != CriuRequest.DUMP && request != CriuRequest.RESTORE) throw new IllegalArgumentException("dump or restore, not " + request);
        int imagesFd = -1;
        int[] sp = null;
        CriuWorker worker = null;
        try {
            if (request == CriuRequest.DUMP) Files.createDirectories(o.imagesDir());
            imagesFd = LibC.openDirectory(o.imagesDir().toString());
            CriuRpc.criu_req req = RpcConversation.request(request, o, imagesFd, -1, request.defaultLogFile());
            sp = UnixSockets.socketpair(LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC);
            worker = CriuWorker.spawn(criu, sp[1], 3, Map.of(), line -> { });
            LibC.close(sp[1]);
            sp[1] = -1;
            CriuRpc.criu_resp reply;
            try (RpcConversation c = new RpcConversation(sp[0], worker, stage -> { })) {
                c.send(req);
                reply = c.converse();
            }
            worker.awaitExit(Duration.ofSeconds(10));
            return reply != null && reply.getSuccess();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make " + o.imagesDir(), e);
        } finally {
            if (worker != null) worker.close();
            if (sp != null) {
                LibC.close(sp[0]);
                if (sp[1] >= 0) LibC.close(sp[1]);
            }
            if (imagesFd >= 0) LibC.close(imagesFd);
        }
    }
}
