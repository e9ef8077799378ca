package org.criuatlas.bridge.os;

import org.criuatlas.bridge.criu.FdEvents;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.proc.LiveProcesses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Acting on processes by pid, which the JDK can only do for its own children: signals, reaping a
 * child someone else started for us (a restored tree when CRIU Atlas is their subreaper), and waiting
 * for any process to end on a pidfd (a readiness signal, not a polling loop).
 */
public final class Processes {
    /** The signals CRIU Atlas sends. */
    public enum Signal {
        TERM(LibC.SIGTERM), KILL(LibC.SIGKILL), CONT(LibC.SIGCONT), USR1(10);

        public final int number;

        Signal(int number) { this.number = number; }
    }

    private Processes() {}

    /** kill(pid, sig); false when there is no such process. */
    public static boolean signal(int pid, Signal sig) {
        if (pid <= 0) throw new IllegalArgumentException("pid " + pid + " names no single process");
        return Fd.call(() -> LibC.kill(pid, sig.number));
    }

    /** kill(-pgid, sig): every process in the group {@code pgid}; false when the group is empty. */
    public static boolean signalGroup(int pgid, Signal sig) {
        if (pgid <= 1) throw new IllegalArgumentException("process group " + pgid);
        return Fd.call(() -> LibC.kill(-pgid, sig.number));
    }

    /**
     * Reaps {@code pid} if it is our child and has ended (else nothing): a zombie child of ours would
     * keep its pid taken forever.
     */
    public static void reapIfOurs(int pid) {
        try {
            LibC.waitpid(pid, LibC.WNOHANG);
        } catch (LibC.SyscallException e) {
            // ECHILD: not our child, its own parent reaps it
        }
    }

    /** Those of {@code pids} that still hold their pid, after reaping the ones that are our ended children. */
    public static List<Integer> stillPresent(Collection<Integer> pids) {
        List<Integer> left = new ArrayList<>();
        for (int p : pids) {
            reapIfOurs(p);
            if (LiveProcesses.exists(p)) left.add(p);
        }
        return left;
    }

    /**
     * Waits at most {@code timeout} until {@code pid} has ended and its pid is free (true), woken by the
     * kernel through a pidfd. An ended child of ours is reaped here; someone else's zombie counts once its
     * parent has reaped it.
     */
    public static boolean awaitEnd(int pid, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        if (!awaitExit(pid, timeout)) return false;
        reapIfOurs(pid);
        return awaitGone(pid, end);
    }

    /**
     * Waits at most {@code timeout} until {@code pid} has exited (it may still be an unreaped zombie);
     * true at once when there is no such process. Nothing is reaped.
     */
    public static boolean awaitExit(int pid, Duration timeout) {
        int pidfd;
        try {
            pidfd = FdEvents.pidfdOpen(pid);
        } catch (LibC.SyscallException e) {
            if (e.errno() == LibC.ESRCH) return true;
            throw Fd.translate(e);
        }
        long end = System.nanoTime() + timeout.toNanos();
        try (Fd fd = Fd.adopt(pidfd, Fd.Kind.FILE)) {
            // poll returns early on a signal: wait again for what is left
            while (!fd.awaitReadable(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) {
                if (System.nanoTime() >= end || Thread.currentThread().isInterrupted()) return false;
            }
            return true;
        }
    }

    /** After it exited: until its parent reaps it, bounded by {@code end}. */
    private static boolean awaitGone(int pid, long end) {
        // Only the parent's wait() frees the pid and nothing signals us when that happens; this is the
        // one place a short re-check is the only option.
        while (LiveProcesses.exists(pid)) {
            if (System.nanoTime() >= end || Thread.currentThread().isInterrupted()) return false;
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            reapIfOurs(pid);
        }
        return true;
    }

    /** SIGKILL every pid of {@code pids}, children first, and wait (at most {@code timeout}) until all are gone. */
    public static List<Integer> killAll(List<Integer> pids, Duration timeout) {
        List<Integer> order = new ArrayList<>(pids);
        java.util.Collections.reverse(order);
        for (int p : order) if (p > 1) signal(p, Signal.KILL);
        long end = System.nanoTime() + timeout.toNanos();
        for (int p : order) awaitEnd(p, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        return stillPresent(pids);
    }
}
