package org.criuatlas.bridge.criu;

import com.google.protobuf.InvalidProtocolBufferException;
import org.criuatlas.bridge.criu.proto.CriuRpc;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The exchange with one criu worker over its SEQPACKET socket: our request, criu's notifications
 * (each reported as a stage and answered), its final reply. Waits in poll(2) on the socket, the
 * worker's exit fd and a wake-up pipe for {@link #cancel}/{@link #kill}; the only timeout is the
 * grace a cancel gives criu to unwind by itself.
 */
final class RpcConversation implements AutoCloseable {
    static final Duration CANCEL_GRACE = Duration.ofMillis(1500);
    /** After a notification was answered with failure criu unwinds (and thaws the tree) itself: give it time. */
    static final Duration UNWIND_GRACE = Duration.ofSeconds(20);

    private final int sock;
    private final CriuWorker worker;
    private final Consumer<CriuEvent.Stage> onStage;
    private final int[] wake = LibC.pipe(LibC.O_CLOEXEC | LibC.O_NONBLOCK);
    private final Object wakeLock = new Object();
    private boolean closed;

    private volatile boolean cancelRequested;
    private volatile boolean killRequested;
    private volatile Instant cancelDeadline;

    RpcConversation(int sock, CriuWorker worker, Consumer<CriuEvent.Stage> onStage) {
        this.sock = sock;
        this.worker = worker;
        this.onStage = onStage;
    }

