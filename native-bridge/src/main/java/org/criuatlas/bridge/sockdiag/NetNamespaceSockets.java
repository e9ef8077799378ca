package org.criuatlas.bridge.sockdiag;

import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.PacketSocket;
import org.criuatlas.model.UnixSocket;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Every socket sock_diag can describe in one net namespace: unix, TCP, UDP, UDP-Lite and raw of
 * both families, netlink and packet, through one {@link DiagSocket} (created in that namespace).
 * A request the kernel refuses (a diag module missing: ENOENT) does not stop the others; it is
 * reported in {@link Result#failures()}.
 */
public final class NetNamespaceSockets {
    private NetNamespaceSockets() {}

    /**
     * @param what    the dump that failed: "unix", "tcp/inet6", "raw/inet", "netlink", "packet"
     * @param error   the syscall and errno
     */
    public record Failure(String what, SockDiagException error) {
        /** The kernel has no handler for this kind (its diag module is not built or not loaded). */
        public boolean unsupported() { return error.errno() == 2 || error.errno() == 93 || error.errno() == 95; }
    }

    /**
     * @param netNs       the namespace's inode, as the caller knows it (0 unknown)
     * @param interrupted the kernel flagged some dump as changed while it was listed
     */
    public record Result(long netNs, List<UnixSocket> unix, List<InetSocket> inet, List<NetlinkSocket> netlink,
                         List<PacketSocket> packet, boolean interrupted, List<Failure> failures) {
        public Result {
            unix = List.copyOf(unix);
            inet = List.copyOf(inet);
            netlink = List.copyOf(netlink);
            packet = List.copyOf(packet);
            failures = List.copyOf(failures);
        }

        /** Did the raw dump of this family fail because the kernel cannot do it (then read /proc/net/raw)? */
        public boolean rawUnsupported(InetFamily f) {
            for (Failure x : failures) if (x.what().equals("raw/" + f.label()) && x.unsupported()) return true;
            return false;
        }
    }

    private static final InetProtocol[] INET = {InetProtocol.TCP, InetProtocol.UDP, InetProtocol.UDPLITE, InetProtocol.RAW};

    /** Dumps everything through {@code s}; throws only when the socket itself fails (send/recv). */
    public static Result dump(DiagSocket s, long netNs) {
        ByteOrder order = ByteOrder.nativeOrder();
        List<Failure> failures = new ArrayList<>(0);
        boolean interrupted = false;
        List<UnixSocket> unix = List.of();
        try {
            UnixDiagParser p = s.dump(UnixDiagParser.request(s.nextSeq(), order), new UnixDiagParser(netNs), null);
            unix = p.sockets();
            interrupted |= p.interrupted();
        } catch (SockDiagException e) {
            if (e.errno() == 0 || !e.syscall().startsWith("sock_diag")) throw e;
            failures.add(new Failure("unix", e));
        }
        List<InetSocket> inet = new ArrayList<>();
        for (InetProtocol proto : INET) {
            for (InetFamily fam : InetFamily.values()) {
                try {
                    InetDiagParser p = s.dump(InetDiagParser.request(s.nextSeq(), order, fam, proto),
                            new InetDiagParser(fam, proto, netNs), null);
                    inet.addAll(p.sockets());
                    interrupted |= p.interrupted();
                } catch (SockDiagException e) {
                    if (e.errno() == 0 || !e.syscall().startsWith("sock_diag")) throw e;
                    failures.add(new Failure(proto.label() + "/" + fam.label(), e));
                }
            }
        }
        List<NetlinkSocket> netlink = List.of();
        try {
            NetlinkDiagParser p = s.dump(NetlinkDiagParser.request(s.nextSeq(), order), new NetlinkDiagParser(netNs), null);
            netlink = p.sockets();
            interrupted |= p.interrupted();
        } catch (SockDiagException e) {
            if (e.errno() == 0 || !e.syscall().startsWith("sock_diag")) throw e;
            failures.add(new Failure("netlink", e));
        }
        List<PacketSocket> packet = List.of();
        try {
            PacketDiagParser p = s.dump(PacketDiagParser.request(s.nextSeq(), order), new PacketDiagParser(netNs), null);
            packet = p.sockets();
            interrupted |= p.interrupted();
        } catch (SockDiagException e) {
            if (e.errno() == 0 || !e.syscall().startsWith("sock_diag")) throw e;
            failures.add(new Failure("packet", e));
        }
        return new Result(netNs, unix, inet, netlink, packet, interrupted, failures);
    }
}
