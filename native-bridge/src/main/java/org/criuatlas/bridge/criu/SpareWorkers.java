package org.criuatlas.bridge.criu;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Where a session gets its {@code criu swrk} worker: spawned for the request, or, for an owner that keeps one, a worker
 * spawned ahead of it and waiting for its request.
 *
 * <p>Why: each criu starts as a process the request then waits for (posix_spawn, the loader and libraries, criu's
 * own set-up; the provisioned criu also goes through a shell wrapper): a few ms of every dump and restore, and the
 * {@code criu} CLI pays it too. CRIU does nothing before it has a request (its kernel probing, its log, its options
 * all come after: {@code cr_service_work}), so a worker spawned ahead behaves exactly as one spawned for the request.
 * A spare fits only a request that hands criu no fds (inherit-fd: those must be in place when criu starts); the
 * others spawn their own. A kept spare is made when one is taken (its start-up then overlaps the request that took
 * it, on the other core) and, ahead of the first request, by {@link #prime}.
 *
 * <p>A spare is an ordinary child: our end of its RPC socket is close-on-exec and nobody else holds one, it has the
 * same allow-listed environment as any worker, and it ends on its own when that socket closes (our process ending
 * included). {@link #close} kills and reaps it.
 */
public final class SpareWorkers implements AutoCloseable {
    private static final SpareWorkers NONE = new SpareWorkers(false);

    /** A worker and our end of its RPC socket. */
    record Started(CriuWorker worker, int socket) {
        void discard() {
            worker.close();
            LibC.close(socket);
        }
    }

    private final boolean keeps;
    private final Object lock = new Object();
    private Started ready; // guarded by lock
    private Path readyFor; // guarded by lock
    private boolean making, closed; // guarded by lock

    private SpareWorkers(boolean keeps) {
        this.keeps = keeps;
    }

    /** Every worker spawned for its request (the headless commands: one request per process). */
    public static SpareWorkers none() {
        return NONE;
    }

    /** One spare kept ready (a bridge, a window run as root: many requests per process); {@link #close} it. */
    public static SpareWorkers keepOne() {
        return new SpareWorkers(true);
    }

    public boolean keeps() {
        return keeps;
    }

    /** Makes a spare for {@code criu} in the background unless one is ready or on its way; nothing when this keeps none. */
    public void prime(Path criu) {
        if (!keeps || criu == null) return;
        synchronized (lock) {
            if (closed || making || (ready != null && criu.equals(readyFor))) return;
            making = true;
        }
        Thread t = new Thread(() -> make(criu), "criu-spare");
        t.setDaemon(true);
        t.start();
    }

    private void make(Path criu) {
        Started s = null;
        try {
            s = spawn(criu, Map.of(), java.util.List.of(), line -> { });
        } catch (RuntimeException e) {
            // no spare: the next request spawns its own, and says why if it cannot either
        }
        Started old = null;
        synchronized (lock) {
            making = false;
            if (s != null && !closed) {
                old = ready;
                ready = s;
                readyFor = criu;
                s = null;
            }
        }
        if (old != null) old.discard();
        if (s != null) s.discard();
    }

    /**
     * A worker for one request: the spare when one fits (same criu, no fds to hand in, still alive), with a new spare
     * on its way; otherwise one spawned now with our end of the RPC socket and every handed-in fd at its number.
     * Every output line goes to {@code output}.
     */
    Started start(Path criu, Map<Integer, Integer> handIn, Collection<Integer> inheritFds, Consumer<String> output) {
        if (keeps && handIn.isEmpty() && inheritFds.isEmpty()) {
            Started s = take(criu);
            prime(criu);
            if (s != null) {
                s.worker().outputTo(output);
                return s;
            }
        }
        return spawn(criu, handIn, inheritFds, output);
    }

    private Started take(Path criu) {
        Started s;
        synchronized (lock) {
            s = criu.equals(readyFor) ? ready : null;
            if (s != null) ready = null;
        }
        if (s != null && s.worker().exited()) {
            s.discard();
            return null;
        }
        return s;
    }

    /** A new {@code criu swrk N}: the RPC socket at the lowest fd from 3 that no handed-in or inherited fd takes. */
    static Started spawn(Path criu, Map<Integer, Integer> handIn, Collection<Integer> inheritFds, Consumer<String> output) {
        int[] sp = UnixSockets.socketpair(LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC);
        try {
            TreeSet<Integer> taken = new TreeSet<>(handIn.keySet());
            taken.addAll(inheritFds);
            int rpcFd = 3;
            while (taken.contains(rpcFd)) rpcFd++;
            return new Started(CriuWorker.spawn(criu, sp[1], rpcFd, handIn, output), sp[0]);
        } catch (RuntimeException e) {
            LibC.close(sp[0]);
            throw e;
        } finally {
            LibC.close(sp[1]);
        }
    }

    /** The pid of the spare waiting now, -1 when none (for tests and the bridge's own process list). */
    public int sparePid() {
        synchronized (lock) {
            return ready == null ? -1 : ready.worker().pid();
        }
    }

    /** Kills and reaps the spare; none is made after. */
    @Override
    public void close() {
        Started s;
        synchronized (lock) {
            closed = true;
            s = ready;
            ready = null;
        }
        if (s != null) s.discard();
    }
}