    /** The request criu gets for {@code request} with {@code options} (dirs as our fds, the log by name). */
    static CriuRpc.criu_req request(CriuRequest request, CriuOptions options, int imagesFd, int workFd, String logName) {
        CriuRpc.criu_req.Builder b = CriuRpc.criu_req.newBuilder();
        switch (request) {
            case VERSION -> b.setType(CriuRpc.criu_req_type.VERSION);
            case FEATURE_CHECK -> b.setType(CriuRpc.criu_req_type.FEATURE_CHECK)
                    .setFeatures(CriuRpc.criu_features.newBuilder().setMemTrack(true).setLazyPages(true).setPidfdStore(true));
            case CHECK -> b.setType(CriuRpc.criu_req_type.CHECK).setOpts(CriuRpc.criu_opts.newBuilder()
                    .setImagesDirFd(imagesFd).setLogFile(logName).setLogLevel(options.logLevel()));
            case DUMP, RESTORE -> {
                CriuRpc.criu_opts.Builder o = CriuRpc.criu_opts.newBuilder()
                        .setImagesDirFd(imagesFd)
                        .setLogLevel(options.logLevel())
                        .setLogFile(logName)
                        .setNotifyScripts(options.notifyScripts());
                if (workFd >= 0) o.setWorkDirFd(workFd);
                if (options.shellJob()) o.setShellJob(true);
                if (options.tcpEstablished()) o.setTcpEstablished(true);
                if (options.fileLocks()) o.setFileLocks(true);
                if (options.extUnixSk()) o.setExtUnixSk(true);
                if (options.tcpClose()) o.setTcpClose(true);
                if (options.tcpSkipInFlight()) o.setTcpSkipInFlight(true);
                if (options.linkRemap()) o.setLinkRemap(true);
                if (options.ghostLimit() > 0) o.setGhostLimit((int) options.ghostLimit());
                o.addAllExternal(options.external());
                if (request == CriuRequest.DUMP) {
                    b.setType(CriuRpc.criu_req_type.DUMP);
                    o.setPid(options.pid());
                    if (options.leaveRunning()) o.setLeaveRunning(true);
                } else {
                    b.setType(CriuRpc.criu_req_type.RESTORE);
                    if (options.restoreSibling()) o.setRstSibling(true);
                    for (var f : options.inheritFds())
                        o.addInheritFd(CriuRpc.inherit_fd.newBuilder().setKey(f.key()).setFd(f.criuFd()));
                }
                b.setOpts(o);
            }
        }
        return b.build();
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    boolean killRequested() {
        return killRequested;
    }

    /**
     * Stop softly: a notification that comes within {@link #CANCEL_GRACE} is answered with failure,
     * so criu unwinds and releases the tree; otherwise the worker is killed when the grace is over.
     */
    void cancel() {
        if (cancelRequested) return;
        cancelDeadline = Instant.now().plus(CANCEL_GRACE);
        cancelRequested = true;
        wakeUp();
    }

    /** Kill the worker now, without answering a notification first. */
    void kill() {
        cancelDeadline = Instant.now();
        killRequested = true;
        cancelRequested = true;
        wakeUp();
    }

    /** Sends the request; a worker that is already gone is reported by {@link #converse}. */
    void send(CriuRpc.criu_req req) {
        try {
            UnixSockets.send(sock, req.toByteArray(), 0);
        } catch (LibC.SyscallException e) {
            // EPIPE/ECONNRESET: the worker is already gone; converse() reports it with its output.
            if (e.errno() != LibC.EPIPE && e.errno() != LibC.ECONNRESET) throw e;
        }
    }

    /** Reads notifications until the final reply; null when the worker went away without one. */
    CriuRpc.criu_resp converse() {
        while (true) {
            int timeout = -1;
            if (cancelRequested) {
                long left = Duration.between(Instant.now(), cancelDeadline).toMillis();
                if (left <= 0) {
                    worker.kill();
                    timeout = -1; // now the exit fd will tell
                } else {
                    timeout = (int) Math.min(Integer.MAX_VALUE, left);
                }
            }
            int ready = FdEvents.pollInAny(timeout, sock, worker.exitFd(), wake[0]);
            if ((ready & 4) != 0) drainWake();
            if ((ready & 1) == 0) {
                // The worker exited with nothing (more) queued for us: a reply it sent before would be readable.
                if ((ready & 2) != 0 && FdEvents.pollInAny(0, sock) == 0) return null;
                continue;
            }
            byte[] pkt;
            try {
                pkt = UnixSockets.recvPacket(sock);
            } catch (LibC.SyscallException e) {
                // A worker that dies with our answer unread resets the connection instead of closing it.
                if (e.errno() == LibC.ECONNRESET) return null;
                throw e;
            }
            if (pkt == null) return null;
            CriuRpc.criu_resp resp;
            try {
                resp = CriuRpc.criu_resp.parseFrom(pkt);
            } catch (InvalidProtocolBufferException e) {
                throw new CriuException.BadReply("criu sent a reply that does not parse (" + pkt.length + " bytes)", e);
            }
            if (resp.getType() != CriuRpc.criu_req_type.NOTIFY_VALUE) return resp;
            String script = resp.hasNotify() ? resp.getNotify().getScript() : "";
            Integer pid = resp.hasNotify() && resp.getNotify().hasPid() ? resp.getNotify().getPid() : null;
            onStage.accept(new CriuEvent.Stage(script, pid, Instant.now()));
            if (killRequested) {
                // kill() means now, not after criu has been answered: don't let a clean unwind race the SIGKILL.
                worker.kill();
                return null;
            }
            // The listener may have cancelled: answering "failed" makes criu unwind cleanly.
            boolean ok = !cancelRequested;
            if (!ok) cancelDeadline = Instant.now().plus(UNWIND_GRACE);
            CriuRpc.criu_req ack = CriuRpc.criu_req.newBuilder().setType(CriuRpc.criu_req_type.NOTIFY)
                    .setNotifySuccess(ok).build();
            try {
                UnixSockets.send(sock, ack.toByteArray(), 0);
            } catch (LibC.SyscallException e) {
                return null; // worker gone: reported as such
            }
        }
    }

    private void wakeUp() {
        synchronized (wakeLock) {
            if (closed) return;
            try {
                LibC.write(wake[1], new byte[] {1});
            } catch (LibC.SyscallException ignored) {
                // EAGAIN: the pipe is full of wake-ups already
            }
        }
    }

    private void drainWake() {
        byte[] b = new byte[64];
        try {
            while (LibC.read(wake[0], b) > 0) {
                // empty it; the flags say why we were woken
            }
        } catch (LibC.SyscallException ignored) {
            // EAGAIN: empty
        }
    }

    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closed) return;
            closed = true;
            LibC.close(wake[0]);
            LibC.close(wake[1]);
        }
    }
}
