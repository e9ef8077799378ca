package org.criuatlas.bridge.sockdiag;

import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.PacketSocket;
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
 * The inet, netlink and packet sock_diag parsers on real kernel replies (x86_64, Linux 6.18),
 * captured with {@link DiagSocket#dump}'s tap in a fresh net namespace where one python process held
 * (socket inode: what):
 * <pre>
 * 1754951 tcp 127.0.0.1:5000 LISTEN, backlog 8, one connection not accepted (46478, inode 0 on the server side)
 * 1754952 tcp 127.0.0.1:46468 -> :5000, accepted as 1754953, which holds 5 unread bytes
 * 1754954 tcp 127.0.0.1:46478 -> :5000 (the pending one)
 * 1754955 tcp [::1]:5001 LISTEN backlog 4; 1754956 [::1]:35162 -> :5001, accepted as 1754957
 * 1754958 tcp [::]:5002 LISTEN (dual stack); 1754959 127.0.0.1:60770 -> :5002 accepted as 1754960 [::ffff:127.0.0.1]
 * 1754961 udp 0.0.0.0:5353; 1754962 udp 127.0.0.1:44014 connected to 127.0.0.1:5353; 1754963 udp [::1]:5354
 * 1754964 netlink route, port = the pid 22914, groups 1 and 3; 1754965 netlink audit, port 4242
 * 1754966 packet SOCK_RAW ETH_P_ALL bound to lo; 1754967 packet SOCK_DGRAM ETH_P_IP
 * </pre>
 * and a raw dump that the kernel refused (CONFIG_INET_RAW_DIAG is off: NLMSG_DONE carrying -ENOENT).
 */
class InetNetlinkPacketDiagParserTest {
    static ByteBuffer fixture(String name) throws Exception {
        try (InputStream in = InetNetlinkPacketDiagParserTest.class.getResourceAsStream("/sockdiag/" + name)) {
            assertNotNull(in, name);
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    static Map<Long, InetSocket> inet(String name, InetFamily f, InetProtocol p) throws Exception {
        InetDiagParser parser = new InetDiagParser(f, p, 99);
        assertTrue(parser.accept(fixture(name)));
        assertFalse(parser.interrupted());
        return parser.sockets().stream().collect(Collectors.toMap(InetSocket::ino, Function.identity(), (a, b) -> a));
    }

    @Test
    void tcpOverIpv4InEveryRole() throws Exception {
        InetDiagParser parser = new InetDiagParser(InetFamily.IPV4, InetProtocol.TCP, 99);
        assertTrue(parser.accept(fixture("inet-tcp-inet.bin")));
        List<InetSocket> all = parser.sockets();
        assertEquals(6, all.size());
        Map<Long, InetSocket> s = all.stream().collect(Collectors.toMap(InetSocket::ino, Function.identity(), (a, b) -> a));
        InetSocket listener = s.get(1754951L);
        assertEquals(InetState.LISTEN, listener.state());
        assertEquals("127.0.0.1:5000", listener.local().display());
        assertFalse(listener.hasRemote());
        assertEquals(1, listener.recvQueue(), "one connection waits to be accepted");
        assertEquals(8, listener.sendQueue(), "backlog");
        assertEquals(6, listener.ipProtocol());
        assertEquals(99, listener.netNs());
        InetSocket accepted = s.get(1754953L);
        assertEquals(InetState.ESTABLISHED, accepted.state());
        assertEquals("127.0.0.1:46468", accepted.remote().display());
        assertEquals(5, accepted.recvQueue());
        InetSocket pendingServerSide = s.get(0L);
        assertEquals("127.0.0.1:5000", pendingServerSide.local().display());
        assertEquals(46478, pendingServerSide.remote().port());
        assertEquals(0, s.get(1754954L).uid());
    }

    @Test
    void tcpOverIpv6AndDualStack() throws Exception {
        Map<Long, InetSocket> s = inet("inet-tcp-inet6.bin", InetFamily.IPV6, InetProtocol.TCP);
        assertEquals(5, s.size());
        assertEquals("[::1]:5001", s.get(1754955L).local().display());
        assertEquals("[::]:5002", s.get(1754958L).local().display());
        assertTrue(s.get(1754958L).local().isWildcard());
        InetSocket mapped = s.get(1754960L);
        assertEquals("::ffff:127.0.0.1", mapped.local().address());
        assertEquals(60770, mapped.remote().port());
        assertEquals(InetFamily.IPV6, mapped.family());
    }

    @Test
    void udpBoundAndConnected() throws Exception {
        Map<Long, InetSocket> s = inet("inet-udp-inet.bin", InetFamily.IPV4, InetProtocol.UDP);
        assertEquals(InetState.CLOSE, s.get(1754961L).state());
        assertEquals("UNCONN", s.get(1754961L).state().ssLabel);
        assertEquals(InetState.ESTABLISHED, s.get(1754962L).state());
        assertEquals("127.0.0.1:5353", s.get(1754962L).remote().display());
        assertEquals(17, s.get(1754962L).ipProtocol());
        Map<Long, InetSocket> s6 = inet("inet-udp-inet6.bin", InetFamily.IPV6, InetProtocol.UDP);
        assertEquals("[::1]:5354", s6.get(1754963L).local().display());
    }

    @Test
    void aDumpTheKernelCannotDoEndsWithItsErrno() throws Exception {
        InetDiagParser p = new InetDiagParser(InetFamily.IPV4, InetProtocol.RAW, 0);
        SockDiagException e = assertThrows(SockDiagException.class, () -> p.accept(fixture("inet-raw-inet.bin")));
        assertEquals(2, e.errno());
        assertTrue(e.getMessage().contains("ENOENT") && e.getMessage().contains("raw/inet"), e.getMessage());
        assertTrue(new NetNamespaceSockets.Failure("raw/inet", e).unsupported());
    }

    @Test
    void netlinkSocketsWithGroupsListedOnce() throws Exception {
        NetlinkDiagParser p = new NetlinkDiagParser(5);
        assertTrue(p.accept(fixture("netlink.bin")));
        Map<Long, NetlinkSocket> s = p.sockets().stream().collect(Collectors.toMap(NetlinkSocket::ino, Function.identity()));
        NetlinkSocket route = s.get(1754964L);
        assertEquals(0, route.protocol());
        assertEquals("route", route.protocolName());
        assertEquals(22914, route.portId());
        assertEquals(List.of(1, 3), route.groups());
        NetlinkSocket audit = s.get(1754965L);
        assertEquals("audit", audit.protocolName());
        assertEquals(4242, audit.portId());
        assertEquals(5, audit.netNs());
        // the kernel's own sockets of the namespace (port 0) are listed too
        assertTrue(p.sockets().stream().anyMatch(n -> n.portId() == 0 && n.protocol() == 16));
        assertEquals(p.sockets().size(), s.size(), "the route socket appears twice in the raw dump, once here");
    }

    @Test
    void packetSockets() throws Exception {
        PacketDiagParser p = new PacketDiagParser(5);
        assertTrue(p.accept(fixture("packet.bin")));
        Map<Long, PacketSocket> s = p.sockets().stream().collect(Collectors.toMap(PacketSocket::ino, Function.identity()));
        assertEquals(2, s.size());
        PacketSocket all = s.get(1754966L);
        assertEquals("raw", all.typeLabel());
        assertEquals(0x0003, all.protocol(), "ETH_P_ALL");
        assertEquals(1, all.ifindex(), "lo");
        assertEquals(0, all.uid());
        assertEquals(-1, all.fanout());
        assertFalse(all.rxRing());
        PacketSocket ip = s.get(1754967L);
        assertEquals("dgram", ip.typeLabel());
        assertEquals(0x0800, ip.protocol());
        assertEquals(0, ip.ifindex());
    }

    @Test
    void requests() {
        ByteBuffer r = InetDiagParser.request(3, ByteOrder.LITTLE_ENDIAN, InetFamily.IPV6, InetProtocol.UDP);
        assertEquals(72, r.remaining());
        assertEquals(72, r.getInt(0));
        assertEquals(0x301, r.getShort(6));
        assertEquals(10, r.get(16), "AF_INET6");
        assertEquals(17, r.get(17), "IPPROTO_UDP");
        assertEquals(-1, r.getInt(20), "every state");
        ByteBuffer n = NetlinkDiagParser.request(4, ByteOrder.LITTLE_ENDIAN);
        assertEquals(36, n.remaining());
        assertEquals(16, n.get(16), "AF_NETLINK");
        assertEquals((byte) 255, n.get(17), "every protocol");
        ByteBuffer pk = PacketDiagParser.request(5, ByteOrder.LITTLE_ENDIAN);
        assertEquals(17, pk.get(16), "AF_PACKET");
        assertEquals(0xd, pk.getInt(24), "info, rings, fanout");
        assertThrows(IllegalArgumentException.class, () -> new InetDiagParser(InetFamily.IPV4, InetProtocol.PING, 0));
    }

    @Test
    void truncatedRepliesAreTypedErrors() throws Exception {
        ByteBuffer cut = fixture("inet-tcp-inet.bin").limit(50);
        assertThrows(SockDiagException.class, () -> new InetDiagParser(InetFamily.IPV4, InetProtocol.TCP, 0).accept(cut));
        ByteBuffer shortMsg = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN); // 12 bytes of a 16-byte packet_diag_msg
        shortMsg.putInt(28).putShort((short) 20).putShort((short) 2).putInt(1).putInt(0).put(new byte[12]).flip();
        assertThrows(SockDiagException.class, () -> new PacketDiagParser(0).accept(shortMsg));
    }
}
