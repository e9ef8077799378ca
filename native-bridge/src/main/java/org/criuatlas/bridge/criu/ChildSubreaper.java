package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.proc.ProcStat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * This process as the reaper of restored trees. CRIU restores a tree with its old pids, so the old
 * tree must be not only dead but reaped first ("Can't fork for PID: File exists" otherwise). As a
 * child subreaper this process inherits every orphan below it (a restored root once criu exits, the
 * children of a killed parent) and can reap them itself, with blocking waits instead of polling
 * /proc until someone else has.
 */
public final class ChildSubreaper {
    private ChildSubreaper() {}

    /** Orphaned descendants become children of this process (prctl PR_SET_CHILD_SUBREAPER). */
    public static void become() {
        LibC.becomeChildSubreaper();
    }

    /** The parent of {@code pid} from /proc/PID/stat; empty when the process is gone. */
    public static OptionalInt parentOf(int pid) {
        try {
            return OptionalInt.of(ProcStat.parse(Files.readString(Path.of("/proc", Integer.toString(pid), "stat"))).ppid());
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * SIGKILLs every pid and returns once each one is reaped (its pid free again). {@code parentsFirst}
     * lists a tree with each parent before its children (breadth-first from the root) and must lie
     * below this subreaper: a parent reaped here has handed its children to us before its own exit
     * became visible, so each wait is on our own child or finds it already reaped by its parent.
     *
     * @throws IllegalStateException naming the pids still present (not below this process)
     */
    public static void killAndReap(List<Integer> parentsFirst) {
        for (int pid : parentsFirst) if (pid > 1) LibC.kill(pid, LibC.SIGKILL);
        for (int pid : parentsFirst) {
            if (pid <= 1) continue;
            try {
                LibC.waitpid(pid, 0);
            } catch (LibC.SyscallException e) {
                // ECHILD: not ours: its parent, alive when it died, reaped it (checked below)
                if (e.errno() != LibC.ECHILD) throw e;
            }
        }
        List<Integer> left = new ArrayList<>();
        for (int pid : parentsFirst) if (pid > 1 && Files.exists(Path.of("/proc", Integer.toString(pid)))) left.add(pid);
        if (!left.isEmpty())
            throw new IllegalStateException("still present after kill and reap (not below this subreaper?): " + left);
    }
}
