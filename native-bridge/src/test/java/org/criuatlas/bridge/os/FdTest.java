package org.criuatlas.bridge.os;

import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fd wrapper on real descriptors, checked against what the kernel reports: /proc/self/fd links,
 * /proc/self/fdinfo flags, and `ss` for the socket types.
 */
class FdTest {
    @TempDir
    Path tmp;

    @Test
    void socketPairsAreCloseOnExecOfTheTypeAskedForAsSsSeesThem() throws Exception {
        for (SocketType t : List.of(SocketType.STREAM, SocketType.DGRAM, SocketType.SEQPACKET)) {
            try (Fd.Pair p = Fd.socketPair(t)) {
                long ino = inode(p.first());
                assertTrue(link(p.first()).startsWith("socket:["), link(p.first()));
                assertTrue(closeOnExec(p.first()) && closeOnExec(p.second()), "both ends close-on-exec");
                String ss = run("ss", "-xa");
                String expected = switch (t) { case STREAM -> "u_str"; case DGRAM -> "u_dgr"; default -> "u_seq"; };
                assertTrue(ss.lines().anyMatch(l -> l.startsWith(expected) && l.contains(" " + ino + " ")),
                        t + ": ss -xa shows no " + expected + " with inode " + ino);
            }
        }
    }

    @Test
    void packetsKeepTheirBoundariesAndEndOfInputIsNull() {
        try (Fd.Pair p = Fd.socketPair(SocketType.SEQPACKET)) {
            p.first().sendAll("one".getBytes(StandardCharsets.UTF_8));
            p.first().sendAll(new byte[100_000]);
            byte[] buf = new byte[16];
            assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), p.second().receive(buf));
            assertEquals(100_000, p.second().receive(buf).length, "a packet larger than the buffer comes whole");
            p.first().close();
            assertNull(p.second().receive(buf), "end of input");
        }
    }

    @Test
    void aPipeCarriesDataOneWayAndSaysWhenTheWriterIsGone() {
        try (Fd.Pipe p = Fd.pipe()) {
            assertEquals(link(p.readEnd()), link(p.writeEnd()), "both ends of one pipe");
            assertTrue(link(p.readEnd()).startsWith("pipe:["));
            assertFalse(p.readEnd().awaitReadable(Duration.ofMillis(20)), "nothing to read yet");
            p.writeEnd().sendAll("hello".getBytes(StandardCharsets.UTF_8));
            assertTrue(p.readEnd().awaitReadable(Duration.ofSeconds(5)));
            assertEquals("hello", new String(p.readEnd().receive(new byte[64]), StandardCharsets.UTF_8));
            p.writeEnd().close();
            assertNull(p.readEnd().receive(new byte[64]));
        }
    }

    @Test
    void aStreamWriteLargerThanTheSocketBufferArrivesWhole() throws Exception {
        byte[] big = new byte[4 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        try (Fd.Pair p = Fd.socketPair(SocketType.STREAM)) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                ByteBuffer all = ByteBuffer.allocate(big.length);
                byte[] buf = new byte[65536];
                while (all.hasRemaining()) all.put(p.second().receive(buf));
                return all.array();
            });
            p.first().sendAll(big);
            assertArrayEquals(big, got.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void readableTellsWhichOfTwoFdsHasData() {
        try (Fd.Pair a = Fd.socketPair(SocketType.STREAM); Fd.Pair b = Fd.socketPair(SocketType.STREAM)) {
            assertEquals(List.of(), Fd.readable(Duration.ofMillis(10), a.second(), b.second()));
            b.first().sendAll(new byte[] {1});
            assertEquals(List.of(b.second()), Fd.readable(Duration.ofSeconds(5), a.second(), b.second()));
            a.first().close(); // end of input counts as readable: a read will not block
            assertEquals(List.of(a.second(), b.second()), Fd.readable(Duration.ofSeconds(5), a.second(), b.second()));
        }
    }

    @Test
    void connectsToAUnixListenerAndNamesTheFailingCall() throws Exception {
        Path sock = tmp.resolve("l.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (Fd c = Fd.connectUnix(sock.toString(), SocketType.STREAM); SocketChannel accepted = server.accept()) {
                c.sendAll("ping".getBytes(StandardCharsets.UTF_8));
                ByteBuffer b = ByteBuffer.allocate(4);
                while (b.hasRemaining()) accepted.read(b);
                assertEquals("ping", new String(b.array(), StandardCharsets.UTF_8));
                assertEquals(Fd.Kind.STREAM_SOCKET, c.kind());
            }
        }
        SyscallException e = assertThrows(SyscallException.class, () -> Fd.connectUnix(tmp.resolve("none.sock").toString(), SocketType.STREAM));
        assertEquals(2, e.errno(), "ENOENT");
        assertTrue(e.syscall().startsWith("connect(") && e.getMessage().contains("No such file"), e.getMessage());
    }

    @Test
    void closesOnceAndReleaseHandsTheNumberOn() throws Exception {
        Fd.Pair p = Fd.socketPair(SocketType.STREAM);
        int n = p.first().number();
        p.first().close();
        p.first().close();
        assertFalse(Files.exists(Path.of("/proc/self/fd/" + n)) && link(n).equals(link(p.second())), "closed");
        assertThrows(IllegalStateException.class, () -> p.first().number());
        int kept = p.second().release();
        assertFalse(p.second().isOpen());
        assertTrue(Files.exists(Path.of("/proc/self/fd/" + kept)), "released, not closed");
        Fd.adopt(kept, Fd.Kind.STREAM_SOCKET).close();
        assertFalse(Files.exists(Path.of("/proc/self/fd/" + kept)) && link(kept).startsWith("socket:"), "closed by its new owner");
    }

    @Test
    void appendOpensAFileForAppendingCloseOnExec() throws Exception {
        Path f = tmp.resolve("out.txt");
        Files.writeString(f, "a");
        try (Fd fd = Fd.appendTo(f)) {
            assertTrue(closeOnExec(fd));
            fd.sendAll("b".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("ab", Files.readString(f));
    }

    static String link(Fd fd) {
        return link(fd.number());
    }

    static String link(int n) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + n)).toString();
        } catch (IOException e) {
            return "";
        }
    }

    static long inode(Fd fd) {
        String l = link(fd);
        return Long.parseLong(l.substring(l.indexOf('[') + 1, l.length() - 1));
    }

    /** From /proc/self/fdinfo: "flags: 02000002" has O_CLOEXEC (octal 02000000). */
    static boolean closeOnExec(Fd fd) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd.number())))
            if (l.startsWith("flags:")) return (Long.parseLong(l.substring(6).strip(), 8) & 02000000) != 0;
        throw new AssertionError("no flags line");
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
