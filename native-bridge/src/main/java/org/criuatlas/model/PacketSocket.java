package org.criuatlas.model;

import java.util.List;

/**
 * An AF_PACKET socket (packet_diag).
 *
 * @param ino      socket inode
 * @param type     SOCK_RAW (3: with link-layer header) or SOCK_DGRAM (2: without)
 * @param protocol the ethertype it receives (host order: 0x0003 ETH_P_ALL, 0x0800 IPv4, ...), 0 for none
 * @param ifindex  interface it is bound to, 0 for any
 * @param uid      owner uid, -1 unknown
 * @param rxRing   it has a memory-mapped receive ring (PACKET_RX_RING)
 * @param txRing   it has a memory-mapped transmit ring (PACKET_TX_RING)
 * @param fanout   the PACKET_FANOUT word (group id in the low 16 bits), -1 for none
 * @param netNs    inode of its net namespace, 0 when unknown
 * @param holders  every process/fd that holds it
 */
public record PacketSocket(long ino, int type, int protocol, int ifindex, int uid, boolean rxRing, boolean txRing,
                           int fanout, long netNs, List<Holder> holders) {
    public PacketSocket {
        holders = SortedLists.of(holders);
    }

    public String key() { return ObjectKey.ofSocket(ino).text(); }

    public PacketSocket withHolders(List<Holder> h) {
        return new PacketSocket(ino, type, protocol, ifindex, uid, rxRing, txRing, fanout, netNs, h);
    }

    public String typeLabel() {
        return switch (type) {
            case 3 -> "raw";
            case 2 -> "dgram";
            default -> Integer.toString(type);
        };
    }
}
