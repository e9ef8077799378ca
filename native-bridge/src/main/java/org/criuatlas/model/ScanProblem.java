package org.criuatlas.model;

/**
 * Something a scan could not see, recorded instead of thrown.
 *
 * @param pid    the process concerned, 0 for the scan as a whole
 * @param what   what was being read ("fds", "cmdline", "sock_diag", "images/files.img@1234", ...)
 * @param reason plain words ("no permission", "process exited during the scan", ...)
 */
public record ScanProblem(int pid, String what, String reason) {
    @Override
    public String toString() {
        return (pid != 0 ? "pid " + pid + ": " : "") + what + ": " + reason;
    }
}
