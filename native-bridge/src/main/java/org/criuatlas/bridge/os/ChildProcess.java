package org.criuatlas.bridge.os;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.PosixSpawn;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A process this one started with chosen fds as its stdin/stdout/stderr, in a process group of its
 * own. The JDK's ProcessBuilder can only give a child pipes or files it opens itself, not an existing
 * socket or pipe end, hence posix_spawn. Reaped here (poll/wait), stopped with its whole group by
 * {@link #terminate(Duration)}.
 */
public final class ChildProcess implements AutoCloseable {
    /** How a child ended, from its raw wait status. */
    public record Exit(int rawStatus) {
        /** The exit code, or -1 when a signal ended it. */
        public int code() { return (rawStatus & 0x7f) == 0 ? (rawStatus >> 8) & 0xff : -1; }

        /** The signal that ended it, 0 when it exited. */
        public int signal() { return (rawStatus & 0x7f) == 0x7f ? 0 : rawStatus & 0x7f; }

        /** "exit 1" / "killed by signal 9". */
        @Override public String toString() { return LibC.describeWaitStatus(rawStatus); }
    }

    private final int pid;
    private volatile Exit exit;

    private ChildProcess(int pid) {
        this.pid = pid;
    }

    /**
     * Starts {@code /bin/sh -c command} with {@code stdin}, {@code stdout} and {@code stderr} (null:
     * /dev/null) as its fds 0, 1 and 2 and nothing else of ours; {@code environment} is its whole
     * environment. Our fds stay ours: close them when the child should be the only holder.
     */
    public static ChildProcess startShell(String command, Map<String, String> environment, Fd stdin, Fd stdout, Fd stderr) {
        String[] env = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        int pid = Fd.callInt(() -> PosixSpawn.spawnShell(command, env, num(stdin), num(stdout), num(stderr)));
        return new ChildProcess(pid);
    }

    private static int num(Fd fd) {
        return fd == null ? -1 : fd.number();
    }

    public int pid() { return pid; }

    /** Its exit, reaping it if it has ended; empty while it runs. */
    public synchronized Optional<Exit> poll() {
        if (exit == null) {
            try {
                Integer st = LibC.waitpid(pid, LibC.WNOHANG);
                if (st != null) exit = new Exit(st);
            } catch (LibC.SyscallException e) {
                if (e.errno() != LibC.ECHILD) throw Fd.translate(e);
                exit = new Exit(0); // reaped by someone else (a subreaper's sweep): it has ended
            }
        }
        return Optional.ofNullable(exit);
    }

    /** Waits at most {@code timeout} for it to end (woken by the kernel through a pidfd); empty when it still runs. */
    public Optional<Exit> waitFor(Duration timeout) {
        Optional<Exit> e = poll();
        if (e.isPresent() || !Processes.awaitExit(pid, timeout)) return e;
        return poll();
    }

    /**
     * Stops it and everything in its process group: SIGTERM, then SIGKILL after {@code grace}; returns
     * how it ended. Nothing if it had already ended.
     */
    public Exit terminate(Duration grace) {
        Optional<Exit> e = poll();
        if (e.isPresent()) return e.get();
        Processes.signalGroup(pid, Processes.Signal.TERM);
        e = waitFor(grace);
        if (e.isPresent()) return e.get();
        Processes.signalGroup(pid, Processes.Signal.KILL);
        return waitFor(Duration.ofSeconds(10)).orElseThrow(() -> new IllegalStateException("pid " + pid + " survived SIGKILL"));
    }

    /** {@link #terminate(Duration)} with one second of grace. */
    @Override
    public void close() {
        terminate(Duration.ofSeconds(1));
    }
}
