package org.criuatlas.bridge.sockdiag;

import org.criuatlas.model.PacketSocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Reads the replies of a packet_diag dump (linux/packet_diag.h) into {@link PacketSocket} records. */
public final class PacketDiagParser extends DiagParser<PacketSocket> {
    static final int AF_PACKET = 17;
    static final int PACKET_SHOW_INFO = 0x1, PACKET_SHOW_RING_CFG = 0x4, PACKET_SHOW_FANOUT = 0x8;
    static final int PACKET_DIAG_INFO = 0, PACKET_DIAG_RX_RING = 2, PACKET_DIAG_TX_RING = 3,
            PACKET_DIAG_FANOUT = 4, PACKET_DIAG_UID = 5;
    static final int REQUEST_LEN = NLMSG_HDRLEN + 20;
    static final int PACKET_DIAG_MSG_LEN = 16;

    private final long netNs;

    public PacketDiagParser(long netNs) { this.netNs = netNs; }

    /** Every packet socket, with its interface, rings and fanout. */
    public static ByteBuffer request(int seq, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_LEN).order(order);
        header(b, REQUEST_LEN, seq);
        b.put((byte) AF_PACKET).put((byte) 0).putShort((short) 0)
                .putInt(0)                                                       // pdiag_ino: any
                .putInt(PACKET_SHOW_INFO | PACKET_SHOW_RING_CFG | PACKET_SHOW_FANOUT)
                .putInt(-1).putInt(-1);                                          // cookie: none
        return b.flip();
    }

    @Override
    protected String what() { return "packet"; }

    @Override
    protected PacketSocket message(ByteBuffer b, int p, int end) {
        if (end - p < PACKET_DIAG_MSG_LEN) throw new SockDiagException("recv", "short packet_diag_msg");
        int type = Byte.toUnsignedInt(b.get(p + 1));
        int protocol = Short.toUnsignedInt(b.getShort(p + 2)); // the kernel converted it to host order
        long ino = Integer.toUnsignedLong(b.getInt(p + 4));
        int[] v = {0, -1, -1}; // ifindex, uid, fanout
        boolean[] rings = {false, false};
        attributes(b, p + PACKET_DIAG_MSG_LEN, end, (t, d, len) -> {
            switch (t) {
                case PACKET_DIAG_INFO -> { if (len >= 4) v[0] = b.getInt(d); }
                case PACKET_DIAG_UID -> { if (len >= 4) v[1] = b.getInt(d); }
                case PACKET_DIAG_FANOUT -> { if (len >= 4) v[2] = b.getInt(d); }
                case PACKET_DIAG_RX_RING -> rings[0] = true;
                case PACKET_DIAG_TX_RING -> rings[1] = true;
                default -> { }
            }
        });
        return new PacketSocket(ino, type, protocol, v[0], v[1], rings[0], rings[1], v[2], netNs, List.of());
    }

    public List<PacketSocket> sockets() { return items(); }
}
