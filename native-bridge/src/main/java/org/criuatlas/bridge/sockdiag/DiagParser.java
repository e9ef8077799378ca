package org.criuatlas.bridge.sockdiag;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The netlink framing every sock_diag dump shares (linux/netlink.h): messages of
 * {@code nlmsghdr} + payload, ending with NLMSG_DONE, or NLMSG_ERROR carrying a negative errno.
 * A subclass reads one SOCK_DIAG_BY_FAMILY payload into a record. Pure: it only sees bytes, so
 * captured dumps test it. Feed it every buffer {@code recv} returned, in order, until
 * {@link #accept} says the dump is done.
 *
 * @param <T> the record one reply message becomes
 */
public abstract class DiagParser<T> {
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int SOCK_DIAG_BY_FAMILY = 20;

    private final List<T> items = new ArrayList<>();
    private boolean done;
    private boolean interrupted;

    /** The record of one reply's payload [p, end), or null to leave it out. */
    protected abstract T message(ByteBuffer b, int p, int end);

    /** What the dump is, for error messages ("unix", "tcp/ipv6", ...). */
    protected abstract String what();

    /**
     * Consumes one received buffer (position..limit, byte order already set).
     *
     * @return true once NLMSG_DONE was seen
     * @throws SockDiagException for NLMSG_ERROR or a malformed message
     */
    public boolean accept(ByteBuffer buf) {
        if (done) throw new SockDiagException("recv", "data after the end of the dump");
        int end = buf.limit();
        int p = buf.position();
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
                // a dump that failed before its first message (no handler for that protocol: ENOENT)
                // ends with NLMSG_DONE carrying the negative errno
                int err = len >= NLMSG_HDRLEN + 4 ? buf.getInt(p + NLMSG_HDRLEN) : 0;
                if (err < 0) throw new SockDiagException("sock_diag(" + what() + ")", -err);
                return true;
            }
            if (type == NLMSG_ERROR) {
                int err = len >= NLMSG_HDRLEN + 4 ? buf.getInt(p + NLMSG_HDRLEN) : 0;
                if (err == 0) { // an acknowledgement, not an error
                    p += align(len);
                    continue;
                }
                throw new SockDiagException("sock_diag(" + what() + ")", -err);
            }
            if (type == SOCK_DIAG_BY_FAMILY) {
                T t = message(buf, p + NLMSG_HDRLEN, p + len);
                if (t != null) items.add(t);
            }
            p += align(len);
        }
        return false;
    }

    /** Records read so far (all of them once {@link #accept} returned true). */
    public List<T> items() { return items; }

    /** True when the kernel flagged the dump as inconsistent (sockets changed while dumping). */
    public boolean interrupted() { return interrupted; }

    public boolean done() { return done; }

    static int align(int len) { return (len + 3) & ~3; }

    /** Writes the nlmsghdr of a dump request of {@code total} bytes. */
    static void header(ByteBuffer b, int total, int seq) {
        b.putInt(total).putShort((short) SOCK_DIAG_BY_FAMILY).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                .putInt(seq).putInt(0);
    }

    /** Walks the attributes (struct nlattr) of [p, end), calling {@code each} with (type, data offset, data length). */
    static void attributes(ByteBuffer b, int p, int end, AttributeSink each) {
        int a = p;
        while (a + 4 <= end) {
            int alen = Short.toUnsignedInt(b.getShort(a));
            int atype = Short.toUnsignedInt(b.getShort(a + 2)) & 0x3fff; // strip NLA_F_NESTED/BYTEORDER
            if (alen < 4 || a + alen > end) throw new SockDiagException("recv", "bad attribute length " + alen);
            each.attribute(atype, a + 4, alen - 4);
            a += align(alen);
        }
    }

    interface AttributeSink {
        void attribute(int type, int data, int length);
    }
}
