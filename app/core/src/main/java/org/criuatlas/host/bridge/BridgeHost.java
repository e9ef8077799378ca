package org.criuatlas.host.bridge;

import com.google.protobuf.ByteString;
import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.server.BridgeJson;
import org.criuatlas.bridge.server.GraphBinary;
import org.criuatlas.bridge.server.GraphWire;
import org.criuatlas.bridge.server.ScanDeltas;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Reply;
import org.criuatlas.bridge.server.proto.BridgeProto.Request;
import org.criuatlas.host.CriuStatus;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.FolderCheck;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.HostInfo;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.ImageFile;
import org.criuatlas.host.KeptWiring;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.model.IpcGraph;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link Host} on the other side of a bridge ({@code criu-atlas bridge} started through pkexec,
 * sudo, ssh or a test launcher): the same calls as {@link org.criuatlas.host.LocalHost}, answered by
 * the bridge's host. A link that breaks makes every call a {@link BridgeException} with
 * {@link BridgeException#hostFailed()}.
 */
public final class BridgeHost implements Host {
    public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(60);

    private final BridgeLink link;
    private final BridgeProto.HelloReply hello;
    private final ScanDeltas.Receiver graphs = new ScanDeltas.Receiver();
    private final String how;

    /** Says hello over {@code link}; throws a {@link BridgeException} when the other side is not a bridge of this protocol. */
    public BridgeHost(BridgeLink link, String how) {
        this.link = Objects.requireNonNull(link);
        this.how = how;
        this.hello = link.hello(HELLO_TIMEOUT);
    }

    /** How this host is reached, in words ("through pkexec", "ssh root@server"). */
    public String how() { return how; }

    public BridgeLink link() { return link; }

    public BridgeProto.HelloReply hello() { return hello; }

    @Override
    public HostInfo info() {
        return new HostInfo(hello.getHostName(), hello.getKernel(), hello.getUser(), false);
    }

    @Override
    public CriuStatus criuStatus() {
        Path p = hello.getCriuPath().isEmpty() ? null : Path.of(hello.getCriuPath());
        return new CriuStatus(p, hello.getCriuVia(), hello.getCriuVersion().isEmpty() ? null : hello.getCriuVersion(),
                hello.getCriuCheckOk(), hello.getCriuCheck());
    }

    @Override
    public IpcGraph scan() throws IOException {
        return scan(Set.of());
    }

    /** A snapshot of {@code roots} and their descendants (everything when empty), as a delta after the first. */
    public IpcGraph scan(Set<Integer> roots) throws IOException {
        // a whole graph in the binary form (a bridge older than it answers JSON, read below as before)
        BridgeProto.ScanRequest.Builder s = BridgeProto.ScanRequest.newBuilder().setDeltas(roots.isEmpty() && graphs.holds())
                .addAllRoots(roots).setBinary(true);
        Reply r = link.call(Request.newBuilder().setScan(s));
        BridgeProto.GraphReply g = r.getGraph();
        if (!roots.isEmpty()) {
            return g.getFullBinary().isEmpty() ? BridgeJson.read(g.getFullJson().toByteArray(), GraphWire.class).graph()
                    : GraphBinary.read(g.getFullBinary()).graph();
        }
        try {
            if (!g.getFullBinary().isEmpty()) return graphs.decodeBinary(g.getFullBinary(), g.getGeneration());
            byte[] full = g.getFullJson().isEmpty() ? null : g.getFullJson().toByteArray();
            byte[] delta = g.getDeltaJson().isEmpty() ? null : g.getDeltaJson().toByteArray();
            return graphs.decode(full, delta, g.getGeneration(), g.getBase());
        } catch (IOException e) {
            graphs.reset();
            throw new BridgeException("the bridge on " + link.where() + " sent a graph this side cannot read: " + e.getMessage(), e);
        }
    }

    /** A whole snapshot, never a delta (what a refresh costs without deltas). */
    public IpcGraph scanWhole() throws IOException {
        graphs.reset();
        return scan(Set.of());
    }

    @Override
    public Map<Integer, Character> processStates(Collection<Integer> pids) {
        Reply r = link.call(Request.newBuilder().setPlanInputs(BridgeProto.PlanInputsRequest.newBuilder().addAllPids(pids)));
        Map<Integer, Character> out = new LinkedHashMap<>();
        r.getPlanInputs().getStatesMap().forEach((p, s) -> {
            if (!s.isEmpty()) out.put(p, s.charAt(0));
        });
        return out;
    }

    @Override
    public FolderCheck checkImagesFolder(Path folder) {
        Reply r = link.call(Request.newBuilder().setFolder(BridgeProto.FolderRequest.newBuilder().setPath(folder.toString())));
        return json(r.getJson(), FolderCheck.class);
    }

    @Override
    public Path newImagesFolder(Path parent, int rootPid, LocalDateTime at) {
        BridgeProto.FolderRequest.Builder f = BridgeProto.FolderRequest.newBuilder().setMakeNew(true).setRootPid(rootPid)
                .setAt(at.toString());
        if (parent != null) f.setPath(parent.toString());
        Reply r = link.call(Request.newBuilder().setFolder(f));
        return Path.of(json(r.getJson(), String.class));
    }

    @Override
    public HostOperation<DumpOutcome> dump(DumpRequest request, Consumer<HostEvent> events) {
        Request.Builder req = Request.newBuilder().setDump(BridgeProto.DumpRequest.newBuilder()
                .setRequestJson(ByteString.copyFrom(BridgeJson.write(request))).setLogBatches(true));
        return operation(req, events, DumpOutcome.class, o -> o);
    }

    @Override
    public HostOperation<RestoreResult> restore(RestoreRequest request, Consumer<HostEvent> events) {
        Request.Builder req = Request.newBuilder().setRestore(BridgeProto.RestoreRequest.newBuilder()
                .setRequestJson(ByteString.copyFrom(BridgeJson.write(request))).setLogBatches(true));
        // the restored tree's kept ends stay with the bridge: its consoles streamed here, the others described from the plan
        boolean streams = hello.getVerbsList().contains("console");
        return operation(req, events, RestoreResult.class, r -> r instanceof RestoreResult.Restored ok && ok.wiring() == null
                ? new RestoreResult.Restored(ok.rootPid(), ok.pids(), RemoteKeptWiring.of(request.plan(), link, streams, ok.rootPid()),
                        ok.result()) : r);
    }

    /**
     * podman's checkpoint or restore, run by the bridge there (which checks the names and the archive's folders first);
     * a refusal, a broken link or an older bridge is a failed or unsupported outcome, never an exception.
     */
    @Override
    public HostOperation<org.criuatlas.host.ContainerOutcome> container(org.criuatlas.host.ContainerRequest request, Consumer<HostEvent> events) {
        String cmd = "podman " + String.join(" ", request.arguments());
        if (!hello.getVerbsList().contains("container")) {
            return new HostOperation<>(CompletableFuture.completedFuture(org.criuatlas.host.ContainerOutcome.unsupported(cmd,
                    "the bridge on " + link.where() + " predates container checkpoints (update criu-atlas there)")), () -> {});
        }
        Request.Builder req = Request.newBuilder().setContainer(BridgeProto.ContainerRunRequest.newBuilder()
                .setRequestJson(ByteString.copyFrom(BridgeJson.write(request))));
        HostOperation<org.criuatlas.host.ContainerOutcome> op = operation(req, events, org.criuatlas.host.ContainerOutcome.class, o -> o);
        CompletableFuture<org.criuatlas.host.ContainerOutcome> out = op.result().handle((o, t) -> t == null ? o
                : new org.criuatlas.host.ContainerOutcome(org.criuatlas.host.ContainerOutcome.Kind.FAILED, cmd, -1, List.of(),
                "the bridge on " + link.where() + ": " + (t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                        ? t.getCause().getMessage() : t.getMessage()), null, List.of(), null, -1));
        return new HostOperation<>(out, op::cancel);
    }

    /** Runs the bridge's calibration ({@code kinds}: only these probe kinds, empty: all); {@code steps} sees each measured cell. */
    @Override
    public HostOperation<CalibrationReport> calibrate(int parallelism, List<String> kinds, boolean write, Consumer<CalibrationEntry> steps) {
        Request.Builder req = Request.newBuilder().setCalibrate(BridgeProto.CalibrateRequest.newBuilder()
                .setParallelism(parallelism).addAllKinds(kinds).setWrite(write));
        CompletableFuture<CalibrationReport> result = new CompletableFuture<>();
        BridgeLink.Sent sent = link.start(req, ev -> {
            if (steps != null && ev.hasJson()) steps.accept(json(ev.getJson(), CalibrationEntry.class));
        });
        sent.reply().whenComplete((r, t) -> complete(result, r, t, CalibrationReport.class, x -> x));
        return new HostOperation<>(result, () -> link.cancel(sent.id()));
    }

    private <R> HostOperation<R> operation(Request.Builder req, Consumer<HostEvent> events, Class<R> type,
                                           java.util.function.UnaryOperator<R> fix) {
        CompletableFuture<R> result = new CompletableFuture<>();
        BridgeLink.Sent sent = link.start(req, ev -> {
            if (events == null) return;
            if (ev.hasJson()) events.accept(json(ev.getJson(), HostEvent.class));
            else if (ev.hasLog()) logLines(ev.getLog(), events);
        });
        sent.reply().whenComplete((r, t) -> complete(result, r, t, type, fix));
        return new HostOperation<>(result, () -> link.cancel(sent.id()));
    }

    /** A batch of CRIU's log lines as the host events a local run gives: each parsed as the bridge's log follower did, on first use. */
    static void logLines(BridgeProto.LogBatch b, Consumer<HostEvent> events) {
        if (b.getSkippedBefore() > 0) {
            // the bridge left lines out rather than hold them for a client that read too slowly: said where the lines would be
            events.accept(new HostEvent.Criu(CriuEvent.Output.note(String.format("%,d line(s) of the log were not sent here:"
                    + " this side read too slowly; the log file on that host has every line", b.getSkippedBefore()), Instant.now())));
        }
        int n = Math.min(b.getLinesCount(), Math.min(b.getNumbersCount(), b.getAtNanosCount()));
        for (int i = 0; i < n; i++) {
            long at = b.getAtNanos(i);
            // taken apart only when something asks for more than its number and text (a tail of the log never does)
            CriuEvent.LogLine line = new CriuEvent.LogLine(org.criuatlas.bridge.criu.log.CriuLogLine.unparsed(b.getNumbers(i), b.getLines(i)),
                    Instant.ofEpochSecond(Math.floorDiv(at, 1_000_000_000L), Math.floorMod(at, 1_000_000_000L)));
            events.accept(new HostEvent.Criu(line));
        }
    }

    private static <R> void complete(CompletableFuture<R> result, Reply r, Throwable t, Class<R> type, java.util.function.UnaryOperator<R> fix) {
        if (t != null) {
            result.completeExceptionally(t);
        } else if (r.hasError()) {
            result.completeExceptionally(BridgeException.of(r.getError().getCode(), r.getError().getMessage()));
        } else {
            try {
                result.complete(fix.apply(json(r.getJson(), type)));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    @Override
    public OpenedImages openImages(Path dir) throws ImageFormatException {
        try {
            Reply r = link.call(Request.newBuilder().setOpenImages(BridgeProto.OpenImagesRequest.newBuilder().setPath(dir.toString())));
            return json(r.getJson(), OpenedImages.class);
        } catch (BridgeException e) {
            if (e.hostFailed()) throw e;
            throw new ImageFormatException(e.code() == BridgeProto.Error.Code.NOT_FOUND ? ImageFormatException.Kind.NOT_A_DUMP
                    : ImageFormatException.Kind.IO, dir, 0, e.getMessage());
        }
    }

    @Override
    public org.criuatlas.plan.restore.RestorePreview previewRestore(Path dir) throws ImageFormatException {
        try {
            Reply r = link.call(Request.newBuilder().setPreviewRestore(BridgeProto.PreviewRestoreRequest.newBuilder().setPath(dir.toString())));
            return json(r.getJson(), org.criuatlas.plan.restore.RestorePreview.class);
        } catch (BridgeException e) {
            if (e.hostFailed()) throw e;
            if (e.code() == BridgeProto.Error.Code.INVALID_REQUEST) throw new IllegalArgumentException(e.getMessage(), e);
            throw new ImageFormatException(e.code() == BridgeProto.Error.Code.NOT_FOUND ? ImageFormatException.Kind.NOT_A_DUMP
                    : ImageFormatException.Kind.IO, dir, 0, e.getMessage());
        }
    }

    @Override
    public java.util.Optional<org.criuatlas.host.RestoreGate.Verdict> restoreTrust(Path dir) {
        try {
            Reply r = link.call(Request.newBuilder().setRestoreTrust(BridgeProto.RestoreTrustRequest.newBuilder().setPath(dir.toString())));
            return java.util.Optional.of(json(r.getJson(), org.criuatlas.host.RestoreGate.Verdict.class));
        } catch (BridgeException e) {
            if (e.hostFailed()) throw e;
            return java.util.Optional.empty(); // cannot tell ahead: the bridge still gates the restore itself
        }
    }

    @Override
    public String readLog(Path log, long maxBytes) throws IOException {
        try {
            Reply r = link.call(Request.newBuilder().setReadLog(BridgeProto.ReadLogRequest.newBuilder().setPath(log.toString())
                    .setMaxBytes(Math.min(maxBytes, org.criuatlas.bridge.server.RequestChecks.MAX_LOG_BYTES))));
            return r.getText().getText();
        } catch (BridgeException e) {
            if (e.hostFailed()) throw e;
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The bridge's own default (its user's folder there); a bridge that predates the field: this side's default. */
    @Override
    public Path dumpsFolder() {
        return hello.getDumpsFolder().isEmpty() ? org.criuatlas.host.Host.super.dumpsFolder() : Path.of(hello.getDumpsFolder());
    }

    @Override
    public String bootId() {
        return hello.getBootId().isEmpty() ? null : hello.getBootId();
    }

    @Override
    public Map<String, org.criuatlas.plan.restore.RestorePreviewer.LiveFile> statPaths(List<String> paths) throws IOException {
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(paths));
        Reply r = io(() -> link.call(Request.newBuilder().setStatPaths(BridgeProto.StatPathsRequest.newBuilder().addAllPaths(distinct))));
        var facts = json(r.getJson(), org.criuatlas.plan.restore.RestorePreviewer.LiveFile[].class);
        if (facts.length != distinct.size()) throw new IOException("the bridge on " + link.where() + " answered " + facts.length
                + " paths for " + distinct.size());
        Map<String, org.criuatlas.plan.restore.RestorePreviewer.LiveFile> out = new LinkedHashMap<>();
        for (int i = 0; i < facts.length; i++) out.put(distinct.get(i), facts[i]);
        return out;
    }

    @Override
    public java.util.SortedMap<String, List<Integer>> mappedFiles(Collection<Integer> pids) throws IOException {
        Reply r;
        try {
            r = io(() -> link.call(Request.newBuilder().setMappedFiles(BridgeProto.MappedFilesRequest.newBuilder().addAllPids(pids))));
        } catch (IOException e) {
            if (e.getCause() instanceof BridgeException b && b.code() == BridgeProto.Error.Code.UNKNOWN_VERB) {
                throw new UnsupportedOperationException("the bridge on " + link.where() + " predates mapped files (update criu-atlas there)");
            }
            throw e;
        }
        java.util.SortedMap<String, List<Integer>> out = new java.util.TreeMap<>();
        for (MappedFileWire f : json(r.getJson(), MappedFileWire[].class)) out.put(f.path(), List.copyOf(f.pids()));
        return out;
    }

    @Override
    public List<ImageFile> listImages(Path dir) throws IOException {
        Reply r = io(() -> link.call(Request.newBuilder().setListImages(BridgeProto.ListImagesRequest.newBuilder().setPath(dir.toString()))));
        return List.of(json(r.getJson(), ImageFile[].class));
    }

    @Override
    public byte[] readImages(Path dir, String name, long offset, int length) throws IOException {
        Reply r = io(() -> link.call(Request.newBuilder().setReadImages(BridgeProto.ReadImagesRequest.newBuilder()
                .setPath(dir.toString()).setName(name).setOffset(offset).setLength(length))));
        return r.getBytes().getData().toByteArray();
    }

    @Override
    public Path receiveImages(Path parent, int rootPid, LocalDateTime at) throws IOException {
        BridgeProto.ReceiveImagesRequest.Builder q = BridgeProto.ReceiveImagesRequest.newBuilder().setRootPid(rootPid).setAt(at.toString());
        if (parent != null) q.setParent(parent.toString());
        Reply r = io(() -> link.call(Request.newBuilder().setReceiveImages(q)));
        return Path.of(json(r.getJson(), String.class));
    }

    @Override
    public void writeImages(Path folder, String name, long offset, byte[] data) throws IOException {
        io(() -> link.call(Request.newBuilder().setWriteImages(BridgeProto.WriteImagesRequest.newBuilder()
                .setFolder(folder.toString()).setName(name).setOffset(offset).setData(ByteString.copyFrom(data)))));
    }

    @Override
    public List<ImageFile> finishImages(Path folder, List<ImageFile> files) throws IOException {
        Reply r = io(() -> link.call(Request.newBuilder().setFinishImages(BridgeProto.FinishImagesRequest.newBuilder()
                .setFolder(folder.toString()).setFilesJson(ByteString.copyFrom(BridgeJson.write(files.toArray(new ImageFile[0])))))));
        return List.of(json(r.getJson(), ImageFile[].class));
    }

    /** A call whose refusal is an IOException (a {@link java.nio.file.NoSuchFileException} for NOT_FOUND); a failed host stays a BridgeException. */
    private static Reply io(java.util.function.Supplier<Reply> call) throws IOException {
        try {
            return call.get();
        } catch (BridgeException e) {
            if (e.hostFailed()) throw e;
            if (e.code() == BridgeProto.Error.Code.NOT_FOUND) {
                throw (IOException) new java.nio.file.NoSuchFileException(e.getMessage()).initCause(e);
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    static <T> T json(BridgeProto.JsonReply j, Class<T> type) {
        try {
            return BridgeJson.read(j.getJson().toByteArray(), type);
        } catch (IOException e) {
            throw new BridgeException(BridgeProto.Error.Code.MALFORMED_FRAME, "a " + j.getType() + " this side cannot read: " + e.getMessage(), true);
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
