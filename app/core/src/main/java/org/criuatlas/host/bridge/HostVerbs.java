package org.criuatlas.host.bridge;

import com.google.protobuf.ByteString;
import org.criuatlas.bridge.calibrate.CalibrationEngine;
import org.criuatlas.bridge.calibrate.CalibrationRun;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.bridge.server.BridgeJson;
import org.criuatlas.bridge.server.BridgeVerbs;
import org.criuatlas.bridge.server.RequestChecks;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;
import org.criuatlas.host.CriuStatus;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostInfo;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.ImageFile;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.model.IpcGraph;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The bridge's verbs answered by a {@link Host} of this machine (a {@link org.criuatlas.host.LocalHost}):
 * what {@code criu-atlas bridge} serves. Decodes and checks the JSON requests (pids, paths, durations)
 * before the host sees them; keeps the kept ends of the trees it restored until {@link #close}.
 */
public final class HostVerbs implements BridgeVerbs, AutoCloseable {
    /** The longest a restore may wait for its pids to be free. */
    static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final Host host;
    private final KeptConsoles kept = new KeptConsoles();
    /** criu --version and criu check cost ~0.3 s: asked once per bridge, not once per hello. */
    private volatile CriuStatus criu;
    private final java.util.concurrent.atomic.AtomicBoolean warmed = new java.util.concurrent.atomic.AtomicBoolean();

    public HostVerbs(Host host) {
        this.host = host;
    }

    @Override
    public BridgeProto.HelloReply.Builder hello() {
        HostInfo info = host.info();
        CriuStatus c = criu;
        if (c == null) criu = c = host.criuStatus();
        BridgeProto.HelloReply.Builder b = BridgeProto.HelloReply.newBuilder().setHostName(nz(info.name())).setKernel(nz(info.kernel()))
                .setUser(nz(info.user())).setUid(LiveProcesses.effectiveUid()).setCriuVia(nz(c.via())).setCriuCheckOk(c.checkOk())
                .setCriuCheck(nz(c.check()));
        if (c.path() != null) b.setCriuPath(c.path().toString());
        if (c.version() != null) b.setCriuVersion(c.version());
        String boot = host.bootId();
        if (boot != null) b.setBootId(boot);
        b.setDumpsFolder(requestersDumpsFolder().toString());
        warmUp();
        return b;
    }

    /**
     * The first dump and restore of a bridge paid 60-110 ms each of their own (measured: decoding the request,
     * the trust gate, the first reply) for building JSON codecs and loading classes that every later one finds
     * ready. Done once per bridge, on a daemon thread of low priority, when the first client says hello: what a
     * window does first (a scan, opening images) leaves the time for it. Reads nothing a client sent.
     */
    private void warmUp() {
        if (!warmed.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try {
                Path root = Path.of("/");
                IpcGraph g = IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.IMAGES, "/", java.time.Instant.EPOCH, true, 0, null),
                        List.of(), List.of(), List.of(), List.of());
                BridgeJson.read(BridgeJson.write(RestoreRequest.now(org.criuatlas.plan.restore.RestoreWiringPlan.of(root, g, List.of()))),
                        RestoreRequest.class);
                BridgeJson.read(BridgeJson.write(new DumpRequest(org.criuatlas.bridge.criu.CriuOptions.defaults().withPid(1)
                        .withImagesDir(root), root, false, List.of(1))), DumpRequest.class);
                BridgeJson.write(new HostEvent.Step("warm-up", "", java.time.Instant.EPOCH));
                BridgeJson.write(new RestoreResult.Failed("warm-up", null));
                org.criuatlas.bridge.trust.FileTrust.lstat(root);
            } catch (IOException | RuntimeException | LinkageError e) {
                // only slower first requests
            }
        }, "bridge-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static String nz(String s) { return s == null ? "" : s; }

    @Override
    public IpcGraph scan(Set<Integer> roots) throws Refused {
        try {
            if (roots.isEmpty()) return host.scan();
            try (LiveScanner s = new LiveScanner()) {
                return s.scan(ScanScope.subtrees(roots));
            }
        } catch (Exception e) {
            throw new Refused(Code.FAILED, "the scan failed: " + e.getMessage());
        }
    }

    @Override
    public Map<Integer, Character> states(Collection<Integer> pids) {
        return host.processStates(pids);
    }

    /** Host events as the bridge sends them: a CRIU log line through {@link Events#logLine} (batched when asked), the rest as JSON. */
    private static Consumer<HostEvent> forward(Consumer<BridgeProto.JsonReply> to) {
        Events events = Events.of(to);
        return ev -> {
            if (ev instanceof HostEvent.Criu c && c.event() instanceof CriuEvent.LogLine l) {
                events.logLine(l.line(), l.at(), () -> reply("host-event", ev));
            } else {
                events.accept(reply("host-event", ev));
            }
        };
    }

    @Override
    public Running dump(byte[] json, Consumer<BridgeProto.JsonReply> events) throws Refused {
        DumpRequest req = decode(json, DumpRequest.class);
        RequestChecks.pid(req.root(), "dump root");
        RequestChecks.pids(req.processes(), "dump processes");
        RequestChecks.path(req.folder(), "dump folder");
        if (req.options().workDir() != null) RequestChecks.path(req.options().workDir(), "dump work dir");
        HostOperation<?> op = host.dump(req, forward(events));
        return running(op, "dump-outcome", r -> r);
    }

    @Override
    public Running restore(byte[] json, Consumer<BridgeProto.JsonReply> events) throws Refused {
        RestoreRequest req = decode(json, RestoreRequest.class);
        RequestChecks.path(req.plan().imagesDir(), "restore images");
        if (req.plan().workDir() != null) RequestChecks.path(req.plan().workDir(), "restore work dir");
        RequestChecks.pids(req.waitForPids(), "restore waits for");
        if (req.waitAtMost().isNegative() || req.waitAtMost().compareTo(MAX_WAIT) > 0) {
            throw new Refused(Code.INVALID_REQUEST, "restore may wait 0.." + MAX_WAIT.toMinutes() + " minutes, not " + req.waitAtMost());
        }
        HostOperation<RestoreResult> op = host.restore(req, forward(events));
        return running(op, "restore-result", r -> {
            if (r instanceof RestoreResult.Restored ok) {
                // the kept ends stay here, alive while the bridge runs; consoles are streamed (console, console_send)
                if (ok.wiring() != null) kept.keep(ok.rootPid(), ok.wiring());
                return new RestoreResult.Restored(ok.rootPid(), ok.pids(), null, ok.result());
            }
            return r;
        });
    }

    /**
     * The dumps folder of the user who asked (pkexec's or sudo's caller: their home's criu-atlas-dumps, where an archive
     * podman exports for them may go), else this bridge user's own.
     */
    private Path requestersDumpsFolder() {
        int uid = org.criuatlas.bridge.trust.Credentials.requestingUid();
        if (uid == org.criuatlas.bridge.trust.Credentials.effectiveUid()) return host.dumpsFolder();
        return org.criuatlas.bridge.trust.FileTrust.home(uid).map(h -> h.resolve("criu-atlas-dumps")).orElse(host.dumpsFolder());
    }

    @Override
    public Running container(byte[] json, Consumer<BridgeProto.JsonReply> events) throws Refused {
        int uid = org.criuatlas.bridge.trust.Credentials.requestingUid();
        org.criuatlas.host.ContainerRequest req = ContainerGate.check(decode(json, org.criuatlas.host.ContainerRequest.class), uid);
        HostOperation<org.criuatlas.host.ContainerOutcome> op = host.container(req, forward(events));
        return running(op, "container-outcome", o -> {
            if (o.ok() && req instanceof org.criuatlas.host.ContainerRequest.Checkpoint c) ContainerGate.giveArchive(c.archive(), uid);
            return o;
        });
    }

    @Override
    public Running console(int rootPid, String key, Consumer<BridgeProto.ConsoleData> data) throws Refused {
        return kept.follow(rootPid, key, data);
    }

    @Override
    public BridgeProto.ConsoleData consoleSend(int rootPid, String key, byte[] data) throws Refused {
        return kept.send(rootPid, key, data);
    }

    @Override
    public BridgeProto.JsonReply openImages(Path path) throws Refused {
        try {
            return reply("opened-images", host.openImages(path));
        } catch (ImageFormatException e) {
            boolean missing = e.kind() == ImageFormatException.Kind.NOT_A_DUMP || e.kind() == ImageFormatException.Kind.MISSING_IMAGE;
            throw new Refused(missing ? Code.NOT_FOUND : Code.FAILED, e.getMessage());
        } catch (RuntimeException e) {
            throw new Refused(Code.FAILED, "cannot read " + path + ": " + e.getMessage());
        }
    }

    @Override
    public BridgeProto.JsonReply previewRestore(Path path) throws Refused {
        try {
            return reply("restore-preview", host.previewRestore(path));
        } catch (ImageFormatException e) {
            boolean missing = e.kind() == ImageFormatException.Kind.NOT_A_DUMP || e.kind() == ImageFormatException.Kind.MISSING_IMAGE;
            throw new Refused(missing ? Code.NOT_FOUND : Code.FAILED, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Refused(Code.INVALID_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            throw new Refused(Code.FAILED, "cannot preview a restore of " + path + ": " + e.getMessage());
        }
    }

    @Override
    public BridgeProto.JsonReply restoreTrust(Path path) throws Refused {
        try {
            return reply("restore-trust", host.restoreTrust(path).orElseThrow(() -> new Refused(Code.FAILED, "this host cannot tell ahead")));
        } catch (RuntimeException e) {
            throw new Refused(Code.FAILED, "cannot check " + path + ": " + e.getMessage());
        }
    }

    @Override
    public BridgeProto.JsonReply folder(BridgeProto.FolderRequest f) throws Refused {
        if (!f.getMakeNew()) return reply("folder-check", host.checkImagesFolder(Path.of(f.getPath())));
        LocalDateTime at;
        try {
            at = f.getAt().isEmpty() ? LocalDateTime.now() : LocalDateTime.parse(f.getAt());
        } catch (DateTimeParseException e) {
            throw new Refused(Code.INVALID_REQUEST, "folder time: " + e.getMessage());
        }
        Path p = host.newImagesFolder(f.getPath().isEmpty() ? null : Path.of(f.getPath()), f.getRootPid(), at);
        return reply("new-folder", p.toString());
    }

    @Override
    public String readLog(Path path, long maxBytes) throws Refused {
        try {
            return host.readLog(path, maxBytes);
        } catch (NoSuchFileException e) {
            throw new Refused(Code.NOT_FOUND, "no file " + path);
        } catch (IOException e) {
            throw new Refused(Code.FAILED, e.getMessage());
        }
    }

    @Override
    public Running calibrate(BridgeProto.CalibrateRequest r, Consumer<BridgeProto.JsonReply> events) throws Refused {
        Path criu = CriuLocator.locate().map(CriuLocator.Located::path)
                .orElseThrow(() -> new Refused(Code.FAILED, "no criu on this host (scripts/provision-criu.sh)"));
        ProbeCatalogue cat = ProbeCatalogue.builtIn();
        if (r.getKindsCount() > 0) {
            for (String k : r.getKindsList()) {
                if (cat.kinds().stream().noneMatch(x -> x.id().equals(k))) throw new Refused(Code.INVALID_REQUEST, "no probe kind " + k);
            }
            cat = cat.only(r.getKindsList());
        }
        CalibrationEngine.Settings s = CalibrationEngine.Settings.of(criu).withCatalogue(cat).withWrite(r.getWrite())
                .withParallelism(r.getParallelism() == 0 ? CalibrationEngine.DEFAULT_PARALLELISM : r.getParallelism());
        CalibrationRun run = CalibrationEngine.start(s, (entry, done, total) -> events.accept(reply("calibration-step", entry)));
        CompletableFuture<BridgeProto.JsonReply> out = run.future().thenApply(rep -> reply("calibration-report", rep));
        return new Running() {
            @Override public CompletableFuture<BridgeProto.JsonReply> result() { return out; }
            @Override public void cancel() { run.cancel(); }
        };
    }

    @Override
    public BridgeProto.JsonReply statPaths(List<Path> paths) throws Refused {
        try {
            List<String> asked = paths.stream().map(Path::toString).toList();
            var facts = host.statPaths(asked);
            // in the order asked, one per path (the client zips them back)
            return reply("path-facts", asked.stream().map(facts::get).toArray(org.criuatlas.plan.restore.RestorePreviewer.LiveFile[]::new));
        } catch (IOException | RuntimeException e) {
            throw new Refused(Code.FAILED, "cannot look at the paths: " + e.getMessage());
        }
    }

    @Override
    public BridgeProto.JsonReply mappedFiles(List<Integer> pids) throws Refused {
        try {
            return reply("mapped-files", host.mappedFiles(pids).entrySet().stream()
                    .map(e -> new MappedFileWire(e.getKey(), e.getValue())).toArray(MappedFileWire[]::new));
        } catch (IOException | RuntimeException e) {
            throw new Refused(Code.FAILED, "cannot read the processes' mappings: " + e.getMessage());
        }
    }

    @Override
    public BridgeProto.JsonReply listImages(Path folder) throws Refused {
        try {
            return reply("image-files", host.listImages(folder).toArray(new ImageFile[0]));
        } catch (IOException | RuntimeException e) {
            throw refusal(e, "cannot list " + folder);
        }
    }

    @Override
    public byte[] readImages(Path folder, String name, long offset, int length) throws Refused {
        try {
            return host.readImages(folder, name, offset, length);
        } catch (IOException | RuntimeException e) {
            throw refusal(e, "cannot read " + name + " in " + folder);
        }
    }

    @Override
    public BridgeProto.JsonReply receiveImages(Path parent, int rootPid, String at) throws Refused {
        LocalDateTime when;
        try {
            when = at.isEmpty() ? LocalDateTime.now() : LocalDateTime.parse(at);
        } catch (DateTimeParseException e) {
            throw new Refused(Code.INVALID_REQUEST, "receive images time: " + e.getMessage());
        }
        try {
            return reply("new-folder", host.receiveImages(parent, rootPid, when).toString());
        } catch (IOException | RuntimeException e) {
            throw refusal(e, "cannot make a folder to receive images");
        }
    }

    @Override
    public void writeImages(Path folder, String name, long offset, byte[] data) throws Refused {
        try {
            host.writeImages(folder, name, offset, data);
        } catch (IOException | RuntimeException e) {
            throw refusal(e, "cannot write " + name + " in " + folder);
        }
    }

    @Override
    public BridgeProto.JsonReply finishImages(Path folder, byte[] filesJson) throws Refused {
        ImageFile[] files = decode(filesJson, ImageFile[].class);
        if (files.length > org.criuatlas.host.ImageTransfer.MAX_FILES) {
            throw new Refused(Code.INVALID_REQUEST, "finish images: " + files.length + " files (at most "
                    + org.criuatlas.host.ImageTransfer.MAX_FILES + ")");
        }
        for (ImageFile f : files) {
            if (f == null || f.name() == null) throw new Refused(Code.INVALID_REQUEST, "finish images: a file without a name");
            RequestChecks.fileName(f.name(), "finish images");
            if (f.size() < 0 || f.size() > RequestChecks.MAX_IMAGE_FILE) throw new Refused(Code.INVALID_REQUEST, "finish images: size " + f.size());
            if (!f.sha256().matches("[0-9a-fA-F]{64}")) throw new Refused(Code.INVALID_REQUEST, "finish images: not a SHA-256: " + f.sha256());
        }
        try {
            return reply("image-files", host.finishImages(folder, List.of(files)).toArray(new ImageFile[0]));
        } catch (IOException | RuntimeException e) {
            throw refusal(e, "the images in " + folder + " are not complete");
        }
    }

    /** A host's exception as the typed refusal the client sees. */
    private static Refused refusal(Exception e, String what) {
        Code code = e instanceof NoSuchFileException ? Code.NOT_FOUND
                : e instanceof SecurityException || e instanceof java.nio.file.AccessDeniedException ? Code.NOT_PERMITTED
                : e instanceof IllegalArgumentException ? Code.INVALID_REQUEST
                : Code.FAILED;
        return new Refused(code, what + ": " + e.getMessage());
    }

    private static <T> T decode(byte[] json, Class<T> type) throws Refused {
        try {
            return BridgeJson.read(json, type);
        } catch (IOException e) {
            throw new Refused(Code.INVALID_REQUEST, "not a valid " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    static BridgeProto.JsonReply reply(String type, Object value) {
        return BridgeProto.JsonReply.newBuilder().setType(type).setJson(ByteString.copyFrom(BridgeJson.write(value))).build();
    }

    private static <R> Running running(HostOperation<R> op, String type, java.util.function.Function<R, Object> wire) {
        CompletableFuture<BridgeProto.JsonReply> out = op.result().thenApply(r -> reply(type, wire.apply(r)));
        return new Running() {
            @Override public CompletableFuture<BridgeProto.JsonReply> result() { return out; }
            @Override public void cancel() { op.cancel(); }
        };
    }

    /** Closes the kept ends of the trees restored through this bridge (they see them close) and the host. */
    @Override
    public void close() {
        kept.close();
        host.close();
    }
}
