package org.criuatlas.bridge.criu;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import org.criuatlas.bridge.criu.LibC.SyscallException;

import java.nio.charset.StandardCharsets;

import static org.criuatlas.bridge.criu.LibC.AF_UNIX;
import static org.criuatlas.bridge.criu.LibC.C;
import static org.criuatlas.bridge.criu.LibC.EINTR;
import static org.criuatlas.bridge.criu.LibC.MSG_NOSIGNAL;
import static org.criuatlas.bridge.criu.LibC.MSG_PEEK;
import static org.criuatlas.bridge.criu.LibC.MSG_TRUNC;
import static org.criuatlas.bridge.criu.LibC.SOCK_CLOEXEC;
import static org.criuatlas.bridge.criu.LibC.close;

/**
 * The socket calls of {@link LibC}: socketpair/socket/connect on unix sockets, raw send/sendto/recv
 * (retried on EINTR) and whole-packet receive, shutdown. Every call that fails throws
 * {@link SyscallException} naming the syscall.
 */
public final class UnixSockets {
    private UnixSockets() {}

    /** Two connected unix sockets of {@code type} (SOCK_* possibly or'ed with SOCK_CLOEXEC). */
    public static int[] socketpair(int type) {
        int[] sv = new int[2];
        try {
            C.socketpair(AF_UNIX, type, 0, sv);
        } catch (LastErrorException e) {
            throw new SyscallException("socketpair", e.getErrorCode());
        }
        return sv;
    }

    /** socket(2): a new socket of any family (unix, netlink, ...). */
    public static int socket(int domain, int type, int protocol) {
        try {
            return C.socket(domain, type, protocol);
        } catch (LastErrorException e) {
            throw new SyscallException("socket", e.getErrorCode());
        }
    }

    /**
     * A new unix socket of {@code type} (any type; the JDK does stream only) connected to the
     * filesystem {@code path}; blocking, close-on-exec.
     */
    public static int connectUnix(String path, int type) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length > 107) throw new IllegalArgumentException("socket path longer than 107 bytes: " + path);
        byte[] addr = new byte[110];
        addr[0] = (byte) AF_UNIX; // sa_family_t, little-endian
        System.arraycopy(p, 0, addr, 2, p.length);
        int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
        try {
            C.connect(fd, addr, 2 + p.length + 1);
            return fd;
        } catch (LastErrorException e) {
            close(fd);
            throw new SyscallException("connect(" + path + ")", e.getErrorCode());
        }
    }

    /** shutdown(2); false when it fails (already closed or not connected: nothing more to tell the peer). */
    public static boolean shutdown(int fd, int how) {
        try {
            C.shutdown(fd, how);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /** sendto(2) of one datagram to {@code addr} (a raw struct sockaddr); retries on EINTR. */
    public static int sendto(int fd, byte[] data, int flags, byte[] addr) {
        while (true) {
            try {
                return (int) C.sendto(fd, data, data.length, flags, addr, addr.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("sendto", e.getErrorCode());
            }
        }
    }

    /** send(2) of a whole packet; retries on EINTR. */
    public static int send(int fd, byte[] data, int flags) {
        while (true) {
            try {
                return (int) C.send(fd, data, data.length, flags | MSG_NOSIGNAL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("send", e.getErrorCode());
            }
        }
    }

    /** recv(2) into buf; returns the byte count (or the full packet size with MSG_TRUNC). */
    public static int recv(int fd, byte[] buf, int flags) {
        while (true) {
            try {
                return (int) C.recv(fd, buf, buf.length, flags);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("recv", e.getErrorCode());
            }
        }
    }

    /** recv(2) into native memory; returns the byte count; retries on EINTR. */
    public static long recv(int fd, Pointer buf, long len, int flags) {
        while (true) {
            try {
                return C.recv(fd, buf, len, flags);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("recv", e.getErrorCode());
            }
        }
    }

    /** One whole SEQPACKET/DGRAM packet, sized with MSG_PEEK|MSG_TRUNC first; null on EOF. */
    public static byte[] recvPacket(int fd) {
        int size = recv(fd, new byte[1], MSG_PEEK | MSG_TRUNC);
        if (size == 0) {
            // Either EOF or a zero-length packet: consume it to tell which.
            int n = recv(fd, new byte[1], 0);
            return n == 0 ? null : new byte[0];
        }
        byte[] buf = new byte[size];
        int n = recv(fd, buf, 0);
        if (n == size) return buf;
        byte[] cut = new byte[n];
        System.arraycopy(buf, 0, cut, 0, n);
        return cut;
    }
}
