package org.criuatlas.bridge.sockdiag;

import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the replies of a NETLINK_SOCK_DIAG dump of unix sockets (linux/unix_diag.h) into
 * {@link UnixSocket} records without holders.
 */
public final class UnixDiagParser extends DiagParser<UnixSocket> {
    static final int AF_UNIX = 1;
    // linux/unix_diag.h
    static final int UDIAG_SHOW_NAME = 0x01, UDIAG_SHOW_VFS = 0x02, UDIAG_SHOW_PEER = 0x04,
            UDIAG_SHOW_ICONS = 0x08, UDIAG_SHOW_RQLEN = 0x10;
    static final int UNIX_DIAG_NAME = 0, UNIX_DIAG_VFS = 1, UNIX_DIAG_PEER = 2, UNIX_DIAG_ICONS = 3,
            UNIX_DIAG_RQLEN = 4;
    static final int UNIX_DIAG_MSG_LEN = 16;
    static final int REQUEST_LEN = NLMSG_HDRLEN + 24;
    private static final int TCP_LISTEN = 10;

    private final long netNs;

    public UnixDiagParser() { this(0); }

    /** Records the sockets as living in net namespace {@code netNs}. */
    public UnixDiagParser(long netNs) { this.netNs = netNs; }

    /**
     * The dump request: every state, with name, peer, pending connections and queues. In the
     * host's byte order, as netlink wants.
     */
    public static ByteBuffer request(int seq, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_LEN).order(order);
        header(b, REQUEST_LEN, seq);
        b.put((byte) AF_UNIX).put((byte) 0).putShort((short) 0)
                .putInt(-1) // udiag_states: all
                .putInt(0)  // udiag_ino: any
                .putInt(UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN)
                .putInt(-1).putInt(-1); // cookie: none
        return b.flip();
    }

    @Override
    protected String what() { return "unix"; }

    /** Sockets read so far (all of them once {@link #accept} returned true). */
    public List<UnixSocket> sockets() { return items(); }

    @Override
    protected UnixSocket message(ByteBuffer b, int p, int end) {
        if (end - p < UNIX_DIAG_MSG_LEN) throw new SockDiagException("recv", "short unix_diag_msg");
        int type = Byte.toUnsignedInt(b.get(p + 1));
        int state = Byte.toUnsignedInt(b.get(p + 2));
        long ino = Integer.toUnsignedLong(b.getInt(p + 4));
        SocketName name = SocketName.NONE;
        long peer = 0, rq = 0, wq = 0;
        List<Long> pending = List.of();
        int a = p + UNIX_DIAG_MSG_LEN;
        while (a + 4 <= end) {
            int alen = Short.toUnsignedInt(b.getShort(a));
            int atype = Short.toUnsignedInt(b.getShort(a + 2)) & 0x3fff; // strip NLA_F_NESTED/BYTEORDER
            if (alen < 4 || a + alen > end) throw new SockDiagException("recv", "bad attribute length " + alen);
            int d = a + 4, dlen = alen - 4;
            switch (atype) {
                case UNIX_DIAG_NAME -> {
                    byte[] raw = new byte[dlen];
                    b.get(d, raw);
                    name = SocketName.fromRaw(raw);
                }
                case UNIX_DIAG_PEER -> peer = dlen >= 4 ? Integer.toUnsignedLong(b.getInt(d)) : 0;
                case UNIX_DIAG_ICONS -> {
                    List<Long> in = new ArrayList<>(dlen / 4);
                    for (int k = 0; k + 4 <= dlen; k += 4) in.add(Integer.toUnsignedLong(b.getInt(d + k)));
                    pending = in;
                }
                case UNIX_DIAG_RQLEN -> {
                    if (dlen >= 8) {
                        rq = Integer.toUnsignedLong(b.getInt(d));
                        wq = Integer.toUnsignedLong(b.getInt(d + 4));
                    }
                }
                default -> { } // VFS and newer attributes are not part of the model
            }
            a += align(alen);
        }
        SocketState st = SocketState.fromLinux(state);
        if (st == SocketState.OTHER && state == TCP_LISTEN) st = SocketState.LISTEN;
        return new UnixSocket(ino, SocketType.fromLinux(type), st, name, peer, rq, wq, pending, List.of(), false, netNs);
    }
}
