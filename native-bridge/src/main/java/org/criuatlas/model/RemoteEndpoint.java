package org.criuatlas.model;

import java.util.List;

/**
 * The far end of inet connections that no socket of the snapshot matches: another host, or a
 * local process the scan could not see. One node per address, port, protocol and net namespace.
 *
 * @param netNs    net namespace of the local sockets connected to it
 * @param protocol TCP, UDP, ...
 * @param endpoint its address and port
 * @param sockets  inodes of the local sockets connected to it, in inode order
 */
public record RemoteEndpoint(long netNs, InetProtocol protocol, InetEndpoint endpoint, List<Long> sockets) {
    public RemoteEndpoint {
        sockets = SortedLists.of(sockets);
    }

    /** A stable key for graph nodes: {@code remote:tcp:1.2.3.4:80}. */
    public String key() { return "remote:" + protocol.label() + ":" + endpoint.display(); }
}
