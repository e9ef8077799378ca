package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.trust.ChildEnvironment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@code criu swrk N} process: spawned with our end of the RPC socket and every handed-in fd at
 * the number criu must see, its stdout/stderr read line by line on a thread of its own, its exit
 * noticed through a pidfd (poll(2), no timer) and reaped exactly once, here.
 */
final class CriuWorker implements AutoCloseable {
    static final int OUTPUT_TAIL = 40;

    private final int pid;
    private final int exitFd;
    private final int outRead;
    private final Thread outputThread;
    private volatile Consumer<String> onOutput;
    private final Deque<String> outputTail = new ArrayDeque<>();
    private volatile boolean reaped;
    private volatile Integer exitStatus;

    private CriuWorker(int pid, int exitFd, int outRead, Consumer<String> onOutput) {
        this.pid = pid;
        this.exitFd = exitFd;
        this.outRead = outRead;
        this.onOutput = onOutput;
        this.outputThread = new Thread(this::pumpOutput, "criu-output-" + pid);
        outputThread.setDaemon(true);
    }

    /**
     * Spawns {@code criu swrk rpcFd} with {@code rpcEnd} placed at {@code rpcFd} and each handed-in fd
     * (criu fd → our fd) at its number; the caller closes its copy of {@code rpcEnd} afterwards.
     * Every output line goes to {@code onOutput} (on the output thread).
     */
    static CriuWorker spawn(Path criu, int rpcEnd, int rpcFd, Map<Integer, Integer> handIn, Consumer<String> onOutput) {
        List<int[]> placements = new ArrayList<>();
        placements.add(new int[] {rpcEnd, rpcFd});
        handIn.forEach((criuFd, ourFd) -> placements.add(new int[] {ourFd, criuFd}));
        String[] argv = {criu.toString(), "swrk", Integer.toString(rpcFd)};
        // an allow-listed environment: no LD_*, no CRIU_LIBS_DIR, nothing the caller happens to have
        String[] envp = ChildEnvironment.envp(ChildEnvironment.forCriu());
        int[] pipe = LibC.pipe(LibC.O_CLOEXEC);
        int pid;
        try {
            pid = PosixSpawn.spawn(argv, envp, placements.toArray(new int[0][]), pipe[1]);
        } catch (RuntimeException e) {
            LibC.close(pipe[0]);
            throw e;
        } finally {
            LibC.close(pipe[1]);
        }
        int exitFd;
        try {
            exitFd = FdEvents.pidfdOpen(pid);
        } catch (RuntimeException e) {
            LibC.kill(-pid, LibC.SIGKILL);
            LibC.waitpid(pid, 0);
            LibC.close(pipe[0]);
            throw e;
        }
        CriuWorker w = new CriuWorker(pid, exitFd, pipe[0], onOutput);
        w.outputThread.start();
        return w;
    }

    int pid() {
        return pid;
    }

    /** From now on every output line also goes to {@code to} (a spare worker's new session); the tail keeps them all. */
    void outputTo(Consumer<String> to) {
        onOutput = to;
    }

    /** True once the worker has exited (or was reaped): a spare that ended while it waited is of no use. */
    boolean exited() {
        return reaped || FdEvents.pollIn(exitFd, 0);
    }

    /** An fd that polls readable once the worker has exited (it stays unreaped until {@link #awaitExit}). */
    int exitFd() {
        return exitFd;
    }

    boolean reaped() {
        return reaped;
    }

    /** SIGKILL to the worker's process group (criu's helpers too); harmless once it has exited. */
    void kill() {
        if (!reaped) LibC.kill(-pid, LibC.SIGKILL);
    }

    /**
     * Waits until the worker has exited (it does right after its reply) and reaps it; after
     * {@code max} it is killed first. Returns the raw wait status, null when it could not be had.
     */
    synchronized Integer awaitExit(Duration max) {
        if (reaped) return exitStatus;
        if (FdEvents.pollInAny((int) Math.min(Integer.MAX_VALUE, max.toMillis()), exitFd) == 0) kill();
        try {
            exitStatus = LibC.waitpid(pid, 0);
        } catch (LibC.SyscallException e) {
            exitStatus = null; // ECHILD: somebody else reaped it
        }
        reaped = true;
        return exitStatus;
    }

    /** Kills the worker (if it still runs) and reaps it. */
    Integer killAndReap() {
        kill();
        return awaitExit(Duration.ofSeconds(10));
    }

    /** Waits for the end of criu's output (EOF once it and its helpers have exited), at most {@code max}. */
    void awaitOutput(Duration max) throws InterruptedException {
        outputThread.join(Math.max(1, max.toMillis()));
    }

    List<String> outputTail() {
        synchronized (outputTail) {
            return List.copyOf(outputTail);
        }
    }

    /** Adds a line to the output tail as if criu had written it (what the session did on its behalf). */
    void note(String line) {
        outputLine(line);
    }

    /** "exit 0", "killed by signal 9", or "exit status unknown". */
    String describeExit() {
        return exitStatus == null ? "exit status unknown" : LibC.describeWaitStatus(exitStatus);
    }

    /** Closes the exit fd; kills and reaps a worker that is still there. */
    @Override
    public void close() {
        if (!reaped) killAndReap();
        LibC.close(exitFd);
        // outRead belongs to the output thread, which closes it at EOF: closing it under a blocked
        // read would not wake the read, and the number could be reused under it
    }

    private void pumpOutput() {
        byte[] buf = new byte[8192];
        StringBuilder line = new StringBuilder();
        try {
            while (true) {
                int n = LibC.read(outRead, buf);
                if (n <= 0) break;
                String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '\n') {
                        outputLine(line.toString());
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // fd closed under us at the end of the session
        }
        if (line.length() > 0) outputLine(line.toString());
        LibC.close(outRead);
    }

    private void outputLine(String s) {
        synchronized (outputTail) {
            outputTail.addLast(s);
            while (outputTail.size() > OUTPUT_TAIL) outputTail.removeFirst();
        }
        onOutput.accept(s);
    }
}
