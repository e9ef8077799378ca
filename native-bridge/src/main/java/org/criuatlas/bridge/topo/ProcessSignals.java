package org.criuatlas.bridge.topo;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.proc.LiveProcesses;

/** kill(2) by pid for the topology builder (the JDK can only signal its own children), and its /proc checks. */
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
        return LiveProcesses.exists(pid);
    }

    /** The state letter from /proc/PID/stat ('Z' = zombie), or 0 when the process is gone. */
    static char state(int pid) {
        return LiveProcesses.stat(pid).map(s -> s.state()).orElse((char) 0);
    }

    /** /proc/PID/comm without the newline, or null when the process is gone. */
    static String comm(int pid) {
        return LiveProcesses.comm(pid).orElse(null);
    }
}
