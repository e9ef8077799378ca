package org.criuatlas.host.bridge;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import org.criuatlas.bridge.server.BridgeServer;
import org.criuatlas.bridge.server.BridgeVerbs;
import org.criuatlas.bridge.server.FrameChannel;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;
import org.criuatlas.bridge.server.proto.BridgeProto.Reply;
import org.criuatlas.bridge.server.proto.BridgeProto.Request;
import org.criuatlas.host.LocalHost;
import org.criuatlas.model.IpcGraph;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 10,000 malformed, mutated, out-of-range and truncated frames at a bridge server ({@link BridgeServer}
 * with the real {@link HostVerbs} over this machine) on loopback TCP connections: every frame gets a
 * typed error (or, for a mutation that is still a valid request, its answer), the server keeps
 * serving, and no fd of this process is left behind (/proc/self/fd counted before and after).
 * Dump, restore and calibrate are answered by a stand-in here: a mutation that happens to be a
 * valid one must not run CRIU on this machine.
 */
class BridgeFuzzTest {
    static final int SCALE = Integer.getInteger("fuzz.divide", 1);
    static final int ON_ONE_CONNECTION = 9_000 / SCALE;
    static final int TRUNCATED_CONNECTIONS = 1_000 / SCALE;

    @Test
    void tenThousandBadFramesGetTypedErrorsAndLeakNothing() throws Exception {
        ExecutorService work = Executors.newCachedThreadPool();
        HostVerbs real = new HostVerbs(new LocalHost(work));
        BridgeServer server = new BridgeServer(new NoCriu(real));
        ExecutorService conns = Executors.newCachedThreadPool();
        try (ServerSocket listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listen.isClosed()) {
                    try {
                        Socket s = listen.accept();
                        conns.execute(() -> {
                            try (s) {
                                server.serve(s.getInputStream(), s.getOutputStream(), "fuzz " + s.getPort());
                            } catch (IOException ignored) {
                                // closed
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "fuzz-accept");
            acceptor.start();
            // warm up with a small round, so that everything made once per process (thread pools, the scanner,
            // JNA's stub file, the random source) exists before fds are counted
            good(listen.getLocalPort());
            round(listen.getLocalPort(), new Random(1), 60, 8);
            long fdsBefore = fds();
            String fdsBeforeList = fdList();

            long t0 = System.nanoTime();
            Round r = round(listen.getLocalPort(), new Random(12), ON_ONE_CONNECTION, TRUNCATED_CONNECTIONS);
            double secs = (System.nanoTime() - t0) / 1e9;
            assertEquals(ON_ONE_CONNECTION, r.answers, "one answer per frame");
            Map<Code, AtomicInteger> codes = r.codes;
            assertTrue(count(codes, Code.MALFORMED_FRAME) > ON_ONE_CONNECTION / 9, "most random bodies are no request: " + codes);
            assertTrue(count(codes, Code.INVALID_REQUEST) > ON_ONE_CONNECTION / 9, codes.toString());
            assertTrue(count(codes, Code.UNKNOWN_VERB) > ON_ONE_CONNECTION / 90, codes.toString());
            assertEquals(Set.of(Code.TRUNCATED_FRAME, Code.FRAME_TOO_LARGE), r.cut.keySet(), r.cut.toString());

            good(listen.getLocalPort());
            long[] after = new long[1];
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> (after[0] = fds()) <= fdsBefore);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                fail("fds: " + fdsBefore + " before, " + fds() + " after.\nBefore: " + fdsBeforeList + "\nAfter: " + fdList());
            }
            System.err.printf("BridgeFuzzTest: %d frames on one connection (%s; %d valid answers), %d truncated/oversized connections (%s)"
                            + " in %.1f s; fds %d before, %d after; server read %d frames, sent %d errors%n",
                    ON_ONE_CONNECTION, codes, r.valid, TRUNCATED_CONNECTIONS, r.cut, secs, fdsBefore, after[0],
                    server.framesRead(), server.errorsSent());
        } finally {
            server.close();
            real.close();
            conns.shutdownNow();
            work.shutdownNow();
        }
    }

    static int count(Map<Code, AtomicInteger> m, Code c) {
        AtomicInteger n = m.get(c);
        return n == null ? 0 : n.get();
    }

    static final class Round {
        final Map<Code, AtomicInteger> codes = new ConcurrentHashMap<>();
        final Map<Code, AtomicInteger> cut = new EnumMap<>(Code.class);
        volatile int answers, valid;
    }

    /** {@code onOne} bad frames on one connection (after hello), then {@code truncs} connections each ending inside a frame. */
    static Round round(int port, Random rnd, int onOne, int truncs) throws Exception {
        Round out = new Round();
        AtomicInteger answers = new AtomicInteger(), valid = new AtomicInteger();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
             FrameChannel ch = new FrameChannel(s.getInputStream(), s.getOutputStream())) {
            ch.write(hello(1));
            assertTrue(ch.read(Reply.parser()).hasHello());
            Thread reader = new Thread(() -> {
                try {
                    Reply r;
                    while ((r = ch.read(Reply.parser())) != null) {
                        if (r.hasError()) {
                            assertNotEquals(Code.UNSPECIFIED, r.getError().getCode());
                            out.codes.computeIfAbsent(r.getError().getCode(), k -> new AtomicInteger()).incrementAndGet();
                        } else {
                            valid.incrementAndGet();
                        }
                        answers.incrementAndGet();
                    }
                } catch (IOException e) {
                    // the socket closed at the end
                }
            }, "fuzz-reader");
            reader.start();
            OutputStream raw = s.getOutputStream();
            for (int i = 0; i < onOne; i++) {
                byte[] body = badBody(rnd, i);
                raw.write(new byte[] {(byte) (body.length >>> 24), (byte) (body.length >>> 16), (byte) (body.length >>> 8), (byte) body.length});
                raw.write(body);
            }
            raw.flush();
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> answers.get() >= onOne);
            s.shutdownOutput();
            reader.join(10_000);
        }
        out.answers = answers.get();
        out.valid = valid.get();
        for (int i = 0; i < truncs; i++) {
            Code c = truncated(port, rnd, i);
            out.cut.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
        }
        return out;
    }

    /** A frame body that is not a well-formed request, or a well-formed one with bad values. */
    static byte[] badBody(Random rnd, int i) {
        switch (i % 6) {
            case 0: { // random bytes
                byte[] b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
                return b;
            }
            case 1: { // a valid request with bytes flipped
                byte[] b = goodRequest(rnd, i).toByteArray();
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                return b;
            }
            case 2: { // a valid request cut short inside its frame
                byte[] b = goodRequest(rnd, i).toByteArray();
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 3: { // a verb this bridge does not know
                return Request.newBuilder().setId(i + 1).setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(40 + rnd.nextInt(1000), UnknownFieldSet.Field.newBuilder().addVarint(rnd.nextLong()).build()).build())
                        .build().toByteArray();
            }
            case 4: { // out-of-range values
                Request.Builder r = Request.newBuilder().setId(i + 1);
                switch (rnd.nextInt(16)) {
                    case 14 -> r.setConsole(BridgeProto.ConsoleRequest.newBuilder().setRootPid(rnd.nextBoolean() ? 0 : 1)
                            .setKey(rnd.nextBoolean() ? "socket:[x]" : "pipe:[1]\0"));
                    case 15 -> r.setConsoleSend(BridgeProto.ConsoleSendRequest.newBuilder().setRootPid(-rnd.nextInt(1 << 30)).setKey("socket:[1]")
                            .setData(ByteString.copyFromUtf8("x")));
                    case 13 -> r.setMappedFiles(BridgeProto.MappedFilesRequest.newBuilder().addPids(1)
                            .addPids(rnd.nextBoolean() ? -rnd.nextInt(1 << 30) : (1 << 22) + 1 + rnd.nextInt(1 << 20)));
                    case 7 -> r.setReadImages(BridgeProto.ReadImagesRequest.newBuilder().setPath("/tmp").setName(rnd.nextBoolean() ? "../etc" : "a/b")
                            .setLength(1));
                    case 8 -> r.setReadImages(BridgeProto.ReadImagesRequest.newBuilder().setPath("/tmp").setName("x")
                            .setLength(rnd.nextBoolean() ? 0 : (4 << 20) + 1 + rnd.nextInt(1000)));
                    case 9 -> r.setWriteImages(BridgeProto.WriteImagesRequest.newBuilder().setFolder("/tmp").setName("x")
                            .setOffset(rnd.nextBoolean() ? -1L : (1L << 40) + 1).setData(ByteString.copyFrom(randomBytes(rnd, 8))));
                    case 10 -> r.setStatPaths(BridgeProto.StatPathsRequest.newBuilder().addPaths("relative").addPaths("/ok"));
                    case 11 -> r.setFinishImages(BridgeProto.FinishImagesRequest.newBuilder().setFolder("/tmp/x")
                            .setFilesJson(ByteString.copyFrom(randomBytes(rnd, 40))));
                    case 12 -> r.setReceiveImages(BridgeProto.ReceiveImagesRequest.newBuilder().setRootPid(rnd.nextBoolean() ? 0 : -5));
                    case 0 -> r.setPlanInputs(BridgeProto.PlanInputsRequest.newBuilder().addPids(rnd.nextBoolean() ? -rnd.nextInt(1 << 30) : (1 << 22) + 1 + rnd.nextInt(1 << 20)));
                    case 1 -> r.setOpenImages(BridgeProto.OpenImagesRequest.newBuilder().setPath(rnd.nextBoolean() ? "relative/path" : "/x/../etc/shadow"));
                    case 2 -> r.setReadLog(BridgeProto.ReadLogRequest.newBuilder().setPath("/proc/self/status").setMaxBytes(rnd.nextBoolean() ? 0 : -1L));
                    case 3 -> r.setFolder(BridgeProto.FolderRequest.newBuilder().setPath("/tmp/a\0b"));
                    case 4 -> r.setDump(BridgeProto.DumpRequest.newBuilder().setRequestJson(ByteString.copyFromUtf8(
                            "{\"options\":{\"pid\":" + rnd.nextInt() + "},\"folder\":\"x\"}")));
                    case 5 -> r.setRestore(BridgeProto.RestoreRequest.newBuilder().setRequestJson(ByteString.copyFrom(randomBytes(rnd, 64))));
                    default -> r.setScan(BridgeProto.ScanRequest.newBuilder().addRoots(0));
                }
                return r.build().toByteArray();
            }
            default: { // no verb, or id 0
                return Request.newBuilder().setId(rnd.nextBoolean() ? 0 : i + 1).build().toByteArray();
            }
        }
    }

    static Request goodRequest(Random rnd, int i) {
        Request.Builder r = Request.newBuilder().setId(i + 1);
        switch (rnd.nextInt(11)) {
            case 9 -> r.setConsole(BridgeProto.ConsoleRequest.newBuilder().setRootPid(1).setKey("socket:[" + rnd.nextInt(1 << 30) + "]"));
            case 10 -> r.setConsoleSend(BridgeProto.ConsoleSendRequest.newBuilder().setRootPid(1).setKey("pipe:[1]")
                    .setData(ByteString.copyFromUtf8("text")));
            case 8 -> r.setMappedFiles(BridgeProto.MappedFilesRequest.newBuilder().addPids(1).addPids((int) ProcessHandle.current().pid()));
            case 4 -> r.setStatPaths(BridgeProto.StatPathsRequest.newBuilder().addPaths("/nonexistent/a").addPaths("/nonexistent/b"));
            case 5 -> r.setListImages(BridgeProto.ListImagesRequest.newBuilder().setPath("/nonexistent/images"));
            case 6 -> r.setReadImages(BridgeProto.ReadImagesRequest.newBuilder().setPath("/nonexistent/images").setName("inventory.img")
                    .setLength(4096));
            case 7 -> r.setWriteImages(BridgeProto.WriteImagesRequest.newBuilder().setFolder("/nonexistent/images").setName("pages-1.img")
                    .setData(ByteString.copyFromUtf8("data")));
            case 0 -> r.setPlanInputs(BridgeProto.PlanInputsRequest.newBuilder().addPids(1).addPids(2));
            case 1 -> r.setReadLog(BridgeProto.ReadLogRequest.newBuilder().setPath("/nonexistent/criu.log").setMaxBytes(4096));
            case 2 -> r.setOpenImages(BridgeProto.OpenImagesRequest.newBuilder().setPath("/nonexistent/images"));
            default -> r.setFolder(BridgeProto.FolderRequest.newBuilder().setPath("/nonexistent/folder"));
        }
        return r.build();
    }

    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** One connection: hello, then a frame the stream ends inside (or one claiming more than 16 MiB). */
    static Code truncated(int port, Random rnd, int i) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); FrameChannel ch = new FrameChannel(s.getInputStream(), s.getOutputStream())) {
            ch.write(hello(1));
            assertTrue(ch.read(Reply.parser()).hasHello());
            OutputStream raw = s.getOutputStream();
            switch (i % 4) {
                case 0 -> raw.write(new byte[] {0, 0}); // inside the length prefix
                case 1 -> raw.write(new byte[] {0, 0, 1, 0, 8, 1, 1}); // 256 bytes announced, 3 sent
                case 2 -> raw.write(new byte[] {(byte) 0x80, 0, 0, 0}); // 2 GiB announced
                default -> {
                    byte[] b = goodRequest(rnd, i).toByteArray();
                    raw.write(new byte[] {0, 0, 0, (byte) (b.length + 1)});
                    raw.write(b); // one byte short
                }
            }
            raw.flush();
            s.shutdownOutput();
            Reply r = ch.read(Reply.parser());
            assertNotNull(r, "an answer before the end");
            assertEquals(0, r.getId());
            assertNull(ch.read(Reply.parser()), "then the connection ends");
            return r.getError().getCode();
        }
    }

    static Request hello(long id) {
        return Request.newBuilder().setId(id).setHello(BridgeProto.HelloRequest.newBuilder().setProtocol(1)).build();
    }

    /** A well-behaved client still gets served. */
    static void good(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); FrameChannel ch = new FrameChannel(s.getInputStream(), s.getOutputStream())) {
            ch.write(hello(1));
            assertTrue(ch.read(Reply.parser()).hasHello());
            ch.write(Request.newBuilder().setId(2).setPlanInputs(BridgeProto.PlanInputsRequest.newBuilder().addPids(1)).build());
            assertTrue(ch.read(Reply.parser()).getPlanInputs().getStatesMap().containsKey(1));
        }
    }

    static String fdList() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    b.append(p.getFileName()).append("->").append(Files.readSymbolicLink(p)).append(' ');
                } catch (IOException e) {
                    b.append(p.getFileName()).append("->? ");
                }
            });
        }
        return b.toString();
    }

    static long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** The real verbs, except those that would run CRIU: refused. */
    record NoCriu(HostVerbs real) implements BridgeVerbs {
        @Override public BridgeProto.HelloReply.Builder hello() { return real.hello(); }
        @Override public IpcGraph scan(Set<Integer> roots) throws Refused { return real.scan(roots); }
        @Override public Map<Integer, Character> states(Collection<Integer> pids) { return real.states(pids); }
        @Override public BridgeProto.JsonReply openImages(Path path) throws Refused { return real.openImages(path); }
        @Override public BridgeProto.JsonReply previewRestore(Path path) throws Refused { return real.previewRestore(path); }
        @Override public BridgeProto.JsonReply restoreTrust(Path path) throws Refused { return real.restoreTrust(path); }
        @Override public BridgeProto.JsonReply folder(BridgeProto.FolderRequest request) throws Refused { return real.folder(request); }
        @Override public String readLog(Path path, long maxBytes) throws Refused { return real.readLog(path, maxBytes); }
        @Override public BridgeProto.JsonReply statPaths(java.util.List<Path> paths) throws Refused { return real.statPaths(paths); }
        @Override public BridgeProto.JsonReply listImages(Path folder) throws Refused { return real.listImages(folder); }
        @Override public BridgeProto.JsonReply mappedFiles(java.util.List<Integer> pids) throws Refused { return real.mappedFiles(pids); }
        @Override public byte[] readImages(Path f, String n, long o, int l) throws Refused { return real.readImages(f, n, o, l); }
        @Override public void writeImages(Path f, String n, long o, byte[] d) throws Refused { real.writeImages(f, n, o, d); }
        @Override public BridgeProto.JsonReply finishImages(Path f, byte[] json) throws Refused { return real.finishImages(f, json); }
        // no tree was restored here: both answer NOT_FOUND after the server's checks
        @Override public Running console(int root, String key, Consumer<BridgeProto.ConsoleData> d) throws Refused { return real.console(root, key, d); }
        @Override public BridgeProto.ConsoleData consoleSend(int root, String key, byte[] d) throws Refused { return real.consoleSend(root, key, d); }

        @Override
        public BridgeProto.JsonReply receiveImages(Path parent, int rootPid, String at) throws Refused {
            // a mutation that is a valid request makes its folder under target/, never in root's home
            Path under = Path.of("target", "bridge-fuzz").toAbsolutePath();
            if (parent == null || !parent.startsWith(under)) throw new Refused(Code.INVALID_REQUEST, "the fuzz test receives under target/ only");
            return real.receiveImages(parent, rootPid, at);
        }

        @Override
        public Running dump(byte[] json, Consumer<BridgeProto.JsonReply> events) throws Refused {
            throw new Refused(Code.INVALID_REQUEST, "no dump in the fuzz test");
        }

        @Override
        public Running restore(byte[] json, Consumer<BridgeProto.JsonReply> events) throws Refused {
            throw new Refused(Code.INVALID_REQUEST, "no restore in the fuzz test");
        }

        @Override
        public Running container(byte[] json, Consumer<BridgeProto.JsonReply> events) throws Refused {
            throw new Refused(Code.INVALID_REQUEST, "no podman in the fuzz test");
        }

        @Override
        public Running calibrate(BridgeProto.CalibrateRequest r, Consumer<BridgeProto.JsonReply> events) throws Refused {
            throw new Refused(Code.INVALID_REQUEST, "no calibration in the fuzz test");
        }
    }
}
