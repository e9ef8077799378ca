package org.criuatlas.restore;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.criuatlas.bridge.criu.FdEvents;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.plan.restore.WiringFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The wiring without CRIU: this test plays criu, holding a copy of each criu end, and checks what
 * the kept ends do with real sockets, pipes and processes; and that nothing leaks.
 */
class PreparedWiringTest {
    @TempDir
    Path tmp;

    /** Builds the wiring for one row, bypassing the plan-level block about the other (removed) rows. */
    private PreparedWiring prepareOnly(String key, Destination d) {
        RestoreWiringPlan full = WiringFixtures.plan().withWorkDir(tmp);
        for (int i = 0; i < full.rows().size(); i++) {
            String k = full.rows().get(i).key();
            full = full.withDestination(i, k.equals(key) ? d
                    : k.equals("socket:[" + WiringFixtures.DGRAM + "]") ? Destination.reconnect() : Destination.console()).plan();
        }
        RestoreWiringPlan ready = full;
        assertFalse(ready.blocked(), () -> ready.blockingReasons().toString());
        return PreparedWiring.prepare(ready);
    }

    /**
     * Sockets and pipes open in this JVM: what the wiring creates. Other fds (jar files opened by
     * class loading) come and go on their own and would make the count flaky.
     */
    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    return t.startsWith("socket:") || t.startsWith("pipe:");
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }

    /** Peers (echo threads) close their ends asynchronously: wait up to 3 s for the count to settle. */
    private static void assertFdsBackTo(long before, String why) throws IOException {
        try {
            Awaitility.await(why).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> openFds() == before);
        } catch (ConditionTimeoutException e) {
            assertEquals(before, openFds(), why);
        }
    }

    private static int criuSide(PreparedWiring w, String key, RestoreWiringPlan p) {
        return LibC.dup(w.handIn().get(p.rows().get(p.indexOf(key)).criuFd()));
    }

    private static String recvAll(int fd, int n) {
        StringBuilder b = new StringBuilder();
        Instant end = Instant.now().plusSeconds(5);
        while (b.length() < n && Instant.now().isBefore(end)) {
            if (!FdEvents.pollIn(fd, 100)) continue;
            byte[] buf = new byte[4096];
            int r = LibC.read(fd, buf);
            if (r <= 0) break;
            b.append(new String(buf, 0, r));
        }
        return b.toString();
    }

    private static void waitFor(BooleanSupplier c, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(c::getAsBoolean);
    }

    @Test
    void consoleOnAStreamPairTalksBothWaysAndCounts() throws Exception {
        long before = openFds();
        String key = "socket:[" + WiringFixtures.STREAM + "]";
        RestoreWiringPlan p = WiringFixtures.plan().withWorkDir(tmp);
        int criu;
        try (PreparedWiring w = PreparedWiring.prepare(p)) {
            criu = criuSide(w, key, p);
            int flags = LibC.fcntl(criu, LibC.F_GETFL, 0);
            assertEquals(0, flags & LibC.SOCK_NONBLOCK, "the criu end is blocking (inherited fds keep O_NONBLOCK)");
            assertEquals(3, w.handIn().size(), "stream, seqpacket and pipe are handed in; dgram reconnects");
            for (int fd : w.handIn().values()) assertEquals(LibC.FD_CLOEXEC, LibC.fcntl(fd, LibC.F_GETFD, 0) & LibC.FD_CLOEXEC);
            try (Wiring live = w.start()) {
                for (int fd : w.handIn().values()) assertFalse(LibC.isOpen(fd), "our copies of criu's ends are closed after start");
                ConsoleEnd c = live.console(key);
                c.send("hi there");
                assertEquals("hi there", recvAll(criu, 8));
                UnixSockets.send(criu, "yo".getBytes(), 0);
                waitFor(() -> c.transcript().equals("yo"), "console receives");
                assertEquals(2, c.bytesReceived());
                assertEquals(8, c.bytesSent());
                String seqKey = "socket:[" + WiringFixtures.SEQ + "]";
                LibC.close(criu);
                waitFor(() -> c.ended() != null, "EOF seen when the other side closes");
                assertEquals("the restored process closed its end", c.ended());
                assertNotNull(live.console(seqKey));
                assertFalse(live.console("pipe:[" + WiringFixtures.PIPE_IN + "]").canReceive(), "criu has the read end");
            }
        }
        assertFdsBackTo(before, "no fd leaked");
    }

    @Test
    void seqpacketConsoleSendsOnePacketPerLine() throws Exception {
        String key = "socket:[" + WiringFixtures.SEQ + "]";
        RestoreWiringPlan p = WiringFixtures.plan().withWorkDir(tmp);
        try (PreparedWiring w = PreparedWiring.prepare(p)) {
            int criu = criuSide(w, key, p);
            try (Wiring live = w.start()) {
                ConsoleEnd c = live.console(key);
                c.send("one");
                c.send("two");
                assertArrayEquals("one".getBytes(), UnixSockets.recvPacket(criu));
                assertArrayEquals("two".getBytes(), UnixSockets.recvPacket(criu));
            } finally {
                LibC.close(criu);
            }
        }
    }

    @Test
    void commandGetsTheEndAsStdinAndStdout() throws Exception {
        long before = openFds();
        String key = "socket:[" + WiringFixtures.STREAM + "]";
        PreparedWiring w = prepareOnly(key, Destination.command("cat"));
        RestoreWiringPlan p = WiringFixtures.plan();
        int criu = criuSide(w, key, p);
        try (w; Wiring live = w.start()) {
            CommandEnd cmd = (CommandEnd) live.ends().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
            assertTrue(cmd.pid() > 0);
            UnixSockets.send(criu, "through cat".getBytes(), 0);
            assertEquals("through cat", recvAll(criu, 11));
            LibC.close(criu);
            criu = -1;
            waitFor(() -> cmd.exit() != null, "cat ends at EOF");
            assertEquals("exit 0", cmd.exit());
        } finally {
            LibC.close(criu);
        }
        assertFdsBackTo(before, "no fd leaked");
    }

    @Test
    void pipeHandedToACommandThatWrites() throws Exception {
        String key = "pipe:[" + WiringFixtures.PIPE_IN + "]";
        PreparedWiring w = prepareOnly(key, Destination.command("printf 'from the writer'"));
        int criu = criuSide(w, key, WiringFixtures.plan());
        try (w; Wiring live = w.start()) {
            assertEquals("from the writer", recvAll(criu, 15), "criu's read end gets the command's stdout");
        } finally {
            LibC.close(criu);
        }
    }

    @Test
    void relayToAUnixPathCopiesBothWays() throws Exception {
        long before;
        // The JDK keeps one socket of its own once a channel has been closed (its pre-close marker):
        // make it exist before counting, so the count compares only what the relay opens.
        SocketChannel.open(StandardProtocolFamily.UNIX).close();
        Path sock = tmp.resolve("echo.sock");
        String key = "socket:[" + WiringFixtures.STREAM + "]";
        try (ServerSocketChannel srv = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            srv.bind(UnixDomainSocketAddress.of(sock));
            Thread echo = new Thread(() -> {
                try (SocketChannel ch = srv.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    while (ch.read(b) > 0) {
                        b.flip();
                        ch.write(b);
                        b.clear();
                    }
                } catch (IOException ignored) {
                    // closed
                }
            });
            echo.setDaemon(true);
            echo.start();
            before = openFds();
            PreparedWiring w = prepareOnly(key, Destination.unixPath(sock.toString()));
            int criu = criuSide(w, key, WiringFixtures.plan());
            try (w; Wiring live = w.start()) {
                RelayEnd relay = (RelayEnd) live.ends().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
                UnixSockets.send(criu, "via the relay".getBytes(), 0);
                assertEquals("via the relay", recvAll(criu, 13));
                // the relay counts after its write returns: the echo can reach us before that
                waitFor(() -> relay.bytesFromPath() == 13, "the relay counted the bytes back");
                assertEquals(13, relay.bytesToPath());
                assertEquals(13, relay.bytesFromPath());
            } finally {
                LibC.close(criu);
            }
            echo.join(5000);
            assertFdsBackTo(before, "no fd leaked"); // while the listener (counted in before) is still open
        }
    }

    @Test
    void aRelayToAMissingPathStopsBeforeCriuAndLeaksNothing() throws Exception {
        long before = openFds();
        String key = "socket:[" + WiringFixtures.STREAM + "]";
        WiringException e = assertThrows(WiringException.class, () -> prepareOnly(key, Destination.unixPath(tmp.resolve("nobody.sock").toString())));
        assertTrue(e.getMessage().contains("nobody.sock") && e.getMessage().contains("connect"), e.getMessage());
        assertEquals(key, e.key());
        assertFdsBackTo(before, "what was built before the failure is closed");
    }

    @Test
    void aBlockedPlanIsNotPrepared() {
        RestoreWiringPlan p = WiringFixtures.plan();
        RestoreWiringPlan none = p.withDestination(p.indexOf("socket:[" + WiringFixtures.STREAM + "]"), Destination.none()).plan();
        assertThrows(IllegalStateException.class, () -> PreparedWiring.prepare(none));
    }
}
