package org.criuatlas.bridge.sockdiag;

import org.criuatlas.model.NetlinkSocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads the replies of a netlink_diag dump (linux/netlink_diag.h) into {@link NetlinkSocket} records. */
public final class NetlinkDiagParser extends DiagParser<NetlinkSocket> {
    static final int AF_NETLINK = 16;
    static final int NDIAG_PROTO_ALL = 255;
    static final int NDIAG_SHOW_GROUPS = 0x2;
    static final int NETLINK_DIAG_GROUPS = 1;
    static final int REQUEST_LEN = NLMSG_HDRLEN + 20;
    static final int NETLINK_DIAG_MSG_LEN = 28;

    private final long netNs;
    /** The kernel lists a bound socket with multicast groups twice (port table and group list). */
    private final java.util.Set<Long> seen = new java.util.HashSet<>();

    public NetlinkDiagParser(long netNs) { this.netNs = netNs; }

    /** Every netlink socket of every protocol, with its multicast groups. */
    public static ByteBuffer request(int seq, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_LEN).order(order);
        header(b, REQUEST_LEN, seq);
        b.put((byte) AF_NETLINK).put((byte) NDIAG_PROTO_ALL).putShort((short) 0)
                .putInt(0)                    // ndiag_ino: any
                .putInt(NDIAG_SHOW_GROUPS)
                .putInt(-1).putInt(-1);       // cookie: none
        return b.flip();
    }

    @Override
    protected String what() { return "netlink"; }

    @Override
    protected NetlinkSocket message(ByteBuffer b, int p, int end) {
        if (end - p < NETLINK_DIAG_MSG_LEN) throw new SockDiagException("recv", "short netlink_diag_msg");
        int protocol = Byte.toUnsignedInt(b.get(p + 2));
        long portId = Integer.toUnsignedLong(b.getInt(p + 4));
        long dstPortId = Integer.toUnsignedLong(b.getInt(p + 8));
        long dstGroup = Integer.toUnsignedLong(b.getInt(p + 12));
        long ino = Integer.toUnsignedLong(b.getInt(p + 16));
        if (!seen.add(ino)) return null;
        List<Integer> groups = new ArrayList<>(0);
        attributes(b, p + NETLINK_DIAG_MSG_LEN, end, (type, d, len) -> {
            if (type != NETLINK_DIAG_GROUPS) return;
            // a bitmap of unsigned longs in host order, group N = bit N-1; read as 32-bit words, which
            // keeps the bit order on little-endian hosts (x86_64, aarch64)
            for (int word = 0; word * 4 + 4 <= len; word++) {
                int bits = b.getInt(d + word * 4);
                for (int bit = 0; bit < 32; bit++) if ((bits & (1 << bit)) != 0) groups.add(word * 32 + bit + 1);
            }
        });
        return new NetlinkSocket(ino, protocol, portId, dstPortId, dstGroup, groups, netNs, List.of());
    }

    public List<NetlinkSocket> sockets() { return items(); }
}
