package org.criuatlas.bridge.server;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.UnixSocket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Refreshes without resending what did not change: the first scan of a connection goes whole, each
 * later one as the processes, unix sockets and pipes added or changed (whole records) and the keys of
 * those gone, plus every other collection only when it changed. The bridge keeps one {@link Sender}
 * per connection, the client one {@link Receiver}; a delta names the generation it applies to, and a
 * receiver that does not hold it asks for a whole graph again.
 */
public final class ScanDeltas {
    private ScanDeltas() {}

    /**
     * The changes from generation {@code base} to {@code generation}. A null list means "unchanged".
     */
    public record GraphDelta(long base, long generation, IpcGraph.Meta meta,
                             List<ProcessInfo> processes, List<Integer> goneProcesses,
                             List<UnixSocket> unixSockets, List<Long> goneUnixSockets,
                             List<Pipe> pipes, List<Long> gonePipes,
                             GraphWire rest, List<String> changed) {
        public GraphDelta {
            Objects.requireNonNull(meta, "meta");
            processes = processes == null ? List.of() : processes;
            goneProcesses = goneProcesses == null ? List.of() : goneProcesses;
            unixSockets = unixSockets == null ? List.of() : unixSockets;
            goneUnixSockets = goneUnixSockets == null ? List.of() : goneUnixSockets;
            pipes = pipes == null ? List.of() : pipes;
            gonePipes = gonePipes == null ? List.of() : gonePipes;
            Objects.requireNonNull(rest, "rest");
            changed = changed == null ? List.of() : changed;
        }
    }

    /**
     * What a scan reply carries: a whole graph or a delta; the delta is JSON, the whole graph JSON or, when
     * {@code binary}, {@link GraphBinary}.
     */
    public record Encoded(byte[] full, byte[] delta, long generation, long base, boolean binary) {
        public Encoded(byte[] full, byte[] delta, long generation, long base) {
            this(full, delta, generation, base, false);
        }
    }

    /** The bridge's side. Not thread-safe: one per connection, used under its lock. */
    public static final class Sender {
        private GraphWire last;
        private long generation;

        /** {@code g} as a whole graph (JSON) when {@code deltas} is false or nothing was sent yet, else as a delta. */
        public synchronized Encoded encode(IpcGraph g, boolean deltas) {
            return encode(g, deltas, false);
        }

        /** As {@link #encode(IpcGraph, boolean)}, a whole graph in {@link GraphBinary} when {@code binary}. */
        public synchronized Encoded encode(IpcGraph g, boolean deltas, boolean binary) {
            GraphWire now = GraphWire.of(g);
            long base = generation;
            generation++;
            GraphWire before = last;
            last = now;
            if (!deltas || before == null) {
                return new Encoded(binary ? GraphBinary.write(now) : BridgeJson.write(now), null, generation, 0, binary);
            }
            return new Encoded(null, BridgeJson.write(diff(before, now, base, generation)), generation, base);
        }
    }

    /** The client's side. */
    public static final class Receiver {
        private GraphWire last;
        private long generation = -1;

        /** Whether a delta against what this receiver holds can be applied (else ask for a whole graph). */
        public synchronized boolean holds() { return last != null; }

        public synchronized long generation() { return generation; }

        /** The graph a reply describes. */
        public synchronized IpcGraph decode(byte[] full, byte[] delta, long gen, long base) throws IOException {
            if (full != null && full.length > 0) {
                last = BridgeJson.read(full, GraphWire.class);
                generation = gen;
                return last.graph();
            }
            if (delta == null || delta.length == 0) throw new IOException("a scan reply with neither a graph nor a delta");
            if (last == null || base != generation) {
                throw new IOException("a delta against generation " + base + " but this client holds " + generation);
            }
            GraphDelta d = BridgeJson.read(delta, GraphDelta.class);
            last = apply(last, d);
            generation = gen;
            return last.graph();
        }

        /** The graph a whole reply in {@link GraphBinary} describes (it becomes the base of the next delta). */
        public synchronized IpcGraph decodeBinary(com.google.protobuf.ByteString full, long gen) throws IOException {
            last = GraphBinary.read(full);
            generation = gen;
            return last.graph();
        }

        /** Forgets what it holds (the next scan must be whole). */
        public synchronized void reset() {
            last = null;
            generation = -1;
        }
    }

