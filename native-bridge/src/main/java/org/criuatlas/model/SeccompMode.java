package org.criuatlas.model;

/** The "Seccomp:" line of /proc/PID/status. */
public enum SeccompMode {
    DISABLED, STRICT, FILTER, UNKNOWN;

    public static SeccompMode fromStatus(int v) {
        return switch (v) {
            case 0 -> DISABLED;
            case 1 -> STRICT;
            case 2 -> FILTER;
            default -> UNKNOWN;
        };
    }
}
