package org.criuatlas.model;

/** Unix socket state, with the kernel's TCP_* numbers that sock_diag and CRIU images use. */
public enum SocketState {
    ESTABLISHED(1), CONNECTING(2), UNCONNECTED(7), LISTEN(10), OTHER(-1);

    public final int linuxValue;

    SocketState(int v) { this.linuxValue = v; }

    /** values() copies its array on every call: one per socket of a dump. */
    private static final SocketState[] ALL = values();

    public static SocketState fromLinux(int v) {
        for (SocketState s : ALL) if (s.linuxValue == v) return s;
        return OTHER;
    }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
