package org.criuatlas.model;

import java.util.List;

/**
 * A TCP, UDP, raw or ping socket of the IPv4/IPv6 family, as the kernel describes it (inet_diag;
 * /proc/net/raw and /proc/net/icmp where sock_diag has no handler).
 *
 * @param ino        socket inode ({@code socket:[INO]}); 0 for TIME-WAIT and not-yet-accepted
 *                   connections, which have no socket a process could hold
 * @param family     IPv4 or IPv6
 * @param protocol   TCP, UDP, UDP-Lite, raw or ping
 * @param ipProtocol the IP protocol number it carries (6, 17, 1 for ICMP, 255 for IPPROTO_RAW, ...)
 * @param state      TCP state; UDP/raw: ESTABLISHED when connected, CLOSE otherwise
 * @param local      local address and port (the any-address when not bound to one)
 * @param remote     remote address and port (the any-address and 0 when not connected)
 * @param boundIf    interface index it is bound to (SO_BINDTODEVICE), 0 for none
 * @param uid        owner uid
 * @param recvQueue  bytes waiting to be read; for a listener: connections waiting to be accepted
 * @param sendQueue  bytes not yet acknowledged; for a listener: its backlog
 * @param netNs      inode of the net namespace it lives in, 0 when unknown
 * @param peer       inode of the socket at the other end when that end is a socket of this snapshot
 *                   (a connection between two local processes), 0 otherwise
 * @param holders    every process/fd that holds it; empty when no visible process does
 */
public record InetSocket(long ino, InetFamily family, InetProtocol protocol, int ipProtocol, InetState state,
                         InetEndpoint local, InetEndpoint remote, int boundIf, int uid, long recvQueue,
                         long sendQueue, long netNs, long peer, List<Holder> holders) {
    public InetSocket {
        if (family == null || protocol == null || local == null || remote == null) {
            throw new IllegalArgumentException("family, protocol and endpoints are required");
        }
        state = state == null ? InetState.UNKNOWN : state;
        holders = SortedLists.of(holders);
    }

    public String key() { return ObjectKey.ofSocket(ino).text(); }

    /** Connected to a remote address (TCP in a connected state, UDP/raw with connect()). */
    public boolean hasRemote() { return remote.port() != 0 || !remote.isWildcard(); }

    public InetSocket withHolders(List<Holder> h) {
        return new InetSocket(ino, family, protocol, ipProtocol, state, local, remote, boundIf, uid, recvQueue,
                sendQueue, netNs, peer, h);
    }

    public InetSocket withPeer(long p) {
        return new InetSocket(ino, family, protocol, ipProtocol, state, local, remote, boundIf, uid, recvQueue,
                sendQueue, netNs, p, holders);
    }

    /** "tcp 127.0.0.1:5000 -> 127.0.0.1:40312 ESTAB" for logs and tooltips. */
    public String describe() {
        return protocol.label() + (family == InetFamily.IPV6 ? "6 " : " ") + local.display()
                + (hasRemote() ? " -> " + remote.display() : "") + " " + state.ssLabel;
    }
}
