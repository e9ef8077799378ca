package org.criuatlas.plan;

import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built snapshots for planner tests: processes, socket pairs, listeners, pipes, terminals. */
final class Graphs {
    private final Map<Integer, ProcessInfo> procs = new LinkedHashMap<>();
    private final Map<Integer, List<FdInfo>> fds = new LinkedHashMap<>();
    private final Map<Long, UnixSocket> socks = new LinkedHashMap<>();
    private final Map<Long, Pipe> pipes = new LinkedHashMap<>();
    private long nextIno = 1000;
    private int nextFd = 3;

    /** A process that leads its own session, in the default net namespace. */
    Graphs proc(int pid, int ppid, String comm) { return proc(pid, ppid, comm, pid); }

    Graphs proc(int pid, int ppid, String comm, int sid) {
        procs.put(pid, new ProcessInfo(pid, ppid, comm, List.of(comm), 0, 'S', sid, sid, 0, 4026531840L, List.of(), true));
        fds.put(pid, new ArrayList<>());
        return this;
    }

    Graphs replace(ProcessInfo p) {
        procs.put(p.pid(), p);
        return this;
    }

    ProcessInfo process(int pid) { return procs.get(pid); }

    long ino() { return nextIno++; }

    private void fd(int pid, FdKind kind, String target, long ino, AccessMode mode) {
        fds.get(pid).add(new FdInfo(nextFd++, kind, target, ino, mode, mode == AccessMode.WRITE ? 1 : mode == AccessMode.READ ? 0 : 2));
    }

    private int lastFd() { return nextFd - 1; }

    /** A connected pair: end a held by pidA, end b by pidB. Returns {inoA, inoB}. */
    long[] pair(SocketType t, int pidA, int pidB) {
        long a = ino(), b = ino();
        fd(pidA, FdKind.SOCKET, "socket:[" + a + "]", a, AccessMode.READ_WRITE);
        int fa = lastFd();
        fd(pidB, FdKind.SOCKET, "socket:[" + b + "]", b, AccessMode.READ_WRITE);
        int fb = lastFd();
        socks.put(a, new UnixSocket(a, t, SocketState.ESTABLISHED, SocketName.NONE, b, 0, 0, List.of(), List.of(new Holder(pidA, fa)), false));
        socks.put(b, new UnixSocket(b, t, SocketState.ESTABLISHED, SocketName.NONE, a, 0, 0, List.of(), List.of(new Holder(pidB, fb)), false));
        return new long[] {a, b};
    }

    /** A stream/seqpacket listener at path held by server, with an accepted connection from client. Returns {listener, accepted, client}. */
    long[] listenerWithClient(SocketType t, String path, int server, int client) {
        long l = ino(), acc = ino(), c = ino();
        fd(server, FdKind.SOCKET, "socket:[" + l + "]", l, AccessMode.READ_WRITE);
        int fl = lastFd();
        fd(server, FdKind.SOCKET, "socket:[" + acc + "]", acc, AccessMode.READ_WRITE);
        int fa = lastFd();
        fd(client, FdKind.SOCKET, "socket:[" + c + "]", c, AccessMode.READ_WRITE);
        int fc = lastFd();
        SocketName n = SocketName.path(path);
        socks.put(l, new UnixSocket(l, t, SocketState.LISTEN, n, 0, 0, 128, List.of(), List.of(new Holder(server, fl)), false));
        socks.put(acc, new UnixSocket(acc, t, SocketState.ESTABLISHED, n, c, 0, 0, List.of(), List.of(new Holder(server, fa)), false));
        socks.put(c, new UnixSocket(c, t, SocketState.ESTABLISHED, SocketName.NONE, acc, 0, 0, List.of(), List.of(new Holder(client, fc)), false));
        return new long[] {l, acc, c};
    }

    /** A listener with one connection not yet accepted. Returns {listener, embryo, client}. */
    long[] listenerWithPending(String path, int server, int client) {
        long l = ino(), emb = ino(), c = ino();
        fd(server, FdKind.SOCKET, "socket:[" + l + "]", l, AccessMode.READ_WRITE);
        int fl = lastFd();
        fd(client, FdKind.SOCKET, "socket:[" + c + "]", c, AccessMode.READ_WRITE);
        int fc = lastFd();
        SocketName n = SocketName.path(path);
        socks.put(l, new UnixSocket(l, SocketType.STREAM, SocketState.LISTEN, n, 0, 1, 128, List.of(emb), List.of(new Holder(server, fl)), false));
        // as sock_diag reports it: the queued socket shows no peer and no name, only the client points at it
        socks.put(emb, new UnixSocket(emb, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, 0, 0, 0, List.of(), List.of(), false));
        socks.put(c, new UnixSocket(c, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, emb, 0, 0, List.of(), List.of(new Holder(client, fc)), false));
        return new long[] {l, emb, c};
    }

