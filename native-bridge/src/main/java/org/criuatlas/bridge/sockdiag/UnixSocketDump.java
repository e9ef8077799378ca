package org.criuatlas.bridge.sockdiag;

import com.sun.jna.Memory;
import org.criuatlas.bridge.criu.LibC;

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
    private static final int BUFFER = 64 * 1024;
    private static final int AF_NETLINK = 16;
    private static final int NETLINK_SOCK_DIAG = 4;

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
        int fd;
        try {
            fd = LibC.socket(AF_NETLINK, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        } catch (LibC.SyscallException e) {
            throw new SockDiagException("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", e.errno());
        }
        try (Memory mem = new Memory(BUFFER)) {
            ByteOrder order = ByteOrder.nativeOrder();
            ByteBuffer req = UnixDiagParser.request(1, order);
            byte[] reqBytes = new byte[req.remaining()];
            req.get(reqBytes);
            // struct sockaddr_nl {family=AF_NETLINK, pad, pid=0 (the kernel), groups=0}
            byte[] kernel = ByteBuffer.allocate(12).order(order).putShort((short) AF_NETLINK).array();
            try {
                LibC.sendto(fd, reqBytes, 0, kernel);
            } catch (LibC.SyscallException e) {
                throw new SockDiagException("sendto(sock_diag request)", e.errno());
            }
            UnixDiagParser parser = new UnixDiagParser();
            ByteBuffer view = mem.getByteBuffer(0, BUFFER).order(order);
            while (true) {
                long n;
                try {
                    n = LibC.recv(fd, mem, BUFFER, 0); // retries on EINTR
                } catch (LibC.SyscallException e) {
                    throw new SockDiagException("recv(sock_diag)", e.errno());
                }
                if (n == 0) throw new SockDiagException("recv(sock_diag)", "end of stream before NLMSG_DONE");
                view.clear().limit((int) n);
                if (rawTap != null) {
                    ByteBuffer copy = ByteBuffer.allocate((int) n).order(order);
                    copy.put(view.duplicate()).flip();
                    rawTap.accept(copy);
                }
                if (parser.accept(view)) break;
            }
            return new Result(List.copyOf(parser.sockets()), parser.interrupted());
        } finally {
            LibC.close(fd); // closing a netlink socket cannot lose data; nothing to report
        }
    }
}
