package org.criuatlas.host;


import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.proc.ProcStat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Checks the dumped processes on the host. Blocking (it re-checks briefly): call it off the FX thread. */
@FunctionalInterface
public interface TargetProbe {
    /** The process state letter from {@code /proc/PID/stat}, null when there is no such process. */
    Character state(int pid);

    /** Reads /proc. */
    TargetProbe PROC = pid -> LiveProcesses.stat(pid).map(ProcStat::state).orElse(null);

    /**
     * Checks {@code root} and {@code others}. A stopped task is checked again for up to {@code settle}:
     * the kernel wakes a dead tracer's tracees asynchronously.
     */
    default TargetState check(int root, Collection<Integer> others, Duration settle) {
        Set<Integer> pids = new LinkedHashSet<>();
        pids.add(root);
        pids.addAll(others);
        long end = System.nanoTime() + settle.toNanos();
        while (true) {
            List<Integer> gone = new ArrayList<>(), stopped = new ArrayList<>();
            for (int p : pids) {
                Character s = state(p);
                if (s == null || s == 'Z' || s == 'X' || s == 'x') gone.add(p);
                else if (s == 'T' || s == 't') stopped.add(p);
            }
            if (stopped.isEmpty() || System.nanoTime() >= end) return judge(root, pids.size(), gone, stopped);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return judge(root, pids.size(), gone, stopped);
            }
        }
    }

    private static TargetState judge(int root, int checked, List<Integer> gone, List<Integer> stopped) {
        boolean running = gone.isEmpty() && stopped.isEmpty();
        String text;
        if (running) {
            text = "The target is still running: pid " + root + (checked > 1 ? " and its " + (checked - 1) + " other process"
                    + (checked == 2 ? "" : "es") : "") + " checked in /proc just now.";
        } else if (gone.contains(root)) {
            text = "The target is NOT running: pid " + root + " no longer exists.";
        } else {
            List<String> parts = new ArrayList<>();
            if (!stopped.isEmpty()) parts.add("stopped: " + stopped);
            if (!gone.isEmpty()) parts.add("gone: " + gone);
            text = "The target is NOT fully running (" + String.join("; ", parts) + ").";
        }
        return new TargetState(root, running, gone, stopped, checked, text);
    }
}