    /**
     * A listener with one connection not yet accepted, as the live kernel reports it: the pending
     * entry is the client's inode and the client's peer reads 0 (the queued half has no inode).
     * Returns {listener, client}.
     */
    long[] listenerWithQueuedClient(String path, int server, int client) {
        long l = ino(), c = ino();
        fd(server, FdKind.SOCKET, "socket:[" + l + "]", l, AccessMode.READ_WRITE);
        int fl = lastFd();
        fd(client, FdKind.SOCKET, "socket:[" + c + "]", c, AccessMode.READ_WRITE);
        int fc = lastFd();
        socks.put(l, new UnixSocket(l, SocketType.STREAM, SocketState.LISTEN, SocketName.path(path), 0, 1, 4096, List.of(c),
                List.of(new Holder(server, fl)), false));
        socks.put(c, new UnixSocket(c, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, 0, 0, 0, List.of(),
                List.of(new Holder(client, fc)), false));
        return new long[] {l, c};
    }

    /** A named datagram server and a client connected to it. Returns {server, client}. */
    long[] dgramServer(String path, int server, int client) {
        long s = ino(), c = ino();
        fd(server, FdKind.SOCKET, "socket:[" + s + "]", s, AccessMode.READ_WRITE);
        int fs = lastFd();
        fd(client, FdKind.SOCKET, "socket:[" + c + "]", c, AccessMode.READ_WRITE);
        int fc = lastFd();
        socks.put(s, new UnixSocket(s, SocketType.DGRAM, SocketState.UNCONNECTED, SocketName.path(path), 0, 0, 0, List.of(), List.of(new Holder(server, fs)), false));
        socks.put(c, new UnixSocket(c, SocketType.DGRAM, SocketState.ESTABLISHED, SocketName.NONE, s, 0, 0, List.of(), List.of(new Holder(client, fc)), false));
        return new long[] {s, c};
    }

    /** Gives pid an extra fd on an existing socket (inherited across fork). */
    Graphs share(long ino, int pid) {
        fd(pid, FdKind.SOCKET, "socket:[" + ino + "]", ino, AccessMode.READ_WRITE);
        UnixSocket s = socks.get(ino);
        List<Holder> h = new ArrayList<>(s.holders());
        h.add(new Holder(pid, lastFd()));
        socks.put(ino, s.withHolders(h));
        return this;
    }

    /** One more fd of pid on pipe ino whose fdinfo could not be read (direction unknown). */
    Graphs pipeFdOfUnknownMode(int pid, long ino) {
        fds.get(pid).add(new FdInfo(nextFd++, FdKind.PIPE, "pipe:[" + ino + "]", ino, AccessMode.UNKNOWN, -1));
        return this;
    }

    /** A pipe written by writer and read by reader. */
    long pipe(int writer, int reader) {
        long p = ino();
        fd(writer, FdKind.PIPE, "pipe:[" + p + "]", p, AccessMode.WRITE);
        int fw = lastFd();
        fd(reader, FdKind.PIPE, "pipe:[" + p + "]", p, AccessMode.READ);
        int fr = lastFd();
        pipes.put(p, new Pipe(p, null, List.of(new Holder(reader, fr)), List.of(new Holder(writer, fw)), -1));
        return p;
    }

    long fifo(String path, int writer, int reader) {
        long p = ino();
        fd(writer, FdKind.FIFO, path, p, AccessMode.WRITE);
        int fw = lastFd();
        fd(reader, FdKind.FIFO, path, p, AccessMode.READ);
        int fr = lastFd();
        pipes.put(p, new Pipe(p, path, List.of(new Holder(reader, fr)), List.of(new Holder(writer, fw)), -1));
        return p;
    }

    /** Opens a terminal path on fds of pid. */
    Graphs tty(int pid, String path) {
        fd(pid, FdKind.TTY, path, 0, AccessMode.READ_WRITE);
        return this;
    }

    /** A regular file {@code path} open read-write in {@code pid}. */
    Graphs file(int pid, String path) {
        fd(pid, FdKind.REGULAR, path, ino(), AccessMode.READ_WRITE);
        return this;
    }

    IpcGraph build() { return build(IpcGraph.Source.LIVE); }

    IpcGraph build(IpcGraph.Source source) {
        List<ProcessInfo> ps = new ArrayList<>();
        for (ProcessInfo p : procs.values()) {
            ps.add(new ProcessInfo(p.pid(), p.ppid(), p.comm(), p.cmdline(), p.uid(), p.state(), p.pgid(), p.sid(), p.ttyNr(),
                    p.netNs(), fds.get(p.pid()), p.fdsReadable(), p.tpgid(), p.tracerPid(), p.threads(), p.seccomp(), p.namespaces(), p.cwd()));
        }
        return IpcGraph.of(new IpcGraph.Meta(source, "test", Instant.EPOCH, true, 0), ps, socks.values(), pipes.values(), List.of());
    }
}
