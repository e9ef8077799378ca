package org.criuatlas.model;

/**
 * The kernel's TCP_* socket states (include/net/tcp_states.h); UDP and raw sockets use
 * ESTABLISHED (connected) and CLOSE (not connected).
 */
public enum InetState {
    ESTABLISHED(1, "ESTAB"), SYN_SENT(2, "SYN-SENT"), SYN_RECV(3, "SYN-RECV"), FIN_WAIT1(4, "FIN-WAIT-1"),
    FIN_WAIT2(5, "FIN-WAIT-2"), TIME_WAIT(6, "TIME-WAIT"), CLOSE(7, "UNCONN"), CLOSE_WAIT(8, "CLOSE-WAIT"),
    LAST_ACK(9, "LAST-ACK"), LISTEN(10, "LISTEN"), CLOSING(11, "CLOSING"),
    /** A connection request not yet accepted into a listener's queue (no socket, no inode). */
    NEW_SYN_RECV(12, "SYN-RECV"),
    BOUND_INACTIVE(13, "BOUND-INACTIVE"), UNKNOWN(-1, "UNKNOWN");

    public final int linuxValue;
    /** How {@code ss} prints it. */
    public final String ssLabel;

    InetState(int v, String ssLabel) {
        this.linuxValue = v;
        this.ssLabel = ssLabel;
    }

    private static final InetState[] BY_VALUE = new InetState[14];

    static {
        for (InetState s : values()) if (s.linuxValue >= 0) BY_VALUE[s.linuxValue] = s;
    }

    public static InetState fromLinux(int v) {
        return v >= 0 && v < BY_VALUE.length && BY_VALUE[v] != null ? BY_VALUE[v] : UNKNOWN;
    }

    /** A TCP state in which the socket belongs to a connection with a remote end. */
    public boolean isConnected() {
        return switch (this) {
            case ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, LAST_ACK, CLOSING -> true;
            default -> false;
        };
    }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
