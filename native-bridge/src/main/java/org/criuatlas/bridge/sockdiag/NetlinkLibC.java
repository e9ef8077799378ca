package org.criuatlas.bridge.sockdiag;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The libc calls a netlink sock_diag dump needs; errno comes back as LastErrorException. */
interface NetlinkLibC extends Library {
    NetlinkLibC C = Native.load("c", NetlinkLibC.class);

    int AF_NETLINK = 16;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_SOCK_DIAG = 4;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen) throws LastErrorException;

    long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;
}
