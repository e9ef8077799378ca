package org.criuatlas.bridge.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.criuatlas.bridge.AtlasVersion;
import org.criuatlas.bridge.server.BridgeVerbs.Refused;
import org.criuatlas.bridge.server.FrameChannel.FrameException;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;
import org.criuatlas.bridge.server.proto.BridgeProto.Reply;
import org.criuatlas.bridge.server.proto.BridgeProto.Request;
import org.criuatlas.model.IpcGraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge's loop: reads requests from a {@link FrameChannel}, checks their fields
 * ({@link RequestChecks}), answers hello itself and hands the rest to {@link BridgeVerbs}. Never
 * ends because of what it reads: a malformed frame, an unknown verb, a bad field or a failing verb
 * is a typed {@link BridgeProto.Error} reply and the loop goes on; only a lost framing (a frame
 * too large, the stream ending inside one) or the end of the stream ends a connection, cancelling
 * what that connection started. Each privileged action is logged (System.Logger, to the bridge's
 * log file, never to the frames' stream).
 */
public final class BridgeServer implements AutoCloseable {
    public static final int PROTOCOL = 1;
    private static final System.Logger LOG = System.getLogger(BridgeServer.class.getName());

    private final BridgeVerbs verbs;
    private final ExecutorService work;
    private final AtomicLong framesRead = new AtomicLong();
    private final AtomicLong errorsSent = new AtomicLong();
    /** Sends log batches that waited long enough ({@link LogBatches#MAX_DELAY_MS}). */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bridge-log-batches");
        t.setDaemon(true);
        return t;
    });

    /** Sends the batched requests' log batches and events, in the order they come ({@link LogBatches}). */
    private final ExecutorService eventsOut = LogBatches.sendingThread();

    public BridgeServer(BridgeVerbs verbs) {
        this.verbs = Objects.requireNonNull(verbs, "verbs");
        AtomicInteger n = new AtomicInteger();
        this.work = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bridge-verb-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Frames read on every connection so far. */
    public long framesRead() { return framesRead.get(); }

    /** Error replies sent so far. */
    public long errorsSent() { return errorsSent.get(); }

    /**
     * Serves one client until its stream ends (or framing is lost); blocks. {@code peer} names the
     * client in the log.
     */
    public void serve(InputStream in, OutputStream out, String peer) {
        try (Connection c = new Connection(new FrameChannel(in, out), peer)) {
            c.run();
        }
    }

    @Override
    public void close() {
        work.shutdownNow();
        timer.shutdownNow();
        eventsOut.shutdown();
    }

    private final class Connection implements AutoCloseable {
        final FrameChannel ch;
        final String peer;
        final ScanDeltas.Sender deltas = new ScanDeltas.Sender();
        final Map<Long, BridgeVerbs.Running> running = new ConcurrentHashMap<>();
        volatile boolean helloed;

        Connection(FrameChannel ch, String peer) {
            this.ch = ch;
            this.peer = peer;
        }

        void run() {
            while (true) {
                byte[] body;
                try {
                    body = ch.readFrame();
                } catch (FrameException e) {
                    // framing is lost: say why, then end this connection
                    error(0, e.kind() == FrameException.Kind.TOO_LARGE ? Code.FRAME_TOO_LARGE : Code.TRUNCATED_FRAME, e.getMessage());
                    return;
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "bridge connection {0} ended: {1}", peer, e.getMessage());
                    return;
                }
                if (body == null) return;
                framesRead.incrementAndGet();
                Request r;
                try {
                    r = Request.parseFrom(body);
                } catch (IOException | RuntimeException e) {
                    error(0, Code.MALFORMED_FRAME, "a frame of " + body.length + " bytes is not a request: " + e.getMessage());
                    continue;
                }
                try {
                    handle(r);
                } catch (Refused e) {
                    error(r.getId(), e.code(), e.getMessage());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "bridge request " + r.getVerbCase() + " failed", e);
                    error(r.getId(), Code.FAILED, e.toString());
                }
            }
        }

        void handle(Request r) throws Refused {
            long id = r.getId();
            if (r.getVerbCase() == Request.VerbCase.VERB_NOT_SET) {
                if (!r.getUnknownFields().asMap().isEmpty()) {
                    throw new Refused(Code.UNKNOWN_VERB, "verb " + r.getUnknownFields().asMap().keySet()
                            + " is not one this bridge (protocol " + PROTOCOL + ") knows");
                }
                throw new Refused(Code.INVALID_REQUEST, "a request without a verb");
            }
            if (id == 0) throw new Refused(Code.INVALID_REQUEST, "request id 0 is reserved");
            if (r.getVerbCase() == Request.VerbCase.HELLO) {
                hello(id, r.getHello());
                return;
            }
            if (!helloed) throw new Refused(Code.NO_HELLO, "send hello first");
            if (running.containsKey(id)) throw new Refused(Code.INVALID_REQUEST, "request " + id + " is still running");
            switch (r.getVerbCase()) {
                case SCAN -> {
                    List<Integer> roots = r.getScan().getRootsList();
                    RequestChecks.pids(roots, "scan roots");
                    boolean wantDeltas = r.getScan().getDeltas(), binary = r.getScan().getBinary();
                    async(id, () -> {
                        LOG.log(System.Logger.Level.DEBUG, "{0}: scan{1}", peer, roots.isEmpty() ? "" : " of " + roots);
                        IpcGraph g = verbs.scan(new HashSet<>(roots));
                        ScanDeltas.Encoded e = deltas.encode(g, wantDeltas, binary);
                        BridgeProto.GraphReply.Builder b = BridgeProto.GraphReply.newBuilder().setGeneration(e.generation()).setBase(e.base());
                        // the encoded bytes are this reply's alone: wrapped, not copied
                        if (e.full() != null && e.binary()) b.setFullBinary(UnsafeByteOperations.unsafeWrap(e.full()));
                        else if (e.full() != null) b.setFullJson(UnsafeByteOperations.unsafeWrap(e.full()));
                        else b.setDeltaJson(UnsafeByteOperations.unsafeWrap(e.delta()));
                        send(Reply.newBuilder().setId(id).setLast(true).setGraph(b).build());
                    });
                }
                case PLAN_INPUTS -> {
                    List<Integer> pids = r.getPlanInputs().getPidsList();
                    RequestChecks.pids(pids, "plan inputs");
                    BridgeProto.PlanInputsReply.Builder b = BridgeProto.PlanInputsReply.newBuilder();
                    verbs.states(pids).forEach((p, s) -> b.putStates(p, String.valueOf(s)));
                    send(Reply.newBuilder().setId(id).setLast(true).setPlanInputs(b).build());
                }
                case DUMP -> {
                    LOG.log(System.Logger.Level.INFO, "{0}: dump requested ({1} bytes of request)", peer, r.getDump().getRequestJson().size());
                    LogBatches batches = r.getDump().getLogBatches() ? batches(id) : null;
                    track(id, verbs.dump(r.getDump().getRequestJson().toByteArray(), batches != null ? batches : ev -> event(id, ev)), batches);
                }
                case RESTORE -> {
                    LOG.log(System.Logger.Level.INFO, "{0}: restore requested", peer);
                    LogBatches batches = r.getRestore().getLogBatches() ? batches(id) : null;
                    track(id, verbs.restore(r.getRestore().getRequestJson().toByteArray(), batches != null ? batches : ev -> event(id, ev)), batches);
                }
                case CALIBRATE -> {
                    int par = r.getCalibrate().getParallelism();
                    if (r.getCalibrate().getKindsCount() > 1000) throw new Refused(Code.INVALID_REQUEST, "too many probe kinds");
                    if (par > RequestChecks.MAX_PARALLELISM) throw new Refused(Code.INVALID_REQUEST, "parallelism " + par + " (0.." + RequestChecks.MAX_PARALLELISM + ")");
                    LOG.log(System.Logger.Level.INFO, "{0}: calibration requested", peer);
                    track(id, verbs.calibrate(r.getCalibrate(), ev -> event(id, ev)), null);
                }
                case OPEN_IMAGES -> {
                    Path p = RequestChecks.path(r.getOpenImages().getPath(), "open images");
                    async(id, () -> {
                        LOG.log(System.Logger.Level.INFO, "{0}: open images {1}", peer, p);
                        send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.openImages(p)).build());
                    });
                }
                case PREVIEW_RESTORE -> {
                    Path p = RequestChecks.path(r.getPreviewRestore().getPath(), "preview restore");
                    async(id, () -> {
                        LOG.log(System.Logger.Level.INFO, "{0}: restore preview of {1}", peer, p);
                        send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.previewRestore(p)).build());
                    });
                }
                case RESTORE_TRUST -> {
                    Path p = RequestChecks.path(r.getRestoreTrust().getPath(), "restore trust");
                    async(id, () -> send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.restoreTrust(p)).build()));
                }
                case FOLDER -> {
                    BridgeProto.FolderRequest f = r.getFolder();
                    if (!f.getMakeNew() || !f.getPath().isEmpty()) RequestChecks.path(f.getPath(), "folder");
                    if (f.getMakeNew()) RequestChecks.pid(f.getRootPid(), "folder root");
                    send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.folder(f)).build());
                }
                case READ_LOG -> {
                    Path p = RequestChecks.path(r.getReadLog().getPath(), "read log");
                    long max = RequestChecks.size(r.getReadLog().getMaxBytes(), RequestChecks.MAX_LOG_BYTES, "read log max bytes");
                    async(id, () -> {
                        LOG.log(System.Logger.Level.INFO, "{0}: read log {1}", peer, p);
                        String text = verbs.readLog(p, max);
                        send(Reply.newBuilder().setId(id).setLast(true).setText(BridgeProto.TextReply.newBuilder().setText(text)).build());
                    });
                }
                case STAT_PATHS -> {
                    List<String> raw = r.getStatPaths().getPathsList();
                    if (raw.size() > RequestChecks.MAX_PIDS) throw new Refused(Code.INVALID_REQUEST, "stat paths: " + raw.size()
                            + " paths (at most " + RequestChecks.MAX_PIDS + ")");
                    List<Path> paths = new ArrayList<>(raw.size());
                    for (String s : raw) paths.add(RequestChecks.path(s, "stat paths"));
                    async(id, () -> send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.statPaths(paths)).build()));
                }
                case MAPPED_FILES -> {
                    List<Integer> pids = r.getMappedFiles().getPidsList();
                    RequestChecks.pids(pids, "mapped files");
                    async(id, () -> send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.mappedFiles(pids)).build()));
                }
                case LIST_IMAGES -> {
                    Path p = RequestChecks.path(r.getListImages().getPath(), "list images");
                    async(id, () -> {
                        LOG.log(System.Logger.Level.INFO, "{0}: list images {1}", peer, p);
                        send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.listImages(p)).build());
                    });
                }
                case READ_IMAGES -> {
                    BridgeProto.ReadImagesRequest q = r.getReadImages();
                    Path p = RequestChecks.path(q.getPath(), "read images");
                    String name = RequestChecks.fileName(q.getName(), "read images");
                    long off = RequestChecks.offset(q.getOffset(), "read images");
                    int len = (int) RequestChecks.size(Integer.toUnsignedLong(q.getLength()), RequestChecks.MAX_CHUNK, "read images length");
                    async(id, () -> send(Reply.newBuilder().setId(id).setLast(true).setBytes(BridgeProto.BytesReply.newBuilder()
                            .setData(ByteString.copyFrom(verbs.readImages(p, name, off, len)))).build()));
                }
                case RECEIVE_IMAGES -> {
                    BridgeProto.ReceiveImagesRequest q = r.getReceiveImages();
                    Path parent = q.getParent().isEmpty() ? null : RequestChecks.path(q.getParent(), "receive images");
                    RequestChecks.pid(q.getRootPid(), "receive images root");
                    LOG.log(System.Logger.Level.INFO, "{0}: receive images under {1}", peer, parent == null ? "the default folder" : parent);
                    async(id, () -> send(Reply.newBuilder().setId(id).setLast(true)
                            .setJson(verbs.receiveImages(parent, q.getRootPid(), q.getAt())).build()));
                }
                case WRITE_IMAGES -> {
                    BridgeProto.WriteImagesRequest q = r.getWriteImages();
                    Path p = RequestChecks.path(q.getFolder(), "write images");
                    String name = RequestChecks.fileName(q.getName(), "write images");
                    long off = RequestChecks.offset(q.getOffset(), "write images");
                    if (q.getData().size() > RequestChecks.MAX_CHUNK) {
                        throw new Refused(Code.INVALID_REQUEST, "write images: " + q.getData().size() + " bytes (0.." + RequestChecks.MAX_CHUNK + ")");
                    }
                    if (off + q.getData().size() > RequestChecks.MAX_IMAGE_FILE) {
                        throw new Refused(Code.INVALID_REQUEST, "write images: past " + RequestChecks.MAX_IMAGE_FILE + " bytes");
                    }
                    async(id, () -> {
                        verbs.writeImages(p, name, off, q.getData().toByteArray());
                        send(Reply.newBuilder().setId(id).setLast(true).setText(BridgeProto.TextReply.newBuilder()
                                .setText(Integer.toString(q.getData().size()))).build());
                    });
                }
                case FINISH_IMAGES -> {
                    BridgeProto.FinishImagesRequest q = r.getFinishImages();
                    Path p = RequestChecks.path(q.getFolder(), "finish images");
                    byte[] files = q.getFilesJson().toByteArray();
                    async(id, () -> {
                        LOG.log(System.Logger.Level.INFO, "{0}: finish images in {1}", peer, p);
                        send(Reply.newBuilder().setId(id).setLast(true).setJson(verbs.finishImages(p, files)).build());
                    });
                }
                case CONTAINER -> {
                    LOG.log(System.Logger.Level.INFO, "{0}: container checkpoint or restore requested", peer);
                    track(id, verbs.container(r.getContainer().getRequestJson().toByteArray(), ev -> event(id, ev)), null);
                }
                case CONSOLE -> {
                    int root = RequestChecks.pid(r.getConsole().getRootPid(), "console root");
                    String key = RequestChecks.endKey(r.getConsole().getKey(), "console");
                    LOG.log(System.Logger.Level.INFO, "{0}: console {1} of the tree {2} followed", peer, key, root);
                    track(id, verbs.console(root, key, d -> send(Reply.newBuilder().setId(id).setLast(false).setConsole(d).build())), null);
                }
                case CONSOLE_SEND -> {
                    BridgeProto.ConsoleSendRequest q = r.getConsoleSend();
                    int root = RequestChecks.pid(q.getRootPid(), "console send root");
                    String key = RequestChecks.endKey(q.getKey(), "console send");
                    if (q.getData().size() > RequestChecks.MAX_CHUNK) {
                        throw new Refused(Code.INVALID_REQUEST, "console send: " + q.getData().size() + " bytes (0.." + RequestChecks.MAX_CHUNK + ")");
                    }
                    // on the pool: a tree that does not read fills the buffer, and the write waits
                    async(id, () -> send(Reply.newBuilder().setId(id).setLast(true)
                            .setConsole(verbs.consoleSend(root, key, q.getData().toByteArray())).build()));
                }
                case CANCEL -> {
                    long target = r.getCancel().getTarget();
                    BridgeVerbs.Running op = running.get(target);
                    if (op == null) throw new Refused(Code.UNKNOWN_REQUEST, "no request " + Long.toUnsignedString(target) + " is running");
                    LOG.log(System.Logger.Level.INFO, "{0}: cancel of request {1}", peer, target);
                    op.cancel();
                    send(Reply.newBuilder().setId(id).setLast(true).setText(BridgeProto.TextReply.newBuilder().setText("cancel asked")).build());
                }
                default -> throw new Refused(Code.UNKNOWN_VERB, "verb " + r.getVerbCase() + " is not served");
            }
        }

        void hello(long id, BridgeProto.HelloRequest h) throws Refused {
            if (h.getProtocol() != PROTOCOL) {
                throw new Refused(Code.UNSUPPORTED_PROTOCOL, "this bridge (CRIU Atlas " + AtlasVersion.version() + ") speaks protocol "
                        + PROTOCOL + ", the client " + h.getProtocol());
            }
            BridgeProto.HelloReply.Builder b = verbs.hello().setProtocol(PROTOCOL).setVersion(AtlasVersion.version())
                    .clearVerbs().addAllVerbs(BridgeVerbs.VERBS).setPid((int) ProcessHandle.current().pid());
            LOG.log(System.Logger.Level.INFO, "{0}: hello from CRIU Atlas {1}, serving as uid {2}", peer, h.getClientVersion(), b.getUid());
            helloed = true;
            send(Reply.newBuilder().setId(id).setLast(true).setHello(b).build());
        }

        interface Job {
            void run() throws Refused, IOException;
        }

        void async(long id, Job job) {
            try {
                work.execute(() -> {
                    try {
                        job.run();
                    } catch (Refused e) {
                        error(id, e.code(), e.getMessage());
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "bridge request " + id + " failed", e);
                        error(id, Code.FAILED, String.valueOf(e.getMessage()));
                    }
                });
            } catch (RejectedExecutionException e) {
                error(id, Code.FAILED, "the bridge is shutting down");
            }
        }

        /** A request's events with CRIU's log lines batched (the client set log_batches). */
        LogBatches batches(long id) {
            return new LogBatches(ev -> event(id, ev), b -> send(Reply.newBuilder().setId(id).setLast(false).setLog(b).build()), timer,
                    eventsOut);
        }

        void track(long id, BridgeVerbs.Running op, LogBatches batches) {
            running.put(id, op);
            op.result().whenComplete((reply, t) -> {
                running.remove(id);
                Runnable last = () -> {
                    if (t != null) error(id, t instanceof Refused rf ? rf.code() : Code.FAILED, String.valueOf(t.getMessage()));
                    else send(Reply.newBuilder().setId(id).setLast(true).setJson(reply).build());
                };
                LogBatches.then(batches, last); // every line and event before the last reply
            });
        }

        void event(long id, BridgeProto.JsonReply ev) {
            send(Reply.newBuilder().setId(id).setLast(false).setJson(ev).build());
        }

        void error(long id, Code code, String message) {
            errorsSent.incrementAndGet();
            send(Reply.newBuilder().setId(id).setLast(true)
                    .setError(BridgeProto.Error.newBuilder().setCode(code).setMessage(message == null ? "" : message)).build());
        }

        void send(Reply r) {
            try {
                ch.write(r);
            } catch (IOException e) {
                // the client is gone: the reader sees the end and closes
                LOG.log(System.Logger.Level.DEBUG, "bridge reply to {0} not sent: {1}", peer, e.getMessage());
            }
        }

        @Override
        public void close() {
            List<BridgeVerbs.Running> ops = new ArrayList<>(running.values());
            if (!ops.isEmpty()) LOG.log(System.Logger.Level.INFO, "{0}: connection ended; cancelling {1} running request(s)", peer, ops.size());
            ops.forEach(BridgeVerbs.Running::cancel);
            ch.close();
        }
    }
}
