package org.criuatlas.bridge.sockdiag;

import org.criuatlas.model.InetEndpoint;
import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Reads the replies of an inet_diag dump (linux/inet_diag.h, request {@code inet_diag_req_v2}) of one
 * family and protocol into {@link InetSocket} records without holders or peers.
 */
public final class InetDiagParser extends DiagParser<InetSocket> {
    // linux/inet_diag.h
    static final int REQ_V2_LEN = 56;
    static final int REQUEST_LEN = NLMSG_HDRLEN + REQ_V2_LEN;
    static final int INET_DIAG_MSG_LEN = 72;
    static final int INET_DIAG_PROTOCOL = 10;

    private final InetFamily family;
    private final InetProtocol protocol;
    private final long netNs;

    public InetDiagParser(InetFamily family, InetProtocol protocol, long netNs) {
        if (protocol == InetProtocol.PING) throw new IllegalArgumentException("sock_diag has no handler for ping sockets");
        this.family = family;
        this.protocol = protocol;
        this.netNs = netNs;
    }

    /** The dump request for every socket of this family and protocol, in every state. */
    public static ByteBuffer request(int seq, ByteOrder order, InetFamily family, InetProtocol protocol) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_LEN).order(order);
        header(b, REQUEST_LEN, seq);
        b.put((byte) family.linuxValue).put((byte) protocol.linuxValue)
                .put((byte) 0)   // idiag_ext: no extensions (raw sockets report their protocol anyway)
                .put((byte) 0)   // pad, sdiag_raw_protocol for raw lookups: unused by dumps
                .putInt(-1);     // idiag_states: all, including TIME-WAIT and SYN-RECV
        b.put(new byte[48]);     // inet_diag_sockid: any
        return b.flip();
    }

    @Override
    protected String what() { return protocol.label() + "/" + family.label(); }

    @Override
    protected InetSocket message(ByteBuffer b, int p, int end) {
        if (end - p < INET_DIAG_MSG_LEN) throw new SockDiagException("recv", "short inet_diag_msg");
        int fam = Byte.toUnsignedInt(b.get(p));
        InetFamily f = fam == 2 ? InetFamily.IPV4 : fam == 10 ? InetFamily.IPV6 : null;
        if (f == null) throw new SockDiagException("recv", "inet_diag_msg of family " + fam);
        int state = Byte.toUnsignedInt(b.get(p + 1));
        // ports and addresses are in network byte order whatever the host's
        int sport = ((b.get(p + 4) & 0xff) << 8) | (b.get(p + 5) & 0xff);
        int dport = ((b.get(p + 6) & 0xff) << 8) | (b.get(p + 7) & 0xff);
        int alen = f == InetFamily.IPV4 ? 4 : 16;
        byte[] src = new byte[alen], dst = new byte[alen];
        b.get(p + 8, src);
        b.get(p + 24, dst);
        int ifindex = b.getInt(p + 40);
        long rq = Integer.toUnsignedLong(b.getInt(p + 56));
        long wq = Integer.toUnsignedLong(b.getInt(p + 60));
        int uid = b.getInt(p + 64);
        long ino = Integer.toUnsignedLong(b.getInt(p + 68));
        int[] ipProtocol = {protocol == InetProtocol.RAW ? 255 : protocol.linuxValue};
        attributes(b, p + INET_DIAG_MSG_LEN, end, (type, d, len) -> {
            if (type == INET_DIAG_PROTOCOL && len >= 1) ipProtocol[0] = Byte.toUnsignedInt(b.get(d));
        });
        return new InetSocket(ino, f, protocol, ipProtocol[0], InetState.fromLinux(state), InetEndpoint.of(src, sport),
                InetEndpoint.of(dst, dport), ifindex, uid, rq, wq, netNs, 0, List.of());
    }

    /** Sockets read so far. */
    public List<InetSocket> sockets() { return items(); }
}
