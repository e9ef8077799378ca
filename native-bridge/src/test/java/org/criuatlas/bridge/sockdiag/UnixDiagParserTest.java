package org.criuatlas.bridge.sockdiag;

import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * unix-dump.bin holds real kernel replies (x86_64, kernel 6.18) for: a stream listener at
 * /tmp/atlas-fixture.sock (backlog 7) with one pending client, an abstract dgram server
 * "atlas-fixture-log" with a connected client that sent two datagrams, and a seqpacket pair with
 * one unread 5-byte packet. Captured with UnixSocketDump.dump(tap), then trimmed to those sockets.
 */
class UnixDiagParserTest {
    private static ByteBuffer fixture() throws Exception {
        try (InputStream in = UnixDiagParserTest.class.getResourceAsStream("/sockdiag/unix-dump.bin")) {
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static Map<Long, UnixSocket> parse(ByteBuffer b) {
        UnixDiagParser p = new UnixDiagParser();
        assertTrue(p.accept(b), "NLMSG_DONE seen");
        assertFalse(p.interrupted());
        return p.sockets().stream().collect(Collectors.toMap(UnixSocket::ino, Function.identity()));
    }

    @Test
    void readsEverySocketOfTheCapturedDump() throws Exception {
        Map<Long, UnixSocket> s = parse(fixture());
        assertEquals(6, s.size());

        UnixSocket listener = s.get(204607L);
        assertEquals(SocketType.STREAM, listener.type());
        assertEquals(SocketState.LISTEN, listener.state());
        assertEquals(SocketName.path("/tmp/atlas-fixture.sock"), listener.name());
        assertEquals(List.of(204608L), listener.pending());
        assertEquals(1, listener.recvQueue(), "one pending connection");
        assertEquals(7, listener.sendQueue(), "backlog");
        assertEquals(0, listener.peer());

        UnixSocket pendingClient = s.get(204608L);
        assertEquals(SocketState.ESTABLISHED, pendingClient.state());
        assertEquals(SocketName.NONE, pendingClient.name());

        UnixSocket logServer = s.get(204609L);
        assertEquals(SocketType.DGRAM, logServer.type());
        assertEquals(SocketName.abstractName("atlas-fixture-log"), logServer.name());
        assertEquals("@atlas-fixture-log", logServer.name().display());

        UnixSocket logClient = s.get(204610L);
        assertEquals(SocketType.DGRAM, logClient.type());
        assertEquals(204609L, logClient.peer());

        UnixSocket a = s.get(204611L), b = s.get(204612L);
        assertEquals(SocketType.SEQPACKET, a.type());
        assertEquals(204612L, a.peer());
        assertEquals(204611L, b.peer());
        assertEquals(5, b.recvQueue(), "the unread packet's bytes");
        assertTrue(s.values().stream().allMatch(x -> x.holders().isEmpty()), "holders are the scanner's job");
    }

    @Test
    void acceptsTheDumpSplitAcrossReceives() throws Exception {
        ByteBuffer all = fixture();
        // split after the first message, as two recv() calls would return it
        int first = all.getInt(0);
        ByteBuffer one = all.duplicate().order(ByteOrder.LITTLE_ENDIAN).limit(first);
        ByteBuffer rest = all.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(first);
        UnixDiagParser p = new UnixDiagParser();
        assertFalse(p.accept(one));
        assertTrue(p.accept(rest));
        assertEquals(6, p.sockets().size());
    }

    @Test
    void anErrorReplyBecomesANamedException() {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(36).putShort((short) 2).putShort((short) 0).putInt(1).putInt(0).putInt(-93);
        b.position(0);
        SockDiagException e = assertThrows(SockDiagException.class, () -> new UnixDiagParser().accept(b));
        assertEquals(93, e.errno());
        assertTrue(e.getMessage().contains("EPROTONOSUPPORT"), e.getMessage());
    }

    @Test
    void aTruncatedMessageIsRejected() throws Exception {
        ByteBuffer all = fixture();
        ByteBuffer cut = all.duplicate().order(ByteOrder.LITTLE_ENDIAN).limit(40);
        assertThrows(SockDiagException.class, () -> new UnixDiagParser().accept(cut));
    }

    @Test
    void theRequestAsksForEveryStateAndTheAttributesTheModelUses() {
        ByteBuffer r = UnixDiagParser.request(7, ByteOrder.LITTLE_ENDIAN);
        assertEquals(40, r.remaining());
        assertEquals(40, r.getInt(0));
        assertEquals(20, r.getShort(4), "SOCK_DIAG_BY_FAMILY");
        assertEquals(0x301, r.getShort(6), "NLM_F_REQUEST|NLM_F_DUMP");
        assertEquals(7, r.getInt(8));
        assertEquals(1, r.get(16), "AF_UNIX");
        assertEquals(-1, r.getInt(20), "all states");
        assertEquals(0x1d, r.getInt(28), "name, peer, icons, rqlen (not vfs: the model has no use for it)");
    }
}
