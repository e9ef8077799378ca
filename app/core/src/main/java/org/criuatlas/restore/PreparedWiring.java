package org.criuatlas.restore;

import org.criuatlas.bridge.os.Fd;
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
    private record Pending(WiringRow row, Fd criuEnd, Fd ourEnd, Fd remote) {
        void closeOurs() {
            ourEnd.close();
            if (remote != null) remote.close();
        }
    }

    private final List<Pending> pending;
    private final Path workDir;
    private final List<Fd> criuEnds = new ArrayList<>();
    /** criu fd number → our fd number for criu's end, fixed at prepare time (the numbers stay valid until criuStarted). */
    private final Map<Integer, Integer> handIn = new LinkedHashMap<>();
    private boolean started, closed;

    private PreparedWiring(List<Pending> pending, Path workDir) {
        this.pending = pending;
        this.workDir = workDir;
        pending.forEach(p -> {
            criuEnds.add(p.criuEnd);
            handIn.put(p.row.criuFd(), p.criuEnd.number());
        });
    }

    /** Builds every inherited row's replacement; on any failure closes what it built and throws. */
    public static PreparedWiring prepare(RestoreWiringPlan plan) {
        if (plan.blocked()) throw new IllegalStateException("the wiring is not complete: " + String.join("; ", plan.blockingReasons()));
        List<Pending> made = new ArrayList<>();
        try {
            for (WiringRow r : plan.inheritRows()) made.add(build(r));
        } catch (RuntimeException e) {
            for (Pending p : made) {
                p.criuEnd.close();
                p.closeOurs();
            }
            throw e;
        }
        return new PreparedWiring(made, plan.workDir() != null ? plan.workDir() : Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static Pending build(WiringRow r) {
        Replacement rep = r.replacement();
        Fd criuEnd, ourEnd;
        try {
            if (rep.isPipe()) {
                Fd.Pipe p = Fd.pipe();
                criuEnd = rep.criuGetsReadEnd() ? p.readEnd() : p.writeEnd();
                ourEnd = rep.criuGetsReadEnd() ? p.writeEnd() : p.readEnd();
            } else {
                Fd.Pair sp = Fd.socketPair(rep.socketType());
                criuEnd = sp.first();
                ourEnd = sp.second();
            }
        } catch (RuntimeException e) {
            throw new WiringException(r.key(), "could not create " + rep.describe(), e);
        }
        Fd remote = null;
        if (r.destination().kind() == Destination.Kind.UNIX_PATH) {
            try {
                remote = RelayEnd.connect(r.key(), rep, r.destination().argument());
            } catch (RuntimeException e) {
                criuEnd.close();
                ourEnd.close();
                throw e;
            }
        }
        return new Pending(r, criuEnd, ourEnd, remote);
    }

    /** criu fd number → our fd holding criu's end (for {@code CriuSession.restore}). */
    public synchronized Map<Integer, Integer> handIn() {
        return new LinkedHashMap<>(handIn);
    }

    /** Closes our copies of criu's ends: criu (and then the restored tasks) hold their own. Idempotent. */
    public synchronized void criuStarted() {
        for (Fd fd : criuEnds) fd.close();
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
            for (Pending p : pending.subList(ends.size(), pending.size())) p.closeOurs();
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
        for (Pending p : pending) p.closeOurs();
    }
}
