package org.criuatlas.host.bridge;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import org.criuatlas.bridge.server.FrameChannel;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;
import org.criuatlas.bridge.server.proto.BridgeProto.Reply;
import org.criuatlas.bridge.server.proto.BridgeProto.Request;
import org.criuatlas.host.FolderCheck;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every verb of protocol 1 against a real {@code criu-atlas bridge} process (this test's class path),
 * through {@link BridgeHost} and, for what a client must never send, raw frames. Dump, restore and
 * calibrate with real CRIU: {@link BridgeDumpRestoreTest}.
 */
class BridgeProtocolTest {
    static BridgeHost host;
    static final Path OUT = Path.of("target", "bridge-protocol").toAbsolutePath();

    @BeforeAll
    static void start() throws IOException {
        Requirements.requireRoot();
        Files.createDirectories(OUT);
        host = BridgeProcesses.start();
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    @Test
    void helloSaysVersionsVerbsUidAndCriu() {
        BridgeProto.HelloReply h = host.hello();
        assertEquals(1, h.getProtocol());
        assertFalse(h.getVersion().isEmpty());
        assertTrue(h.getVerbsList().containsAll(List.of("hello", "scan", "plan_inputs", "dump", "restore", "open_images", "calibrate")),
                h.getVerbsList().toString());
        assertEquals(0, h.getUid());
        assertEquals(host.link().process().pid(), h.getPid(), "the bridge is its own process");
        assertEquals(System.getProperty("os.version"), h.getKernel());
        if (!h.getCriuPath().isEmpty()) {
            assertTrue(h.getCriuVersion().startsWith("4."), h.getCriuVersion());
            assertTrue(h.getCriuCheckOk(), h.getCriuCheck());
            assertEquals(h.getCriuVersion(), host.criuStatus().version());
        }
    }

    @Test
    void scanThenDeltasSeeProcessesComeAndGo() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            IpcGraph first = host.scan();
            assertNotNull(first.process((int) sleeper.pid()), "a process started before the scan is in it");
            assertNotNull(first.process((int) host.link().process().pid()), "the bridge sees itself");
            long before = host.link().bytesIn();
            Process second = new ProcessBuilder("sleep", "301").start();
            sleeper.destroy();
            assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS));
            IpcGraph next = host.scan();
            long deltaBytes = host.link().bytesIn() - before;
            try {
                assertNull(next.process((int) sleeper.pid()), "an ended process leaves the graph through a delta");
                assertNotNull(next.process((int) second.pid()), "a new process arrives through a delta");
                assertEquals(List.of("sleep", "301"), next.process((int) second.pid()).cmdline());
                // about what changed: two processes on a quiet machine, many more beside a parallel build
                long differ = next.processes().values().stream().filter(q -> !q.equals(first.process(q.pid()))).count();
                double share = (double) differ / Math.max(1, next.processes().size());
                assertTrue(deltaBytes > 0 && deltaBytes < sizeOfWhole(first) * (0.45 + share),
                        "a delta is about what changed: " + deltaBytes + " vs " + sizeOfWhole(first) + " for the graph, "
                                + differ + " of " + next.processes().size() + " processes new or changed");
            } finally {
                second.destroy();
                second.waitFor(5, TimeUnit.SECONDS);
            }
            IpcGraph only = host.scan(Set.of((int) ProcessHandle.current().pid()));
            assertTrue(only.processes().containsKey((int) ProcessHandle.current().pid()));
            assertTrue(only.processes().size() < first.processes().size());
        } finally {
            sleeper.destroy();
        }
    }

    private static long sizeOfWhole(IpcGraph g) {
        return org.criuatlas.bridge.server.BridgeJson.write(g).length;
    }

    @Test
    void planInputsGiveStatesOfLivingPidsOnly() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            int pid = (int) sleeper.pid();
            Map<Integer, Character> s = host.processStates(List.of(pid, 4_000_000));
            assertEquals(Set.of(pid), s.keySet(), "a pid that does not exist is absent");
            assertTrue("RS".indexOf(s.get(pid)) >= 0, "sleep is running or sleeping: " + s);
            BridgeException bad = assertThrows(BridgeException.class, () -> host.processStates(List.of(0)));
            assertEquals(Code.INVALID_REQUEST, bad.code());
            assertFalse(bad.hostFailed());
            assertEquals(Code.INVALID_REQUEST, assertThrows(BridgeException.class, () -> host.processStates(List.of(5_000_000))).code());
        } finally {
            sleeper.destroy();
        }
    }

    /** What restore --host and migrate wait on: the tree's end, through the bridge and here (a pidfd), a zombie counting as ended. */
    @Test
    void awaitEndReturnsOnceTheProcessEndsOnBothHosts() throws Exception {
        for (org.criuatlas.host.Host h : List.of(host, new org.criuatlas.host.LocalHost(Runnable::run))) {
            Process sleeper = new ProcessBuilder("sleep", "300").start(); // our child: a zombie until the JDK reaps it
            try {
                java.util.concurrent.CompletableFuture<Void> ended = java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        h.awaitEnd((int) sleeper.pid());
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThrows(java.util.concurrent.TimeoutException.class, () -> ended.get(1500, TimeUnit.MILLISECONDS), "still running");
                sleeper.destroyForcibly();
                ended.get(10, TimeUnit.SECONDS);
            } finally {
                sleeper.destroyForcibly();
            }
        }
    }

    @Test
    void folderChecksAndNamesNewFolders() throws IOException {
        Path fresh = OUT.resolve("never-made-" + System.nanoTime());
        assertEquals(FolderCheck.Status.WILL_CREATE, host.checkImagesFolder(fresh).status());
        Path full = Files.createDirectories(OUT.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        assertEquals(FolderCheck.Status.NOT_EMPTY, host.checkImagesFolder(full).status());
        Path named = host.newImagesFolder(OUT, 1234, LocalDateTime.of(2026, 1, 2, 3, 4, 5));
        assertEquals(OUT, named.getParent());
        assertTrue(named.getFileName().toString().contains("1234"), named.toString());
        assertEquals(Code.INVALID_REQUEST, assertThrows(BridgeException.class, () -> host.checkImagesFolder(Path.of("relative"))).code());
        assertEquals(Code.INVALID_REQUEST, assertThrows(BridgeException.class, () -> host.checkImagesFolder(Path.of("/tmp/../etc"))).code());
    }

    @Test
    void readLogReadsAndRefuses() throws IOException {
        Path log = OUT.resolve("some.log");
        Files.writeString(log, "line one\nline two\n");
        assertEquals("line one\nline two\n", host.readLog(log, 1000));
        IOException big = assertThrows(IOException.class, () -> host.readLog(log, 5));
        assertTrue(big.getMessage().contains("bytes"), big.getMessage());
        assertThrows(IOException.class, () -> host.readLog(OUT.resolve("none.log"), 1000));
        IOException zero = assertThrows(IOException.class, () -> host.readLog(log, 0));
        assertEquals(Code.INVALID_REQUEST, ((BridgeException) zero.getCause()).code());
    }

    @Test
    void openImagesOfNoDumpIsATypedError() throws IOException {
        Path empty = Files.createDirectories(OUT.resolve("not-a-dump"));
        var e = assertThrows(org.criuatlas.bridge.images.ImageFormatException.class, () -> host.openImages(empty));
        assertEquals(org.criuatlas.bridge.images.ImageFormatException.Kind.NOT_A_DUMP, e.kind(), e.getMessage());
    }

    @Test
    void cancelOfNothingRunningIsUnknownRequest() {
        Reply r = host.link().send(Request.newBuilder().setCancel(BridgeProto.CancelRequest.newBuilder().setTarget(999_999)), null).join();
        assertEquals(Code.UNKNOWN_REQUEST, r.getError().getCode());
    }

    @Test
    void statPathsSaysWhatIsThereAsStatDoes() throws Exception {
        Path file = OUT.resolve("stat-me");
        Files.write(file, new byte[12345]);
        Path sock = OUT.resolve("stat-sock-" + System.nanoTime());
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(sock));
            var facts = host.statPaths(List.of(file.toString(), sock.toString(), OUT.resolve("nothing-here").toString()));
            String[] st = run("stat", "-c", "%s %Y %F", file.toString()).split(" ", 3);
            assertEquals(Long.parseLong(st[0]), facts.get(file.toString()).size(), "the size stat(1) gives");
            assertEquals(Long.parseLong(st[1]), facts.get(file.toString()).modified().getEpochSecond(), "the mtime stat(1) gives");
            assertTrue(facts.get(file.toString()).regular());
            assertEquals("socket", run("stat", "-c", "%F", sock.toString()));
            assertTrue(facts.get(sock.toString()).socket());
            assertFalse(facts.get(OUT.resolve("nothing-here").toString()).exists());
        } finally {
            Files.deleteIfExists(sock);
        }
        IOException rel = assertThrows(IOException.class, () -> host.statPaths(List.of("relative")));
        assertEquals(Code.INVALID_REQUEST, ((BridgeException) rel.getCause()).code());
    }

    @Test
    void mappedFilesAreWhatTheProcessMapsWithBuildIds() throws Exception {
        Path ready = OUT.resolve("mapped-ready");
        Files.deleteIfExists(ready);
        try (org.criuatlas.testing.TestProcs.Proc p = org.criuatlas.testing.TestProcs.python(
                "import signal, sys\nopen(sys.argv[1], 'w').write('1')\nsignal.pause()", List.of(ready.toString()), java.util.Map.of(), null)) {
            assertTrue(org.criuatlas.testing.TestProcs.waitCounterAbove(ready, 0, java.time.Duration.ofSeconds(20)) > 0);
            var through = host.mappedFiles(List.of(p.pid, 4_194_304));
            assertEquals(org.criuatlas.bridge.proc.MapsFiles.of(List.of(p.pid), null), through, "as this side reads /proc/PID/maps");
            String python = Path.of(org.criuatlas.testing.TestProcs.PYTHON).toRealPath().toString();
            assertEquals(List.of(p.pid), through.get(python), through.keySet().toString());
            // stat_paths gives each ELF file's build-id
            var facts = host.statPaths(List.copyOf(through.keySet()));
            assertEquals(org.criuatlas.bridge.images.ElfBuildId.of(Path.of(python), false).orElseThrow(), facts.get(python).buildId());
            assertTrue(facts.values().stream().filter(f -> f.buildId() != null).count() >= 2, facts.toString());
        }
        IOException bad = assertThrows(IOException.class, () -> host.mappedFiles(List.of(0)));
        assertEquals(Code.INVALID_REQUEST, ((BridgeException) bad.getCause()).code());
    }

    @Test
    void imagesStreamBetweenTwoBridgesAndTheTargetChecksEverySha256() throws Exception {
        Path src = Files.createDirectories(OUT.resolve("stream-src-" + System.nanoTime()));
        java.util.Random rnd = new java.util.Random(42);
        for (int[] f : new int[][] {{0, 0}, {1, 100}, {2, 3 * 1024 * 1024 + 17}, {3, 1 << 20}}) {
            byte[] b = new byte[f[1]];
            rnd.nextBytes(b);
            Files.write(src.resolve("file-" + f[0] + ".img"), b);
        }
        var listed = host.listImages(src);
        assertEquals(4, listed.size());
        for (var f : listed) {
            assertEquals(run("sha256sum", src.resolve(f.name()).toString()).split(" ")[0], f.sha256(), "sha256sum agrees on " + f.name());
            assertEquals(Files.size(src.resolve(f.name())), f.size());
        }
        try (BridgeHost other = BridgeProcesses.start()) {
            List<org.criuatlas.host.migrate.MigrationEvent.Bytes> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
            var moved = org.criuatlas.host.migrate.ImageStream.copy(host, src, other, OUT.resolve("stream-dst"), 4321,
                    new java.util.concurrent.atomic.AtomicBoolean(), progress::add);
            assertEquals(listed.stream().mapToLong(org.criuatlas.host.ImageFile::size).sum(), moved.bytes());
            assertEquals(moved.bytes(), progress.get(progress.size() - 1).done());
            for (var f : listed) assertEquals(-1, Files.mismatch(src.resolve(f.name()), moved.folder().resolve(f.name())), f.name());
            assertFalse(Files.exists(moved.folder().resolve(org.criuatlas.bridge.criu.CriuSession.INCOMPLETE_MARKER)), "marked complete");
            assertEquals("700", run("stat", "-c", "%a", moved.folder().toString()));
            assertEquals("600", run("stat", "-c", "%a", moved.folder().resolve("file-2.img").toString()));

            // the target writes only into a folder it made for this, checks names and sizes, and catches a wrong file
            IOException foreign = assertThrows(IOException.class, () -> other.writeImages(src, "x.img", 0, new byte[] {1}));
            assertEquals(Code.NOT_PERMITTED, ((BridgeException) foreign.getCause()).code());
            assertFalse(Files.exists(src.resolve("x.img")));
            Path fresh = other.receiveImages(OUT.resolve("stream-dst"), 4321, java.time.LocalDateTime.now());
            for (String bad : new String[] {"../escape.img", "a/b.img", ".", ".."}) {
                IOException e = assertThrows(IOException.class, () -> other.writeImages(fresh, bad, 0, new byte[] {1}));
                assertEquals(Code.INVALID_REQUEST, ((BridgeException) e.getCause()).code(), bad);
            }
            assertFalse(Files.exists(OUT.resolve("stream-dst").resolve("escape.img")));
            IOException big = assertThrows(IOException.class, () -> other.writeImages(fresh, "a.img", 0, new byte[(4 << 20) + 1]));
            assertEquals(Code.INVALID_REQUEST, ((BridgeException) big.getCause()).code());
            other.writeImages(fresh, "file-1.img", 0, new byte[100]); // the right size, the wrong bytes
            IOException wrong = assertThrows(IOException.class, () -> other.finishImages(fresh, listed));
            assertTrue(wrong.getMessage().contains("file-1.img: SHA-256"), wrong.getMessage());
            assertTrue(wrong.getMessage().contains("file-2.img is missing"), wrong.getMessage());
            assertTrue(Files.exists(fresh.resolve(org.criuatlas.bridge.criu.CriuSession.INCOMPLETE_MARKER)), "stays marked incomplete");
            IOException len = assertThrows(IOException.class, () -> host.readImages(src, "file-1.img", 0, 0));
            assertEquals(Code.INVALID_REQUEST, ((BridgeException) len.getCause()).code());
            assertThrows(java.nio.file.NoSuchFileException.class, () -> host.readImages(src, "none.img", 0, 10));
            assertEquals(0, host.readImages(src, "file-1.img", 100, 10).length, "nothing past the end");
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    /** Raw frames: what no well-behaved client sends. Each gets its typed error and the bridge answers the next request. */
    @Test
    void rawFramesGetTypedErrors() throws Exception {
        Process p = new ProcessBuilder(BridgeProcesses.command()).redirectError(OUT.resolve("raw-bridge.err").toFile()).start();
        try (FrameChannel ch = new FrameChannel(p.getInputStream(), p.getOutputStream())) {
            ch.write(Request.newBuilder().setId(1).setScan(BridgeProto.ScanRequest.getDefaultInstance()).build());
            assertEquals(Code.NO_HELLO, ch.read(Reply.parser()).getError().getCode());
            ch.write(Request.newBuilder().setId(2).setHello(BridgeProto.HelloRequest.newBuilder().setProtocol(7)).build());
            assertEquals(Code.UNSUPPORTED_PROTOCOL, ch.read(Reply.parser()).getError().getCode());
            ch.write(Request.newBuilder().setId(3).setHello(BridgeProto.HelloRequest.newBuilder().setProtocol(1)).build());
            assertTrue(ch.read(Reply.parser()).hasHello());
            // a verb from the future: field 99
            Request future = Request.newBuilder().setId(4).setUnknownFields(UnknownFieldSet.newBuilder()
                    .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build()).build()).build();
            ch.write(future);
            Reply unknown = ch.read(Reply.parser());
            assertEquals(4, unknown.getId());
            assertEquals(Code.UNKNOWN_VERB, unknown.getError().getCode());
            ch.write(Request.newBuilder().setId(5).build());
            assertEquals(Code.INVALID_REQUEST, ch.read(Reply.parser()).getError().getCode());
            ch.write(Request.newBuilder().setId(6).setDump(BridgeProto.DumpRequest.newBuilder()
                    .setRequestJson(ByteString.copyFromUtf8("{\"options\": 12}"))).build());
            assertEquals(Code.INVALID_REQUEST, ch.read(Reply.parser()).getError().getCode());
            ch.write(Request.newBuilder().setId(7).setOpenImages(BridgeProto.OpenImagesRequest.newBuilder().setPath("a\0b")).build());
            assertEquals(Code.INVALID_REQUEST, ch.read(Reply.parser()).getError().getCode());
            ch.write(Request.newBuilder().setId(20).setReadImages(BridgeProto.ReadImagesRequest.newBuilder().setPath("/tmp")
                    .setName("../etc/shadow").setLength(10)).build());
            assertEquals(Code.INVALID_REQUEST, ch.read(Reply.parser()).getError().getCode());
            ch.write(Request.newBuilder().setId(21).setFinishImages(BridgeProto.FinishImagesRequest.newBuilder().setFolder("/tmp")
                    .setFilesJson(ByteString.copyFromUtf8("[{\"name\":\"a\",\"size\":1,\"sha256\":\"nothex\"}]"))).build());
            assertEquals(Code.INVALID_REQUEST, ch.read(Reply.parser()).getError().getCode());
            ch.write(Request.newBuilder().setId(8).setCalibrate(BridgeProto.CalibrateRequest.newBuilder().setParallelism(1000)).build());
            assertEquals(Code.INVALID_REQUEST, ch.read(Reply.parser()).getError().getCode());
            // a frame whose bytes are no Request (a wrong wire type for field 1)
            writeRaw(p, new byte[] {0, 0, 0, 3, 0x0a, (byte) 0xff, (byte) 0xff});
            Reply mal = ch.read(Reply.parser());
            assertEquals(0, mal.getId());
            assertEquals(Code.MALFORMED_FRAME, mal.getError().getCode());
            ch.write(Request.newBuilder().setId(9).setPlanInputs(BridgeProto.PlanInputsRequest.newBuilder().addPids(1)).build());
            assertEquals("S", ch.read(Reply.parser()).getPlanInputs().getStatesMap().get(1));
            // a length beyond 16 MiB: framing is lost, the bridge says so and ends the connection
            writeRaw(p, new byte[] {0x7f, 0, 0, 0});
            assertEquals(Code.FRAME_TOO_LARGE, ch.read(Reply.parser()).getError().getCode());
            assertNull(ch.read(Reply.parser()));
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the bridge ends with its connection");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A whole graph comes in the binary form only to a client that asks (ScanRequest.binary); a client
     * that does not (one older than the field) still gets JSON, and both describe the same processes.
     */
    @Test
    void aWholeGraphIsBinaryOnlyWhenAsked() throws Exception {
        Process p = new ProcessBuilder(BridgeProcesses.command()).redirectError(OUT.resolve("binary-bridge.err").toFile()).start();
        try (FrameChannel ch = new FrameChannel(p.getInputStream(), p.getOutputStream())) {
            ch.write(Request.newBuilder().setId(1).setHello(BridgeProto.HelloRequest.newBuilder().setProtocol(1)).build());
            assertTrue(ch.read(Reply.parser()).hasHello());
            ch.write(Request.newBuilder().setId(2).setScan(BridgeProto.ScanRequest.getDefaultInstance()).build());
            BridgeProto.GraphReply json = ch.read(Reply.parser()).getGraph();
            assertTrue(json.getFullBinary().isEmpty(), "not asked: no binary");
            IpcGraph fromJson = org.criuatlas.bridge.server.BridgeJson.read(json.getFullJson().toByteArray(),
                    org.criuatlas.bridge.server.GraphWire.class).graph();
            ch.write(Request.newBuilder().setId(3).setScan(BridgeProto.ScanRequest.newBuilder().setBinary(true)).build());
            BridgeProto.GraphReply bin = ch.read(Reply.parser()).getGraph();
            assertTrue(bin.getFullJson().isEmpty(), "asked: no JSON beside the binary");
            assertEquals(json.getGeneration() + 1, bin.getGeneration());
            IpcGraph fromBinary = org.criuatlas.bridge.server.GraphBinary.read(bin.getFullBinary()).graph();
            int bridge = (int) p.pid(), self = (int) ProcessHandle.current().pid();
            for (IpcGraph g : List.of(fromJson, fromBinary)) {
                assertEquals(bridge, g.process(bridge).pid(), "the bridge sees itself");
                assertEquals(ProcessHandle.current().info().command().map(c -> Path.of(c).getFileName().toString()).orElse("java"),
                        Path.of(g.process(self).cmdline().get(0)).getFileName().toString(), "and this test's JVM with its command line");
            }
            assertEquals(fromJson.process(self).fds().stream().filter(f -> f.fd() <= 2).toList(),
                    fromBinary.process(self).fds().stream().filter(f -> f.fd() <= 2).toList(), "the same standard fds both ways");
            // how much smaller depends on the machine (long unique command lines and paths gain least): smaller, anyway
            assertTrue(bin.getFullBinary().size() < json.getFullJson().size(),
                    "the binary form is the smaller: " + bin.getFullBinary().size() + " vs " + json.getFullJson().size() + " bytes");
        } finally {
            p.getOutputStream().close();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the bridge ends with its connection");
        }
    }

    private static void writeRaw(Process p, byte[] b) throws IOException {
        p.getOutputStream().write(b);
        p.getOutputStream().flush();
    }

    @Test
    void aBridgeThatIsNotThereIsAFailedHostWithAReason() {
        BridgeException e = assertThrows(BridgeException.class, () -> BridgeLauncher.spawn(List.of("sh", "-c", "echo 'sh: 1: criu-atlas: not found' >&2; exit 127"),
                "nowhere", "test"));
        assertTrue(e.hostFailed());
        assertTrue(e.getMessage().contains("criu-atlas is not installed on nowhere"), e.getMessage());
        BridgeException old = assertThrows(BridgeException.class, () -> BridgeLauncher.spawn(List.of("sh", "-c",
                "echo \"Unmatched argument at index 0: 'bridge'\" >&2; exit 2"), "old-host", "test"));
        assertTrue(old.getMessage().contains("older than"), old.getMessage());
        BridgeException chatty = assertThrows(BridgeException.class, () -> BridgeLauncher.spawn(List.of("sh", "-c",
                "echo 'Welcome to the machine! Have a nice day.'; sleep 1"), "chatty", "test"));
        assertTrue(chatty.getMessage().contains("not the bridge protocol"), chatty.getMessage());
    }
}
