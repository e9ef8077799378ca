package org.criuatlas.bridge.sockdiag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;

import org.criuatlas.model.UnixSocket;

/**
 * Dumps every unix socket of the caller's network namespace through NETLINK_SOCK_DIAG. One call,
 * one netlink socket, closed before returning.
 */
public final class UnixSocketDump {
    private UnixSocketDump() {}

    /** The result of one dump; {@code interrupted} when the kernel says sockets changed meanwhile. */
    public record Result(List<UnixSocket> sockets, boolean interrupted) {}

    /** @throws SockDiagException naming the failed syscall */
    public static Result dump() {
        return dump(null);
    }

    /**
     * As {@link #dump()}; {@code rawTap} (may be null) sees a copy of each received buffer, which
     * is how test fixtures are captured.
     */
    public static Result dump(Consumer<ByteBuffer> rawTap) {
        try (DiagSocket s = DiagSocket.open()) {
            UnixDiagParser p = s.dump(UnixDiagParser.request(s.nextSeq(), ByteOrder.nativeOrder()), new UnixDiagParser(), rawTap);
            return new Result(List.copyOf(p.sockets()), p.interrupted());
        }
    }
}
