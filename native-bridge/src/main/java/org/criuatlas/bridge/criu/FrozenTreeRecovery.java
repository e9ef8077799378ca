package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.proc.ProcStat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Keeps a dumped tree running when its dump worker is killed. Measured on CRIU 4.1.1 / Linux 6.18:
 * SIGKILL of the worker while the tree is frozen (at {@code query-ext-files}) leaves no task
 * stopped, because the kernel detaches a dead tracer's tracees and wakes them. Still, a task CRIU
 * left stopped would stay so: this remembers every task's state before the dump and afterwards
 * continues (SIGCONT) each task that ran before and is stopped now; a task that was stopped before
 * the dump stays stopped.
 */
final class FrozenTreeRecovery {
    private final Map<Integer, Character> before;

    private FrozenTreeRecovery(Map<Integer, Character> before) {
        this.before = before;
    }

    /** The states of the tree rooted at {@code root} now; take it before criu gets the request. */
    static FrozenTreeRecovery snapshot(int root) {
        return new FrozenTreeRecovery(treeStates(root));
    }

    /** Nothing to recover (requests that freeze nothing). */
    static FrozenTreeRecovery none() {
        return new FrozenTreeRecovery(Map.of());
    }

    /** pid → state letter for the tree rooted at {@code root} (from /proc, through the one stat parser). */
    static Map<Integer, Character> treeStates(int root) {
        Map<Integer, Character> out = new LinkedHashMap<>();
        for (int pid : LiveProcesses.subtree(root)) LiveProcesses.stat(pid).ifPresent(st -> out.put(pid, st.state()));
        return out;
    }

    /** The state letter of {@code pid} from /proc/PID/stat ('Z' = zombie), null when it is gone. */
    static Character state(int pid) {
        return LiveProcesses.stat(pid).map(ProcStat::state).orElse(null);
    }

    /**
     * After the worker was killed and reaped: continues every task that ran before and is stopped
     * now; returns those pids. The kernel wakes a dead tracer's tracees asynchronously, so a stopped
     * task is looked at again a few times before it is judged left stopped (this runs only after a
     * kill, never on the way of a dump that worked).
     */
    List<Integer> release() {
        List<Integer> continued = new ArrayList<>();
        for (int round = 0; round < 5 && !before.isEmpty(); round++) {
            List<Integer> stopped = new ArrayList<>();
            before.forEach((pid, was) -> {
                Character now = state(pid);
                if (now != null && (now == 'T' || now == 't') && was != 'T' && was != 't') stopped.add(pid);
            });
            if (stopped.isEmpty()) return continued;
            if (round < 4) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                continue;
            }
            for (int pid : stopped) if (LibC.kill(pid, LibC.SIGCONT)) continued.add(pid);
        }
        return continued;
    }
}
