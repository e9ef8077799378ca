package org.criuatlas.model;

/**
 * An IP address and port.
 *
 * @param address the address as {@code ss -n} prints it: dotted IPv4, or IPv6 in the shortest form
 *                (RFC 5952, {@code ::ffff:1.2.3.4} for mapped IPv4); a scope ({@code %N}) is not kept
 * @param port    the port, 0 when none
 */
public record InetEndpoint(String address, int port) {
    public InetEndpoint {
        if (address == null || address.isEmpty()) throw new IllegalArgumentException("address");
    }

    public boolean isIpv6() { return address.indexOf(':') >= 0; }

    /** The any-address (0.0.0.0 or ::). */
    public boolean isWildcard() { return address.equals("0.0.0.0") || address.equals("::"); }

    public boolean isLoopback() {
        return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
    }

    /** As {@code ss -n} prints it: {@code 1.2.3.4:80}, {@code [::1]:80}, {@code 0.0.0.0:*} for port 0. */
    public String display() {
        return (isIpv6() ? "[" + address + "]" : address) + ":" + (port == 0 ? "*" : Integer.toString(port));
    }

    /** From raw address bytes (4 or 16, network order) and a port. */
    public static InetEndpoint of(byte[] addr, int port) {
        return new InetEndpoint(format(addr), port);
    }

    /**
     * Text of a 4- or 16-byte address. Written here rather than with InetAddress, whose IPv6 text
     * is not the shortest form ({@code 0:0:0:0:0:0:0:1}) and which would turn mapped IPv4 into IPv4.
     */
    public static String format(byte[] a) {
        if (a.length == 4) return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        if (a.length != 16) throw new IllegalArgumentException("address of " + a.length + " bytes");
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        if (w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0xffff) {
            return "::ffff:" + (a[12] & 0xff) + "." + (a[13] & 0xff) + "." + (a[14] & 0xff) + "." + (a[15] & 0xff);
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(Integer.toHexString(w[i]));
        }
        return b.toString();
    }

    @Override
    public String toString() { return display(); }
}
