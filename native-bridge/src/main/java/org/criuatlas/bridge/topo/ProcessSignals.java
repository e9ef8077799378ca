package org.criuatlas.bridge.topo;

import org.criuatlas.bridge.criu.LibC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** kill(2) by pid and /proc checks: the JDK can only signal its own children. */
final class ProcessSignals {
    static final int SIGKILL = LibC.SIGKILL;
    static final int SIGUSR1 = 10;
    static final int SIGTERM = LibC.SIGTERM;

    private ProcessSignals() {}

    /** Sends {@code sig}; returns false when the process does not exist (ESRCH). */
    static boolean kill(int pid, int sig) {
        if (pid <= 0) throw new IllegalArgumentException("pid " + pid);
        try {
            return LibC.kill(pid, sig);
        } catch (LibC.SyscallException e) {
            throw new TopologyException(e.getMessage(), e);
        }
    }

    static boolean exists(int pid) {
        return Files.exists(Path.of("/proc", Integer.toString(pid)));
    }

    /** The state letter from /proc/PID/stat ('Z' = zombie), or 0 when the process is gone. */
    static char state(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return stat.charAt(close + 2);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** /proc/PID/comm without the newline, or null when the process is gone. */
    static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
