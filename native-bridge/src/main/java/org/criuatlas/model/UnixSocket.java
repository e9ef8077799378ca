package org.criuatlas.model;

import java.util.List;

/**
 * A unix socket as the kernel (sock_diag) or a CRIU image describes it.
 *
 * @param ino          socket inode: the key for peers, {@code unix[INO]} and {@code socket:[INO]}
 * @param type         stream / dgram / seqpacket
 * @param state        listen / established / unconnected
 * @param name         bound address (none / path / abstract)
 * @param peer         inode of the peer socket (UNIX_DIAG_PEER), 0 when none
 * @param recvQueue    bytes (stream) or packets queued for reading; for a listener: pending connections
 * @param sendQueue    send queue; for a listener: its backlog
 * @param pending      inodes of connections waiting in a listener's accept queue (UNIX_DIAG_ICONS)
 * @param holders      every process/fd that holds it; empty when no visible process does
 * @param externalPeer from images only: CRIU's synthetic entry for a peer outside the dump
 *                     (uflags bit 0); its type/state in the image are meaningless
 * @param netNs        inode of the net namespace it was found in, 0 when unknown (images)
 */
public record UnixSocket(long ino, SocketType type, SocketState state, SocketName name, long peer,
                         long recvQueue, long sendQueue, List<Long> pending, List<Holder> holders,
                         boolean externalPeer, long netNs) {
    public UnixSocket {
        name = name == null ? SocketName.NONE : name;
        pending = pending == null ? List.of() : List.copyOf(pending);
        holders = SortedLists.of(holders);
    }

    /** Without a known net namespace. */
    public UnixSocket(long ino, SocketType type, SocketState state, SocketName name, long peer,
                      long recvQueue, long sendQueue, List<Long> pending, List<Holder> holders, boolean externalPeer) {
        this(ino, type, state, name, peer, recvQueue, sendQueue, pending, holders, externalPeer, 0);
    }

    public String key() { return ObjectKey.ofSocket(ino).text(); }

    public boolean hasPeer() { return peer != 0; }

    public UnixSocket withHolders(List<Holder> h) {
        return new UnixSocket(ino, type, state, name, peer, recvQueue, sendQueue, pending, h, externalPeer, netNs);
    }

    public UnixSocket inNetNs(long ns) {
        return new UnixSocket(ino, type, state, name, peer, recvQueue, sendQueue, pending, holders, externalPeer, ns);
    }
}
