package org.criuatlas.bridge.sockdiag;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * One NETLINK_SOCK_DIAG socket and its receive buffer. A netlink socket answers for the net
 * namespace it was created in, whichever thread uses it later: create it on a thread that entered
 * another namespace to dump that namespace's sockets. Not thread-safe; close it when done.
 */
public final class DiagSocket implements AutoCloseable {
    /** The kernel fills at most about 32 KiB per recv of a dump; a little more is harmless. */
    private static final int BUFFER = 64 * 1024;
    private final int fd;
    private final Memory buf = new Memory(BUFFER);
    private final Memory out = new Memory(256);
    /** struct sockaddr_nl of the kernel: family AF_NETLINK, pid 0, groups 0. */
    private final Memory kernel = new Memory(12);
    private int seq;
    /** A malformed reply may leave the rest of its dump queued: no further request would be read right. */
    private boolean broken;

    private DiagSocket(int fd) {
        this.fd = fd;
        kernel.clear();
        kernel.setShort(0, (short) DiagSyscalls.AF_NETLINK);
    }

    /**
     * A sock_diag socket in the calling thread's net namespace.
     *
     * @throws SockDiagException naming socket(2) and the errno
     */
    public static DiagSocket open() {
        try {
            return new DiagSocket(DiagSyscalls.socket(DiagSyscalls.AF_NETLINK,
                    DiagSyscalls.SOCK_DGRAM | DiagSyscalls.SOCK_CLOEXEC, DiagSyscalls.NETLINK_SOCK_DIAG));
        } catch (LastErrorException e) {
            throw new SockDiagException("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", e.getErrorCode());
        }
    }

    /** The next sequence number for a request built by a parser's {@code request(seq, ...)}. */
    public int nextSeq() { return ++seq; }

    /**
     * Sends one dump request and feeds every reply to {@code parser} until NLMSG_DONE.
     *
     * @param rawTap sees a copy of each received buffer (how test fixtures are captured); may be null
     * @throws SockDiagException naming the failed syscall, or the kernel's error for the request
     */
    public <T, P extends DiagParser<T>> P dump(ByteBuffer request, P parser, Consumer<ByteBuffer> rawTap) {
        if (broken) throw new SockDiagException("sock_diag", "socket unusable after a malformed reply");
        int n = request.remaining();
        if (n > out.size()) throw new IllegalArgumentException("request of " + n + " bytes");
        byte[] req = new byte[n];
        request.duplicate().get(req);
        out.write(0, req, 0, n);
        while (true) {
            try {
                DiagSyscalls.sendto(fd, out, n, 0, kernel, 12);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != DiagSyscalls.EINTR) throw new SockDiagException("sendto(sock_diag request)", e.getErrorCode());
            }
        }
        ByteOrder order = ByteOrder.nativeOrder();
        ByteBuffer view = buf.getByteBuffer(0, BUFFER).order(order);
        while (true) {
            long got;
            try {
                got = DiagSyscalls.recv(fd, buf, BUFFER, 0);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == DiagSyscalls.EINTR) continue;
                throw new SockDiagException("recv(sock_diag)", e.getErrorCode());
            }
            if (got == 0) throw new SockDiagException("recv(sock_diag)", "end of stream before NLMSG_DONE");
            view.clear().limit((int) got);
            if (rawTap != null) {
                ByteBuffer copy = ByteBuffer.allocate((int) got).order(order);
                copy.put(view.duplicate()).flip();
                rawTap.accept(copy);
            }
            try {
                if (parser.accept(view)) return parser;
            } catch (SockDiagException e) {
                if (e.errno() == 0) broken = true; // a kernel error ends its dump; a parse error does not
                throw e;
            }
        }
    }

    @Override
    public void close() {
        try {
            DiagSyscalls.close(fd);
        } catch (LastErrorException ignored) {
            // closing a netlink socket cannot lose data; nothing to report
        }
        buf.close();
        out.close();
        kernel.close();
    }
}
