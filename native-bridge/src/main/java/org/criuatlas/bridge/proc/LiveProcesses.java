package org.criuatlas.bridge.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Facts about live processes read from /proc, one file at a time (the whole-machine walk is
 * {@code bridge.scan.LiveScanner}). Every /proc/PID/stat goes through the one parser, {@link ProcStat}.
 * A process that ends while it is read is simply absent: no method here throws for that.
 */
public final class LiveProcesses {
    private static final Path PROC = Path.of("/proc");
    /** A guard against a runaway walk (a pid loop cannot happen, but a fork bomb can). */
    static final int MAX_TREE = 100_000;

    private LiveProcesses() {}

    /** True while {@code pid} exists, a zombie included (it still holds its pid). */
    public static boolean exists(int pid) {
        return pid > 0 && Files.exists(PROC.resolve(Integer.toString(pid)));
    }

    /** Its /proc/PID/stat, empty when there is no such process (or it ended meanwhile). */
    public static Optional<ProcStat> stat(int pid) {
        if (pid <= 0) return Optional.empty();
        try {
            byte[] b = Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve("stat"));
            return Optional.of(ProcStat.parse(b, b.length));
        } catch (IOException | ProcFormatException e) {
            return Optional.empty();
        }
    }

    /** Its state, empty when there is no such process. */
    public static Optional<ProcessState> state(int pid) {
        return stat(pid).map(s -> ProcessState.of(s.state()));
    }

    /** True when it exists and has not ended (not a zombie). */
    public static boolean running(int pid) {
        return state(pid).map(ProcessState::alive).orElse(false);
    }

    /** /proc/PID/comm without the newline (the kernel cuts it at 15 bytes); empty when it is gone. */
    public static Optional<String> comm(int pid) {
        if (pid <= 0) return Optional.empty();
        try {
            return Optional.of(Files.readString(PROC.resolve(Integer.toString(pid)).resolve("comm")).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code root} and its descendants now, parents before children (from every thread's
     * {@code task/TID/children}); empty when root is gone.
     */
    public static List<Integer> subtree(int root) {
        Set<Integer> out = new LinkedHashSet<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty() && out.size() < MAX_TREE) {
            int pid = todo.removeFirst();
            if (!exists(pid) || !out.add(pid)) continue;
            todo.addAll(children(pid));
        }
        return List.copyOf(out);
    }

    /** Direct children of {@code pid} (every thread's), empty when it is gone. */
    public static List<Integer> children(int pid) {
        Set<Integer> kids = new LinkedHashSet<>();
        try (Stream<Path> tasks = Files.list(PROC.resolve(Integer.toString(pid)).resolve("task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String text;
                try {
                    text = Files.readString(t.resolve("children")).trim();
                } catch (NoSuchFileException gone) {
                    continue; // the thread ended meanwhile
                }
                if (!text.isEmpty()) for (String k : text.split("\\s+")) kids.add(Integer.parseInt(k));
            }
        } catch (IOException | RuntimeException e) {
            // the process ended meanwhile
        }
        return List.copyOf(kids);
    }

    /** This process's effective uid (/proc/self/status), -1 when it cannot be read. */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("self").resolve("status"))) {
                if (line.startsWith("Uid:")) return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return -1;
    }

    /** The running kernel's release (/proc/sys/kernel/osrelease, as `uname -r`), "" when unknown. */
    public static String kernelRelease() {
        try {
            return Files.readString(PROC.resolve("sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The first line of /proc/loadavg ("0.52 0.58 0.59 1/467 12345"), "" when it cannot be read. */
    public static String loadAverage() {
        try {
            return Files.readString(PROC.resolve("loadavg")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
