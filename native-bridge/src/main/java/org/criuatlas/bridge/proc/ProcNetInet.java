package org.criuatlas.bridge.proc;

import org.criuatlas.model.InetEndpoint;
import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * /proc/PID/net/raw, raw6, icmp and icmp6: raw and ping sockets of one net namespace, for kernels
 * whose sock_diag has no handler for them (raw_diag is an optional module; ping sockets never had
 * one). Addresses are the kernel's 32-bit words printed in hex in host byte order; the "port" of a
 * raw socket is the IP protocol it carries, that of a ping socket its ICMP identifier.
 */
public final class ProcNetInet {
    private ProcNetInet() {}

    /**
     * @param protocol RAW or PING
     * @param family   IPv4 (raw, icmp) or IPv6 (raw6, icmp6)
     * @param order    the byte order of the machine that wrote the text
     */
    public static List<InetSocket> parse(String text, InetProtocol protocol, InetFamily family, long netNs, ByteOrder order) {
        List<InetSocket> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) { // line 0 is the header
            String line = lines[i].trim();
            if (line.isEmpty()) continue;
            String[] t = line.split("\\s+");
            if (t.length < 10) throw new ProcFormatException("net/" + protocol.label(), "short line: '" + line + "'");
            try {
                String[] local = t[1].split(":"), remote = t[2].split(":"), queues = t[4].split(":");
                InetEndpoint l = InetEndpoint.of(address(local[0], family, order), Integer.parseInt(local[1], 16));
                InetEndpoint r = InetEndpoint.of(address(remote[0], family, order), Integer.parseInt(remote[1], 16));
                int ipProtocol = protocol == InetProtocol.RAW ? l.port()
                        : family == InetFamily.IPV4 ? 1 : 58; // ICMP, ICMPv6
                out.add(new InetSocket(Long.parseLong(t[9]), family, protocol, ipProtocol,
                        InetState.fromLinux(Integer.parseInt(t[3], 16)), l, r, 0, (int) Long.parseLong(t[7]),
                        Long.parseLong(queues[1], 16), Long.parseLong(queues[0], 16), netNs, 0, List.of()));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new ProcFormatException("net/" + protocol.label(), "bad field in '" + line + "'");
            }
        }
        return out;
    }

    private static byte[] address(String hex, InetFamily family, ByteOrder order) {
        int words = family == InetFamily.IPV4 ? 1 : 4;
        if (hex.length() != words * 8) throw new NumberFormatException("address of " + hex.length() + " hex digits");
        byte[] a = new byte[words * 4];
        for (int w = 0; w < words; w++) {
            long v = Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16);
            for (int k = 0; k < 4; k++) {
                int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * k : 8 * (3 - k);
                a[w * 4 + k] = (byte) (v >>> shift);
            }
        }
        return a;
    }
}
