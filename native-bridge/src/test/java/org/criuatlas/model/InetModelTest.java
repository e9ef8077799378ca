package org.criuatlas.model;

import org.criuatlas.bridge.sockdiag.InetDiagParser;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Endpoint text, peer matching and the graph's inet edges and remote endpoints, on the captured sock_diag replies. */
class InetModelTest {
    static List<InetSocket> captured() throws Exception {
        List<InetSocket> all = new ArrayList<>();
        for (String[] f : new String[][] {{"inet-tcp-inet.bin", "IPV4", "TCP"}, {"inet-tcp-inet6.bin", "IPV6", "TCP"},
                {"inet-udp-inet.bin", "IPV4", "UDP"}, {"inet-udp-inet6.bin", "IPV6", "UDP"}}) {
            try (InputStream in = InetModelTest.class.getResourceAsStream("/sockdiag/" + f[0])) {
                InetDiagParser p = new InetDiagParser(InetFamily.valueOf(f[1]), InetProtocol.valueOf(f[2]), 7);
                p.accept(ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN));
                all.addAll(p.sockets());
            }
        }
        return all;
    }

    @Test
    void addressTextIsWhatSsPrints() {
        assertEquals("127.0.0.1", InetEndpoint.format(new byte[] {127, 0, 0, 1}));
        byte[] v6 = new byte[16];
        assertEquals("::", InetEndpoint.format(v6));
        v6[15] = 1;
        assertEquals("::1", InetEndpoint.format(v6));
        byte[] doc = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals("2001:db8::1", InetEndpoint.format(doc));
        byte[] two = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals("2001:db8:0:1::1", InetEndpoint.format(two), "the longest run of zeros is shortened");
        byte[] single = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
        assertEquals("2001:db8:0:1:1:1:1:1", InetEndpoint.format(single), "one zero group is not shortened");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        assertEquals("::ffff:10.1.2.3", InetEndpoint.format(mapped));
        assertEquals("[::1]:80", new InetEndpoint("::1", 80).display());
        assertEquals("0.0.0.0:*", new InetEndpoint("0.0.0.0", 0).display());
        assertTrue(new InetEndpoint("::ffff:127.0.0.1", 1).isLoopback());
    }

    @Test
    void localConnectionsBecomePeersIncludingDualStackAndPending() throws Exception {
        Map<Long, InetSocket> s = InetPeers.link(captured()).stream().filter(x -> x.ino() != 0)
                .collect(Collectors.toMap(InetSocket::ino, Function.identity()));
        assertEquals(1754953, s.get(1754952L).peer());
        assertEquals(1754952, s.get(1754953L).peer());
        assertEquals(1754951, s.get(1754954L).peer(), "the other end waits in the listener's accept queue");
        assertEquals(1754957, s.get(1754956L).peer());
        assertEquals(1754960, s.get(1754959L).peer(), "an IPv4 client of a dual-stack listener");
        assertEquals(1754959, s.get(1754960L).peer());
        assertEquals(1754961, s.get(1754962L).peer(), "a connected UDP socket's peer is the bound one");
        assertEquals(0, s.get(1754951L).peer(), "listeners have none");
        assertEquals(0, s.get(1754961L).peer());
    }

    @Test
    void peersAreEdgesAndUnmatchedFarEndsAreRemoteEndpoints() {
        InetEndpoint any = new InetEndpoint("0.0.0.0", 0);
        InetSocket client = inet(10, "10.0.0.5", 40000, "10.0.0.9", 22, InetState.ESTABLISHED, List.of(new Holder(100, 3)));
        InetSocket a = inet(11, "127.0.0.1", 41000, "127.0.0.1", 5000, InetState.ESTABLISHED, List.of(new Holder(100, 4)));
        InetSocket b = inet(12, "127.0.0.1", 5000, "127.0.0.1", 41000, InetState.ESTABLISHED, List.of(new Holder(200, 5)));
        InetSocket tw = inet(0, "127.0.0.1", 5000, "127.0.0.1", 39000, InetState.TIME_WAIT, List.of());
        InetSocket listen = new InetSocket(13, InetFamily.IPV4, InetProtocol.TCP, 6, InetState.LISTEN,
                new InetEndpoint("0.0.0.0", 5000), any, 0, 0, 0, 128, 7, 0, List.of(new Holder(200, 3), new Holder(300, 3)));
        IpcGraph g = IpcGraph.builder(new IpcGraph.Meta(IpcGraph.Source.LIVE, "h", Instant.EPOCH, true, 0))
                .processes(List.of(proc(100), proc(200), proc(300)))
                .inetSockets(InetPeers.link(List.of(client, a, b, tw, listen))).build();
        assertEquals(5, g.inetSockets().size());
        assertEquals(0, g.inetSockets().get(0).ino(), "inode-less sockets first");
        assertEquals(12, g.peerOf(g.inetSocket(11)).ino());
        List<GraphEdge> peers = g.edges().stream().filter(e -> e.kind() == GraphEdge.Kind.SOCKET_PEER).toList();
        assertEquals(List.of(new GraphEdge(GraphEdge.Kind.SOCKET_PEER, 100, 200, "socket:[11]", "socket:[12]")), peers);
        assertTrue(g.edges().contains(new GraphEdge(GraphEdge.Kind.SHARED, 200, 300, "socket:[13]", "socket:[13]")));
        List<RemoteEndpoint> far = g.remoteEndpoints();
        assertEquals(1, far.size(), "TIME-WAIT and matched connections are no remote endpoints: " + far);
        assertEquals(new RemoteEndpoint(7, InetProtocol.TCP, new InetEndpoint("10.0.0.9", 22), List.of(10L)), far.get(0));
        assertEquals("remote:tcp:10.0.0.9:22", far.get(0).key());
        assertTrue(g.summary().contains("5 inet sockets"), g.summary());
    }

    @Test
    void inodeLessSocketsComeFirstByNamespaceThenEndpointTextThenByInode() {
        // text order, not numeric: "10.0.0.2" sorts before "9.0.0.1", and ":*" (port 0) before ":80"
        InetSocket tw1 = inet(0, "9.0.0.1", 80, "9.0.0.7", 5000, InetState.TIME_WAIT, List.of());
        InetSocket tw2 = inet(0, "10.0.0.2", 80, "9.0.0.7", 5000, InetState.TIME_WAIT, List.of());
        InetSocket tw3 = inet(0, "10.0.0.2", 80, "10.0.0.7", 6000, InetState.TIME_WAIT, List.of());
        InetSocket tw4 = inet(0, "10.0.0.2", 0, "10.0.0.7", 6000, InetState.TIME_WAIT, List.of());
        InetSocket otherNs = new InetSocket(0, InetFamily.IPV4, InetProtocol.TCP, 6, InetState.TIME_WAIT,
                new InetEndpoint("1.1.1.1", 1), new InetEndpoint("1.1.1.2", 2), 0, 0, 0, 0, 3, 0, List.of());
        InetSocket b = inet(20, "127.0.0.1", 1, "127.0.0.1", 2, InetState.ESTABLISHED, List.of());
        InetSocket a = inet(19, "127.0.0.1", 2, "127.0.0.1", 1, InetState.ESTABLISHED, List.of());
        IpcGraph g = IpcGraph.builder(new IpcGraph.Meta(IpcGraph.Source.LIVE, "h", Instant.EPOCH, true, 0))
                .inetSockets(List.of(b, tw1, tw4, a, tw2, otherNs, tw3)).build();
        assertEquals(List.of(otherNs, tw4, tw3, tw2, tw1, a, b), g.inetSockets());
    }

    @Test
    void sessionsAndControllingTerminals() {
        long pts3 = (136 << 8) | 3;
        ProcessInfo leader = new ProcessInfo(50, 1, "bash", List.of(), 0, 'S', 50, 50, pts3, 0, List.of(), true,
                60, 0, 1, SeccompMode.DISABLED, Namespaces.UNKNOWN, "/root");
        ProcessInfo job = new ProcessInfo(60, 50, "vim", List.of(), 0, 'T', 60, 50, pts3, 0, List.of(), true,
                60, 70, 1, SeccompMode.FILTER, Namespaces.UNKNOWN, "/tmp/gone (deleted)");
        IpcGraph g = IpcGraph.builder(new IpcGraph.Meta(IpcGraph.Source.LIVE, "h", Instant.EPOCH, true, 0))
                .processes(List.of(leader, job)).build();
        List<Session> sessions = g.sessions();
        assertEquals(1, sessions.size());
        Session s = sessions.get(0);
        assertEquals(new TtyDevice(136, 3), s.controllingTty());
        assertEquals("/dev/pts/3", s.controllingTty().path());
        assertEquals(60, s.foregroundPgid());
        assertEquals(List.of(new Session.ProcessGroup(50, List.of(50)), new Session.ProcessGroup(60, List.of(60))), s.groups());
        assertTrue(job.isStopped());
        assertTrue(job.isTraced());
        assertTrue(job.cwdDeleted());
        assertFalse(leader.cwdDeleted());
        assertEquals("/dev/tty2", TtyDevice.fromTtyNr((4 << 8) | 2).path());
        assertEquals("/dev/pts/300", TtyDevice.fromTtyNr((137 << 8) | 44).path());
    }

    @Test
    void namespacesDifferOnlyWhereBothAreKnown() {
        Namespaces a = new Namespaces(1, 2, 3, 4, 5, 5, 6, 6, 7, 8);
        Namespaces b = a.with(NamespaceKind.NET, 40).with(NamespaceKind.IPC, 0);
        assertEquals(java.util.Set.of(NamespaceKind.NET), b.differentFrom(a));
        assertEquals(40, b.net());
        ProcessInfo p = new ProcessInfo(1, 0, "x", List.of(), 0, 'S', 1, 1, 0, 99, List.of(), true);
        assertEquals(99, p.namespaces().net(), "the old constructor's netNs lands in the namespaces");
    }

    static ProcessInfo proc(int pid) {
        return new ProcessInfo(pid, 1, "p" + pid, List.of(), 0, 'S', pid, pid, 0, 7, List.of(), true);
    }

    static InetSocket inet(long ino, String la, int lp, String ra, int rp, InetState st, List<Holder> h) {
        return new InetSocket(ino, InetFamily.IPV4, InetProtocol.TCP, 6, st, new InetEndpoint(la, lp), new InetEndpoint(ra, rp),
                0, 0, 0, 0, 7, 0, h);
    }
}
