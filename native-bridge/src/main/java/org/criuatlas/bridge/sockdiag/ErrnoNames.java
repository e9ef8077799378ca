package org.criuatlas.bridge.sockdiag;

/** Names for the errno values netlink calls return here (asm-generic/errno-base.h, errno.h). */
final class ErrnoNames {
    private ErrnoNames() {}

    static String describe(int errno) {
        String n = switch (errno) {
            case 1 -> "EPERM (operation not permitted)";
            case 2 -> "ENOENT (no such entry)";
            case 4 -> "EINTR (interrupted)";
            case 9 -> "EBADF (bad file descriptor)";
            case 11 -> "EAGAIN (try again)";
            case 12 -> "ENOMEM (out of memory)";
            case 13 -> "EACCES (permission denied)";
            case 14 -> "EFAULT (bad address)";
            case 22 -> "EINVAL (invalid argument)";
            case 24 -> "EMFILE (too many open files)";
            case 93 -> "EPROTONOSUPPORT (protocol not supported: is CONFIG_UNIX_DIAG off?)";
            case 97 -> "EAFNOSUPPORT (address family not supported)";
            case 105 -> "ENOBUFS (no buffer space)";
            default -> "errno " + errno;
        };
        return n;
    }
}
