package org.criuatlas.bridge.sockdiag;

/** Names for the errno values the scan's system calls return (asm-generic/errno-base.h, errno.h). */
public final class ErrnoNames {
    private ErrnoNames() {}

    /** "EACCES (permission denied)" for 13; "errno N" for numbers this list does not name. */
    public static String describe(int errno) {
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
            case 3 -> "ESRCH (no such process)";
            case 6 -> "ENXIO (no such device or address)";
            case 16 -> "EBUSY (device or resource busy)";
            case 38 -> "ENOSYS (function not implemented)";
            case 93 -> "EPROTONOSUPPORT (protocol not supported: is this sock_diag module built?)";
            case 95 -> "EOPNOTSUPP (operation not supported)";
            case 97 -> "EAFNOSUPPORT (address family not supported)";
            case 105 -> "ENOBUFS (no buffer space)";
            default -> "errno " + errno;
        };
        return n;
    }
}
