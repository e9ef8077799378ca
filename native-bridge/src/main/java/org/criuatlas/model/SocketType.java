package org.criuatlas.model;

/** Unix socket type with the kernel's SOCK_* numbers. */
public enum SocketType {
    STREAM(1), DGRAM(2), SEQPACKET(5), UNKNOWN(-1);

    public final int linuxValue;

    SocketType(int v) { this.linuxValue = v; }

    /** values() copies its array on every call: one per socket of a dump. */
    private static final SocketType[] ALL = values();

    public static SocketType fromLinux(int v) {
        for (SocketType t : ALL) if (t.linuxValue == v) return t;
        return UNKNOWN;
    }

    /** CRIU treats SEQPACKET like STREAM for external peers ("Can't dump half of stream..."). */
    public boolean isConnectionOriented() { return this == STREAM || this == SEQPACKET; }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
