package org.criuatlas.model;

import java.util.List;

/**
 * An AF_NETLINK socket (netlink_diag).
 *
 * @param ino       socket inode
 * @param protocol  NETLINK_* protocol number (0 route, 4 sock_diag, 9 audit, 15 uevent, 16 generic, ...)
 * @param portId    its bound port id, 0 when unbound
 * @param dstPortId the port id it is connected to, 0 for none (the kernel)
 * @param dstGroup  the multicast group it sends to, 0 for none
 * @param groups    multicast groups it listens to, ascending
 * @param netNs     inode of its net namespace, 0 when unknown
 * @param holders   every process/fd that holds it
 */
public record NetlinkSocket(long ino, int protocol, long portId, long dstPortId, long dstGroup, List<Integer> groups,
                            long netNs, List<Holder> holders) {
    public NetlinkSocket {
        groups = groups == null ? List.of() : List.copyOf(groups);
        holders = SortedLists.of(holders);
    }

    public String key() { return ObjectKey.ofSocket(ino).text(); }

    public NetlinkSocket withHolders(List<Holder> h) {
        return new NetlinkSocket(ino, protocol, portId, dstPortId, dstGroup, groups, netNs, h);
    }

    /** The protocol's name from linux/netlink.h ({@code route}, {@code audit}, ...), or its number. */
    public String protocolName() {
        return switch (protocol) {
            case 0 -> "route";
            case 2 -> "usersock";
            case 3 -> "firewall";
            case 4 -> "sock_diag";
            case 5 -> "nflog";
            case 6 -> "xfrm";
            case 7 -> "selinux";
            case 8 -> "iscsi";
            case 9 -> "audit";
            case 10 -> "fib_lookup";
            case 11 -> "connector";
            case 12 -> "netfilter";
            case 13 -> "ip6_fw";
            case 14 -> "dnrtmsg";
            case 15 -> "kobject_uevent";
            case 16 -> "generic";
            case 18 -> "scsitransport";
            case 19 -> "ecryptfs";
            case 20 -> "rdma";
            case 21 -> "crypto";
            case 22 -> "smc";
            default -> Integer.toString(protocol);
        };
    }
}
