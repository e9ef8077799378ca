package org.criuatlas.bridge.os;

/**
 * A failed system call: names the call (with its argument when that helps, e.g. {@code connect(/run/x.sock)})
 * and the errno, with the C library's text for it.
 */
public class SyscallException extends RuntimeException {
    private final String syscall;
    private final int errno;

    public SyscallException(String syscall, int errno, String errnoText) {
        super(syscall + " failed: " + errnoText + " (errno " + errno + ")");
        this.syscall = syscall;
        this.errno = errno;
    }

    /** The call that failed, as named in the message. */
    public String syscall() { return syscall; }

    /** The errno it set (or returned, for the posix_spawn family). */
    public int errno() { return errno; }
}
