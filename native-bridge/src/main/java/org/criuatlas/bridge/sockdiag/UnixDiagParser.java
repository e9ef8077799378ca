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
 * {@link UnixSocket} records without holders. Pure: it only sees bytes, so captured dumps test it.
 * Feed it every buffer {@code recv} returned, in order, until {@link #accept} says the dump is done.
 */
public final class UnixDiagParser {
    // linux/netlink.h
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_DUMP_INTR = 0x10;
    // linux/sock_diag.h
    static final int SOCK_DIAG_BY_FAMILY = 20;
    static final int AF_UNIX = 1;
    // linux/unix_diag.h
    static final int UDIAG_SHOW_NAME = 0x01, UDIAG_SHOW_VFS = 0x02, UDIAG_SHOW_PEER = 0x04,
            UDIAG_SHOW_ICONS = 0x08, UDIAG_SHOW_RQLEN = 0x10;
    static final int UNIX_DIAG_NAME = 0, UNIX_DIAG_VFS = 1, UNIX_DIAG_PEER = 2, UNIX_DIAG_ICONS = 3,
            UNIX_DIAG_RQLEN = 4;
    static final int UNIX_DIAG_MSG_LEN = 16;
    static final int REQUEST_LEN = NLMSG_HDRLEN + 24;
    private static final int TCP_LISTEN = 10;

    private final List<UnixSocket> sockets = new ArrayList<>();
    private boolean done;
    private boolean interrupted;

    /**
     * The dump request: every state, with name, vfs inode, peer, pending connections and queues.
     * In the host's byte order, as netlink wants.
     */
    public static ByteBuffer request(int seq, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_LEN).order(order);
        b.putInt(REQUEST_LEN).putShort((short) SOCK_DIAG_BY_FAMILY).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                .putInt(seq).putInt(0);
        b.put((byte) AF_UNIX).put((byte) 0).putShort((short) 0)
                .putInt(-1) // udiag_states: all
                .putInt(0)  // udiag_ino: any
                .putInt(UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN)
                .putInt(-1).putInt(-1); // cookie: none
        return b.flip();
    }

    /**
     * Consumes one received buffer (position..limit, byte order already set).
     *
     * @return true once NLMSG_DONE was seen
     * @throws SockDiagException for NLMSG_ERROR or a malformed message
     */
    public boolean accept(ByteBuffer buf) {
        if (done) throw new SockDiagException("recv", "data after the end of the dump");
        int base = buf.position();
        int end = buf.limit();
        int p = base;
        while (p + NLMSG_HDRLEN <= end) {
            int len = buf.getInt(p);
            int type = Short.toUnsignedInt(buf.getShort(p + 4));
            int flags = Short.toUnsignedInt(buf.getShort(p + 6));
            if (len < NLMSG_HDRLEN || p + len > end) {
                throw new SockDiagException("recv", "truncated netlink message (length " + len + ")");
            }
            if ((flags & NLM_F_DUMP_INTR) != 0) interrupted = true;
            if (type == NLMSG_DONE) {
                done = true;
                return true;
            }
            if (type == NLMSG_ERROR) {
                int err = len >= NLMSG_HDRLEN + 4 ? buf.getInt(p + NLMSG_HDRLEN) : 0;
                if (err == 0) { // an acknowledgement, not an error
                    p += align(len);
                    continue;
                }
                throw new SockDiagException("sock_diag", -err);
            }
            if (type == SOCK_DIAG_BY_FAMILY) sockets.add(message(buf, p + NLMSG_HDRLEN, p + len));
            p += align(len);
        }
        return false;
    }

    /** Sockets read so far (all of them once {@link #accept} returned true). */
    public List<UnixSocket> sockets() { return sockets; }

    /** True when the kernel flagged the dump as inconsistent (sockets changed while dumping). */
    public boolean interrupted() { return interrupted; }

    public boolean done() { return done; }

    private static UnixSocket message(ByteBuffer b, int p, int end) {
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
        return new UnixSocket(ino, SocketType.fromLinux(type), st, name, peer, rq, wq, pending, List.of(), false);
    }

    static int align(int len) { return (len + 3) & ~3; }
}
