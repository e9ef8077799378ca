package org.criuatlas.bridge.sockdiag;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc calls a sock_diag dump needs, bound with JNA direct mapping (the cheapest JNA call).
 * Failures arrive as LastErrorException carrying errno.
 */
final class DiagSyscalls {
    static {
        org.criuatlas.bridge.jna.JnaStart.prepare();
        Native.register(DiagSyscalls.class, NativeLibrary.getInstance("c"));
    }

    private DiagSyscalls() {}

    static final int AF_NETLINK = 16;
    static final int NETLINK_SOCK_DIAG = 4;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int EINTR = 4;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen) throws LastErrorException;

    static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
