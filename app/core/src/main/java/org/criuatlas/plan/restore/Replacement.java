package org.criuatlas.plan.restore;

import org.criuatlas.model.SocketType;

/**
 * The new object CRIU Atlas creates for one inherited key: a socketpair of the image socket's type,
 * or a pipe whose end for criu has the direction the dumped end had.
 *
 * @param socketType      for a socketpair: its type; null for a pipe
 * @param criuGetsReadEnd for a pipe: true when criu gets the read end (the dumped end was the read end)
 */
public record Replacement(SocketType socketType, boolean criuGetsReadEnd) {
    public static Replacement socketpair(SocketType t) {
        if (t == null || t == SocketType.UNKNOWN) throw new IllegalArgumentException("a socketpair needs stream, dgram or seqpacket");
        return new Replacement(t, false);
    }

    public static Replacement pipe(boolean criuGetsReadEnd) { return new Replacement(null, criuGetsReadEnd); }

    public boolean isPipe() { return socketType == null; }

    /** True when the end CRIU Atlas keeps can receive data from the restored process. */
    public boolean ourEndReads() { return !isPipe() || !criuGetsReadEnd; }

    /** True when the end CRIU Atlas keeps can send data to the restored process. */
    public boolean ourEndWrites() { return !isPipe() || criuGetsReadEnd; }

    public String describe() {
        if (!isPipe()) return "a new " + socketType.label() + " socketpair (blocking)";
        return criuGetsReadEnd ? "a new pipe: criu gets the read end, the write end goes out"
                : "a new pipe: criu gets the write end, the read end goes out";
    }
}
