package org.criuatlas.model;

/**
 * Something a scan could not see, recorded instead of thrown.
 *
 * @param pid    the process concerned, 0 for the scan as a whole
 * @param what   what was being read ("fds", "cmdline", "sock_diag", "images/files.img@1234", ...)
 * @param reason plain words ("no permission", "process exited during the scan", ...), with the
 *               errno's name where a system call failed
 * @param kind   why, as a category a planner can act on
 */
public record ScanProblem(int pid, String what, String reason, Kind kind) {
    public enum Kind {
        /** The process exited or the fd was closed while the scan read it. */
        VANISHED,
        /** EACCES/EPERM: not allowed to read it. */
        NO_PERMISSION,
        /** A namespace (net, IPC) whose objects could not be read because it could not be entered. */
        NAMESPACE_NOT_ENTERED,
        /** The kernel has no way to report this (a sock_diag handler missing, an old kernel). */
        UNSUPPORTED,
        /** The kernel's data changed while it was listed (sock_diag NLM_F_DUMP_INTR). */
        INCONSISTENT,
        /** Text or bytes that are not what the kernel writes there. */
        MALFORMED,
        OTHER
    }

    public ScanProblem {
        kind = kind == null ? Kind.OTHER : kind;
    }

    public ScanProblem(int pid, String what, String reason) {
        this(pid, what, reason, Kind.OTHER);
    }

    @Override
    public String toString() {
        return (pid != 0 ? "pid " + pid + ": " : "") + what + ": " + reason;
    }
}
