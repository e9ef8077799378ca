package org.criuatlas.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds, for each connected inet socket, the local socket at its other end by matching endpoints
 * (the kernel reports no peer for inet sockets). Pure; the scanner and the image reader share it.
 *
 * <ul>
 *   <li>TCP: the socket in the same net namespace whose local and remote endpoints are this one's
 *       remote and local. When that end has no inode (a connection still in a listener's accept
 *       queue), the peer is the listener. Across net namespaces (a veth pair) only when exactly one
 *       socket of another namespace matches and the address is not a loopback one.</li>
 *   <li>UDP: a connected socket's peer is the socket bound to its remote address (or to the
 *       any-address with that port), like a unix dgram client and its server.</li>
 * </ul>
 */
public final class InetPeers {
    private InetPeers() {}

    private record Key(InetProtocol protocol, InetEndpoint local, InetEndpoint remote) {
        Key {
            local = plain(local);
            remote = plain(remote);
        }
    }

    private record Bound(InetProtocol protocol, String address, int port) {
        Bound {
            address = plain(address);
        }
    }

    /** A v4-mapped IPv6 address (a dual-stack socket talking IPv4) as the IPv4 address it stands for. */
    static String plain(String a) { return a.startsWith("::ffff:") && a.indexOf('.') > 0 ? a.substring(7) : a; }

    static InetEndpoint plain(InetEndpoint e) {
        String p = plain(e.address());
        return p == e.address() ? e : new InetEndpoint(p, e.port());
    }

    /** The same sockets, in the same order, with {@link InetSocket#peer()} filled in where a local end matches. */
    public static List<InetSocket> link(List<InetSocket> sockets) {
        Map<Long, Map<Key, List<InetSocket>>> byNs = new HashMap<>();
        Map<Key, List<InetSocket>> all = new HashMap<>();
        Map<Long, Map<Bound, InetSocket>> listeners = new HashMap<>();
        Map<Long, Map<Bound, InetSocket>> udpBound = new HashMap<>();
        for (InetSocket s : sockets) {
            Key k = new Key(s.protocol(), s.local(), s.remote());
            byNs.computeIfAbsent(s.netNs(), n -> new HashMap<>()).computeIfAbsent(k, x -> new ArrayList<>(1)).add(s);
            all.computeIfAbsent(k, x -> new ArrayList<>(1)).add(s);
            Bound b = new Bound(s.protocol(), s.local().address(), s.local().port());
            if (s.protocol() == InetProtocol.TCP && s.state() == InetState.LISTEN && s.ino() != 0) {
                listeners.computeIfAbsent(s.netNs(), n -> new HashMap<>()).put(b, s);
            } else if (s.protocol() != InetProtocol.TCP && !s.hasRemote() && s.ino() != 0 && s.local().port() != 0) {
                udpBound.computeIfAbsent(s.netNs(), n -> new HashMap<>()).putIfAbsent(b, s);
            }
        }
        List<InetSocket> out = new ArrayList<>(sockets.size());
        for (InetSocket s : sockets) {
            long peer = s.ino() == 0 || !s.hasRemote() ? 0 : switch (s.protocol()) {
                case TCP -> s.state().isConnected() ? tcpPeer(s, byNs, all, listeners) : 0;
                case UDP, UDPLITE -> udpPeer(s, udpBound);
                default -> 0;
            };
            out.add(peer == s.peer() ? s : s.withPeer(peer));
        }
        return out;
    }

    private static long tcpPeer(InetSocket s, Map<Long, Map<Key, List<InetSocket>>> byNs, Map<Key, List<InetSocket>> all,
                                Map<Long, Map<Bound, InetSocket>> listeners) {
        Key mirror = new Key(s.protocol(), s.remote(), s.local());
        List<InetSocket> same = byNs.getOrDefault(s.netNs(), Map.of()).get(mirror);
        InetSocket match = null;
        if (same != null) {
            for (InetSocket t : same) if (t != s) { match = t; break; }
        } else if (!s.remote().isLoopback()) {
            List<InetSocket> anywhere = all.get(mirror);
            if (anywhere != null && anywhere.size() == 1 && anywhere.get(0).netNs() != s.netNs()) match = anywhere.get(0);
        }
        if (match == null) return 0;
        if (match.ino() != 0) return match.ino();
        // the other end waits in a listener's accept queue: no socket yet, the listener stands for it
        Map<Bound, InetSocket> ls = listeners.getOrDefault(match.netNs(), Map.of());
        InetSocket l = ls.get(new Bound(s.protocol(), match.local().address(), match.local().port()));
        if (l == null) l = ls.get(new Bound(s.protocol(), match.family() == InetFamily.IPV4 ? "0.0.0.0" : "::", match.local().port()));
        if (l == null && match.family() == InetFamily.IPV6) l = ls.get(new Bound(s.protocol(), "::", match.local().port()));
        return l == null ? 0 : l.ino();
    }

    private static long udpPeer(InetSocket s, Map<Long, Map<Bound, InetSocket>> udpBound) {
        Map<Bound, InetSocket> bound = udpBound.getOrDefault(s.netNs(), Map.of());
        InetSocket t = bound.get(new Bound(s.protocol(), s.remote().address(), s.remote().port()));
        if (t == null) t = bound.get(new Bound(s.protocol(), s.family() == InetFamily.IPV4 ? "0.0.0.0" : "::", s.remote().port()));
        if (t == null && s.family() == InetFamily.IPV4) t = bound.get(new Bound(s.protocol(), "::", s.remote().port()));
        return t == null || t.ino() == s.ino() ? 0 : t.ino();
    }
}