    static GraphDelta diff(GraphWire a, GraphWire b, long base, long generation) {
        List<ProcessInfo> procs = new ArrayList<>();
        List<Integer> goneProcs = new ArrayList<>();
        changes(a.processes(), b.processes(), ProcessInfo::pid, procs, goneProcs);
        List<UnixSocket> socks = new ArrayList<>();
        List<Long> goneSocks = new ArrayList<>();
        changes(a.unixSockets(), b.unixSockets(), UnixSocket::ino, socks, goneSocks);
        List<Pipe> pipes = new ArrayList<>();
        List<Long> gonePipes = new ArrayList<>();
        changes(a.pipes(), b.pipes(), Pipe::ino, pipes, gonePipes);
        List<String> changed = new ArrayList<>();
        GraphWire rest = new GraphWire(b.meta(), null, null, null,
                same("inet", a.inetSockets(), b.inetSockets(), changed), same("netlink", a.netlinkSockets(), b.netlinkSockets(), changed),
                same("packet", a.packetSockets(), b.packetSockets(), changed), same("locks", a.fileLocks(), b.fileLocks(), changed),
                same("shm", a.sysvShm(), b.sysvShm(), changed), same("sem", a.sysvSemaphores(), b.sysvSemaphores(), changed),
                same("msg", a.sysvMessageQueues(), b.sysvMessageQueues(), changed),
                same("mounts", a.mountTables(), b.mountTables(), changed), same("problems", a.problems(), b.problems(), changed));
        return new GraphDelta(base, generation, b.meta(), procs, goneProcs, socks, goneSocks, pipes, gonePipes, rest, changed);
    }

    /** {@code now} when it differs from {@code before} (its name noted in {@code changed}), else an empty list. */
    private static <T> List<T> same(String name, List<T> before, List<T> now, List<String> changed) {
        if (before.equals(now)) return List.of();
        changed.add(name);
        return now;
    }

    static GraphWire apply(GraphWire a, GraphDelta d) {
        Map<Integer, ProcessInfo> procs = index(a.processes(), ProcessInfo::pid);
        d.goneProcesses().forEach(procs::remove);
        d.processes().forEach(p -> procs.put(p.pid(), p));
        Map<Long, UnixSocket> socks = index(a.unixSockets(), UnixSocket::ino);
        d.goneUnixSockets().forEach(socks::remove);
        d.unixSockets().forEach(s -> socks.put(s.ino(), s));
        Map<Long, Pipe> pipes = index(a.pipes(), Pipe::ino);
        d.gonePipes().forEach(pipes::remove);
        d.pipes().forEach(p -> pipes.put(p.ino(), p));
        GraphWire r = d.rest();
        List<String> c = d.changed();
        return new GraphWire(d.meta(), List.copyOf(procs.values()), List.copyOf(socks.values()), List.copyOf(pipes.values()),
                pick(c, "inet", r.inetSockets(), a.inetSockets()), pick(c, "netlink", r.netlinkSockets(), a.netlinkSockets()),
                pick(c, "packet", r.packetSockets(), a.packetSockets()), pick(c, "locks", r.fileLocks(), a.fileLocks()),
                pick(c, "shm", r.sysvShm(), a.sysvShm()), pick(c, "sem", r.sysvSemaphores(), a.sysvSemaphores()),
                pick(c, "msg", r.sysvMessageQueues(), a.sysvMessageQueues()), pick(c, "mounts", r.mountTables(), a.mountTables()),
                pick(c, "problems", r.problems(), a.problems()));
    }

    private static <T> List<T> pick(List<String> changed, String name, List<T> sent, List<T> before) {
        return changed.contains(name) ? sent : before;
    }

    private static <K, T> Map<K, T> index(List<T> items, Function<T, K> key) {
        Map<K, T> m = new LinkedHashMap<>(Math.max(16, items.size() * 2));
        for (T t : items) m.put(key.apply(t), t);
        return m;
    }

    private static <K, T> void changes(List<T> before, List<T> now, Function<T, K> key, List<T> changed, List<K> gone) {
        Map<K, T> old = index(before, key);
        for (T t : now) {
            T o = old.remove(key.apply(t));
            if (!t.equals(o)) changed.add(t);
        }
        gone.addAll(old.keySet());
    }
}
