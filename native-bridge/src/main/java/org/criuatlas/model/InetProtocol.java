package org.criuatlas.model;

/** The transport of an inet socket, with the IPPROTO_* number sock_diag is asked with. */
public enum InetProtocol {
    TCP(6), UDP(17), UDPLITE(136),
    /** SOCK_RAW sockets (the IP protocol they carry is in {@link InetSocket#ipProtocol()}). */
    RAW(255),
    /** Unprivileged ICMP "ping" sockets (SOCK_DGRAM, IPPROTO_ICMP/ICMPV6); sock_diag has no handler for them. */
    PING(1);

    public final int linuxValue;

    InetProtocol(int v) { this.linuxValue = v; }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
