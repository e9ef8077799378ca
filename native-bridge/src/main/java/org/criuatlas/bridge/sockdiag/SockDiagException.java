package org.criuatlas.bridge.sockdiag;

/** A failed netlink sock_diag call, naming the syscall and the errno. */
public final class SockDiagException extends RuntimeException {
    private final String syscall;
    private final int errno;

    public SockDiagException(String syscall, int errno) {
        super(syscall + " failed: " + ErrnoNames.describe(errno));
        this.syscall = syscall;
        this.errno = errno;
    }

    public SockDiagException(String syscall, String detail) {
        super(syscall + ": " + detail);
        this.syscall = syscall;
        this.errno = 0;
    }

    public String syscall() { return syscall; }

    /** The errno, 0 when the failure was a malformed reply. */
    public int errno() { return errno; }
}
