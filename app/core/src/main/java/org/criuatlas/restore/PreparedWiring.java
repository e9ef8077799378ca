package org.criuatlas.restore;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.Replacement;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.plan.restore.WiringRow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real socketpairs and pipes for one restore attempt, built from a {@link RestoreWiringPlan}:
 * blocking (an inherited fd keeps its O_NONBLOCK flag, and the restored program expects what it had),
 * close-on-exec on every fd of ours (criu gets its copies through posix_spawn's dup2, which clears
 * the flag on the copy). Relays are connected here so a wrong path stops the restore before criu runs.
 *
 * <p>Life: {@link #handIn()} goes to {@code CriuSession.restore}; {@link #criuStarted()} closes our
 * copies of criu's ends once criu holds them; {@link #start()} hands the other ends to their
 * destinations and returns them as a live {@link Wiring}; {@link #close()} closes whatever was not
 * handed on. A failed attempt closes it all; a retry prepares anew.
 */
public final class PreparedWiring implements AutoCloseable {
    private record Pending(WiringRow row, int criuEnd, int ourEnd, int remote) {}

    private final List<Pending> pending;
    private final Path workDir;
    private final List<Integer> criuEnds = new ArrayList<>();
    private boolean started, closed;

    private PreparedWiring(List<Pending> pending, Path workDir) {
        this.pending = pending;
        this.workDir = workDir;
        pending.forEach(p -> criuEnds.add(p.criuEnd));
    }

    /** Builds every inherited row's replacement; on any failure closes what it built and throws. */
    public static PreparedWiring prepare(RestoreWiringPlan plan) {
        if (plan.blocked()) throw new IllegalStateException("the wiring is not complete: " + String.join("; ", plan.blockingReasons()));
        List<Pending> made = new ArrayList<>();
        try {
            for (WiringRow r : plan.inheritRows()) made.add(build(r));
        } catch (RuntimeException e) {
            for (Pending p : made) {
                LibC.close(p.criuEnd);
                LibC.close(p.ourEnd);
                LibC.close(p.remote);
            }
            throw e;
        }
        return new PreparedWiring(made, plan.workDir() != null ? plan.workDir() : Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static Pending build(WiringRow r) {
        Replacement rep = r.replacement();
        int criuEnd, ourEnd;
        try {
            if (rep.isPipe()) {
                int[] p = LibC.pipe(LibC.O_CLOEXEC);
                criuEnd = rep.criuGetsReadEnd() ? p[0] : p[1];
                ourEnd = rep.criuGetsReadEnd() ? p[1] : p[0];
            } else {
                int type = rep.socketType() == SocketType.STREAM ? LibC.SOCK_STREAM
                        : rep.socketType() == SocketType.DGRAM ? LibC.SOCK_DGRAM : LibC.SOCK_SEQPACKET;
                int[] sp = LibC.socketpair(type | LibC.SOCK_CLOEXEC);
                criuEnd = sp[0];
                ourEnd = sp[1];
            }
        } catch (RuntimeException e) {
            throw new WiringException(r.key(), "could not create " + rep.describe(), e);
        }
        int remote = -1;
        if (r.destination().kind() == Destination.Kind.UNIX_PATH) {
            try {
                remote = RelayEnd.connect(r.key(), rep, r.destination().argument());
            } catch (RuntimeException e) {
                LibC.close(criuEnd);
                LibC.close(ourEnd);
                throw e;
            }
        }
        return new Pending(r, criuEnd, ourEnd, remote);
    }

    /** criu fd number → our fd holding criu's end (for {@code CriuSession.restore}). */
    public synchronized Map<Integer, Integer> handIn() {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        for (Pending p : pending) m.put(p.row.criuFd(), p.criuEnd);
        return m;
    }

    /** Closes our copies of criu's ends: criu (and then the restored tasks) hold their own. Idempotent. */
    public synchronized void criuStarted() {
        for (int fd : criuEnds) LibC.close(fd);
        criuEnds.clear();
    }

    /** Hands the kept ends to their destinations and starts them; the result owns them from now on. */
    public synchronized Wiring start() {
        if (started || closed) throw new IllegalStateException("already started or closed");
        criuStarted();
        started = true;
        List<WiredEnd> ends = new ArrayList<>();
        try {
            for (Pending p : pending) {
                WiringRow r = p.row;
                WiredEnd e = switch (r.destination().kind()) {
                    case CONSOLE -> new ConsoleEnd(r.key(), r.criuFd(), r.replacement(), p.ourEnd);
                    case COMMAND -> new CommandEnd(r.key(), r.criuFd(), r.replacement(), p.ourEnd, r.destination().argument(),
                            workDir.resolve("command-fd" + r.criuFd() + ".out"));
                    case UNIX_PATH -> new RelayEnd(r.key(), r.criuFd(), r.replacement(), p.ourEnd, r.destination().argument(), p.remote);
                    default -> throw new IllegalStateException(r.key() + " is not inherited");
                };
                ends.add(e);
            }
            for (WiredEnd e : ends) e.start();
        } catch (RuntimeException ex) {
            for (WiredEnd e : ends) e.close();
            for (Pending p : pending.subList(ends.size(), pending.size())) {
                LibC.close(p.ourEnd);
                LibC.close(p.remote);
            }
            throw ex;
        }
        return new Wiring(ends);
    }

    /** Closes every fd not handed on by {@link #start()}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        criuStarted();
        if (started) return;
        for (Pending p : pending) {
            LibC.close(p.ourEnd);
            LibC.close(p.remote);
        }
    }
}
