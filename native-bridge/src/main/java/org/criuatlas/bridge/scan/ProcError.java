package org.criuatlas.bridge.scan;

/** A failed read under /proc, with its errno; cheap to throw (no stack trace): it is expected. */
final class ProcError extends Exception {
    final int errno;
    final String syscall;

    ProcError(String syscall, int errno) {
        super(syscall + ": errno " + errno, null, false, false);
        this.syscall = syscall;
        this.errno = errno;
    }

    /** The object is gone: the process exited or the fd was closed. */
    boolean vanished() { return errno == ProcSyscalls.ENOENT || errno == ProcSyscalls.ESRCH; }

    boolean denied() { return errno == ProcSyscalls.EACCES || errno == ProcSyscalls.EPERM; }
}
