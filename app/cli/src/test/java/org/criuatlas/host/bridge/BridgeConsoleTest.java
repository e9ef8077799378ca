package org.criuatlas.host.bridge;

import org.awaitility.Awaitility;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;
import org.criuatlas.bridge.server.proto.BridgeProto.Reply;
import org.criuatlas.bridge.server.proto.BridgeProto.Request;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A console kept by a real {@code criu-atlas bridge} process, streamed to this side: the seed scenario (a worker
 * echoing on one end of a socketpair whose other end was outside its tree) dumped and restored through the bridge
 * with real CRIU, then text sent here is echoed by the restored worker and read here. {@code ss} says the restored
 * socket's peer is held by the bridge (not this JVM); the worker sees the end close when the bridge's connection ends.
 */
@Tag("criu")
class BridgeConsoleTest {
    @Test
    void aConsoleKeptByTheBridgeIsStreamedHereBothWays() throws Exception {
        TestProcs.criuAsSubreaper();
        Path work = Files.createDirectories(Path.of("target", "bridge-console").toAbsolutePath());
        Path images = work.resolve("images-" + System.nanoTime());
        List<Integer> restored = new ArrayList<>();
        int[] sp = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        BridgeHost host = BridgeProcesses.start();
        try {
            TestProcs.Proc worker = TestProcs.python(TestProcs.ECHO_FD3_UNTIL_EOF, List.of(), Map.of(3, sp[1]), null);
            long inside = TestProcs.inode(sp[1]);
            LibC.close(sp[1]);
            sp[1] = -1;
            assertEquals("ping", TestProcs.roundTrip(sp[0], "ping", Duration.ofSeconds(10)), "the worker echoes before the dump");

            DumpOutcome out = host.dump(new DumpRequest(CriuOptions.defaults().withPid(worker.pid).plusExternal("unix[" + inside + "]"),
                    images, false, List.of(worker.pid)), null).result().get(120, TimeUnit.SECONDS);
            assertInstanceOf(DumpOutcome.Dumped.class, out, out.toString());
            assertTrue(TestProcs.waitGone(worker.pid, Duration.ofSeconds(10)), "the dump ended the worker");
            LibC.close(sp[0]);
            sp[0] = -1;

            OpenedImages opened = host.openImages(images);
            RestoreWiringPlan plan = RestoreWiringPlan.of(opened.dump());
            assertEquals(1, plan.inheritRows().size(), plan.rows().toString());
            assertEquals(Destination.Kind.CONSOLE, plan.inheritRows().get(0).destination().kind(), "the seed's default: a console");

            RestoreResult r = host.restore(RestoreRequest.now(plan), null).result().get(120, TimeUnit.SECONDS);
            RestoreResult.Restored ok = assertInstanceOf(RestoreResult.Restored.class, r, r.toString());
            restored.addAll(ok.pids());
            assertEquals(worker.pid, ok.rootPid());
            List<KeptEnd> consoles = ok.wiring().consoles();
            assertEquals(1, consoles.size(), ok.wiring().ends().toString());
            KeptEnd console = consoles.get(0);
            assertEquals("socket:[" + inside + "]", console.key());
            assertTrue(console.canSend() && console.canReceive());
            assertTrue(console.describe().contains("streamed here"), console.describe());

            // independent: the restored worker's socket has its peer in the bridge process, not here (ss, sock_diag)
            long bridgePid = host.link().process().pid();
            long peer = TestProcs.unixPeerInode(worker.pid, 3);
            assertTrue(TestProcs.socketInodes(bridgePid).contains(peer), "the peer socket:[" + peer + "] is held by the bridge " + bridgePid);
            assertFalse(TestProcs.socketInodes(ProcessHandle.current().pid()).contains(peer), "and not by this JVM");

            List<String> received = new CopyOnWriteArrayList<>();
            CompletableFuture<String> ended = new CompletableFuture<>();
            String before = console.listen(new KeptEnd.Listener() {
                @Override public void received(String text) { received.add(text); }
                @Override public void ended(String why) { ended.complete(why); }
            });
            assertEquals("", before, "nothing came before anything was sent");
            console.send("hello through the bridge\n");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> String.join("", received).equals("hello through the bridge\n"));
            assertEquals("hello through the bridge\n", console.transcript());
            assertEquals(25, console.bytesSent());
            assertEquals(25, console.bytesReceived());
            console.send("é and ü");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> console.bytesReceived() == 25 + 9);
            assertEquals("hello through the bridge\né and ü", console.transcript(), "UTF-8 both ways");

            // a second follower of the same end gets the text so far first, then detaches (the end stays open)
            List<Reply> second = new CopyOnWriteArrayList<>();
            BridgeLink.Sent s = host.link().start(Request.newBuilder().setConsole(BridgeProto.ConsoleRequest.newBuilder()
                    .setRootPid(ok.rootPid()).setKey(console.key())), second::add);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !second.isEmpty());
            assertEquals("hello through the bridge\né and ü", second.get(0).getConsole().getData().toStringUtf8());
            host.link().cancel(s.id());
            Reply last = s.reply().get(10, TimeUnit.SECONDS);
            assertEquals("console-ended", last.getJson().getType());
            assertTrue(last.getJson().getJson().toStringUtf8().contains("detached"), last.toString());
            console.send("still open");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> console.transcript().endsWith("still open"));

            // what the bridge refuses, typed
            assertEquals(Code.NOT_FOUND, refusal(host, Request.newBuilder().setConsoleSend(BridgeProto.ConsoleSendRequest.newBuilder()
                    .setRootPid(ok.rootPid()).setKey("socket:[1]").setData(com.google.protobuf.ByteString.copyFromUtf8("x")))));
            assertEquals(Code.NOT_FOUND, refusal(host, Request.newBuilder().setConsole(BridgeProto.ConsoleRequest.newBuilder()
                    .setRootPid(ok.rootPid() == 1 ? 2 : 1).setKey(console.key()))));
            assertEquals(Code.INVALID_REQUEST, refusal(host, Request.newBuilder().setConsole(BridgeProto.ConsoleRequest.newBuilder()
                    .setRootPid(ok.rootPid()).setKey("/etc/passwd"))));

            // the bridge's connection ends: it closes the kept end, the worker reads EOF and exits, and this side is told
            host.close();
            assertTrue(TestProcs.waitGone(worker.pid, Duration.ofSeconds(20)), "the worker saw its peer close");
            assertNotNull(ended.get(20, TimeUnit.SECONDS));
            assertNotNull(console.ended());
            assertThrows(IllegalStateException.class, () -> console.send("gone"));
        } finally {
            host.close();
            for (int fd : sp) if (fd >= 0) LibC.close(fd);
            TestProcs.killAndReap(restored);
        }
    }

    private static Code refusal(BridgeHost host, Request.Builder r) throws InterruptedException {
        try {
            Reply reply = host.link().send(r, null).get(10, TimeUnit.SECONDS);
            return reply.hasError() ? reply.getError().getCode() : Code.UNSPECIFIED;
        } catch (ExecutionException e) {
            return e.getCause() instanceof BridgeException b ? b.code() : Code.UNSPECIFIED;
        } catch (java.util.concurrent.TimeoutException e) {
            return Code.UNSPECIFIED;
        }
    }
}
