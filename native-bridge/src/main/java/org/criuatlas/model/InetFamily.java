package org.criuatlas.model;

/** IPv4 or IPv6, with the kernel's AF_* numbers. */
public enum InetFamily {
    IPV4(2), IPV6(10);

    public final int linuxValue;

    InetFamily(int v) { this.linuxValue = v; }

    public static InetFamily fromLinux(int v) {
        return switch (v) {
            case 2 -> IPV4;
            case 10 -> IPV6;
            default -> throw new IllegalArgumentException("not an inet family: " + v);
        };
    }

    public String label() { return this == IPV4 ? "inet" : "inet6"; }
}
