package org.criuatlas.bridge.topo;

import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.criuatlas.bridge.topo.SpecWords.addressWord;
import static org.criuatlas.bridge.topo.SpecWords.checkFd;
import static org.criuatlas.bridge.topo.SpecWords.checkRole;
import static org.criuatlas.bridge.topo.SpecWords.inetWord;
import static org.criuatlas.bridge.topo.SpecWords.requireName;
import static org.criuatlas.bridge.topo.SpecWords.requireWord;
import static org.criuatlas.bridge.topo.SpecWords.typeWord;

/**
 * What atlas-topo should build, written in its line-based spec language (see
 * {@code resources/topology/README.md}). A builder: each call appends one statement; {@link #fd}
 * and {@link #talk} add options to a statement made earlier. Names and words are checked
 * ({@link SpecWords}) so a typo fails in Java with a clear message rather than in the director.
 * A little over 400 lines because it mirrors the whole spec language, one small method per
 * statement, on one builder.
 */
public final class TopologySpec {
    /** A socket file the director creates in the topology's own temporary directory. */
    public static final SocketName AUTO_PATH = SocketName.path("auto");
    /** An abstract name made unique by the director ({@code atlas-topo-<pid>-<object>}). */
    public static final SocketName AUTO_ABSTRACT = SocketName.abstractName("auto");

    private final List<StringBuilder> statements = new ArrayList<>();
    private final Map<String, StringBuilder> objectStatements = new HashMap<>();
    private final Set<String> processes = new HashSet<>();
    private final Map<String, StringBuilder> processStatements = new HashMap<>();
    private final Map<String, String> processParents = new HashMap<>();
    private int populationProcesses;

    /** A top-level process: forked by the director, leader of its own session. */
    public TopologySpec process(String name) {
        return addProcess(name, null, true);
    }

    /** A child process, forked by {@code parent} itself. */
    public TopologySpec process(String name, String parent) {
        requireProcess(parent);
        return addProcess(name, parent, false);
    }

    /** A top-level process that stays in the director's session (no setsid). */
    public TopologySpec processInDirectorSession(String name) {
        return addProcess(name, null, false);
    }

    /** A top-level process (own session) with options. */
    public TopologySpec process(String name, ProcOption... options) {
        addProcess(name, null, true);
        return processOptions(name, options);
    }

    /** A child of {@code parent} with options. */
    public TopologySpec process(String name, String parent, ProcOption... options) {
        process(name, parent);
        return processOptions(name, options);
    }

    /** {@code count} threads in all (the main one included); the others sleep with every signal blocked. */
    public TopologySpec threads(String proc, int count) {
        if (count < 1 || count > 1000) throw new IllegalArgumentException("threads must be 1..1000: " + count);
        return processWord(proc, "threads=" + count);
    }

    private TopologySpec processOptions(String name, ProcOption... options) {
        for (ProcOption o : options) {
            if ((o == ProcOption.TRACED || o == ProcOption.ZOMBIE) && !processParents.containsKey(name))
                throw new IllegalArgumentException(o.word + " needs a parent process");
            processWord(name, o.word);
        }
        return this;
    }

    private TopologySpec processWord(String proc, String word) {
        requireProcess(proc);
        StringBuilder s = processStatements.get(proc);
        if (s.indexOf(" " + word) >= 0) return this;
        s.append(' ').append(word);
        return this;
    }

    // ---- inet, raw, packet and netlink sockets (made in the holder's network namespace) ----

    /** A TCP listener bound to {@code address} ({@code 127.0.0.1:0}, {@code [::1]:0}; port 0 = any free one): end {@code listen}. */
    public TopologySpec tcpListen(String name, String proc, String address) {
        requireProcess(proc);
        return addObject(name, "tcp-listen " + name + " " + proc + " " + inetWord(address));
    }

    /** A TCP client of {@code proc} connected to {@code listener} and accepted at once: ends {@code client} and {@code accepted} (the listener's process). */
    public TopologySpec tcpConnect(String name, String proc, String listener) {
        requireProcess(proc);
        requireObject(listener);
        return addObject(name, "tcp-connect " + name + " " + proc + " " + listener);
    }

    /** A TCP connection never accepted: it waits in the listener's queue (end {@code client} only). */
    public TopologySpec tcpConnectPending(String name, String proc, String listener) {
        return tcpConnect(name, proc, listener).option(name, "pending");
    }

    /**
     * A TCP connection where the end {@code role} ("client" or "accepted") shut down writing: it
     * stays in FIN_WAIT2, the other in CLOSE_WAIT; both are held, never read.
     */
    public TopologySpec tcpConnectHalfClosed(String name, String proc, String listener, String role) {
        if (!role.equals("client") && !role.equals("accepted")) throw new IllegalArgumentException("role must be client or accepted: " + role);
        return tcpConnect(name, proc, listener).option(name, "shutdown=" + role);
    }

    /** A bound UDP socket (end {@code sock}). */
    public TopologySpec udp(String name, String proc, String address) {
        requireProcess(proc);
        return addObject(name, "udp " + name + " " + proc + " " + inetWord(address));
    }

    /** A bound UDP socket connected to the UDP socket {@code peer}. */
    public TopologySpec udpConnected(String name, String proc, String address, String peer) {
        requireObject(peer);
        return udp(name, proc, address).option(name, "connect=" + peer);
    }

    /** A raw IP socket (IPPROTO_RAW: sends only, so nothing queues up). */
    public TopologySpec raw(String name, String proc, boolean inet6) {
        requireProcess(proc);
        return addObject(name, "raw " + name + " " + proc + (inet6 ? " inet6" : " inet"));
    }

    /** An AF_PACKET socket (SOCK_RAW, or SOCK_DGRAM), protocol 0: receives nothing until bound. */
    public TopologySpec packet(String name, String proc, boolean dgram) {
        requireProcess(proc);
        return addObject(name, "packet " + name + " " + proc + (dgram ? " dgram" : ""));
    }

    /** A bound NETLINK_ROUTE socket. */
    public TopologySpec netlink(String name, String proc) {
        requireProcess(proc);
        return addObject(name, "netlink " + name + " " + proc);
    }

    // ---- files and anon inodes ----

    /** Where a {@link #file} lives. */
    public enum FileOn { TMP, SHM, MNT }

    /** What became of a file's name after it was opened. */
    public enum Deleted { NO, GHOST, LINKED }

    /**
     * A regular file held open (end {@code fd}), made by its holder: in the topology's directory
     * ({@code TMP}), in /dev/shm ({@code SHM}) or on the holder's private tmpfs ({@code MNT}, needs
     * {@link ProcOption#TMPFS} on it or an ancestor); {@code deleted}: unlinked ({@code GHOST}) or
     * unlinked with a second hard link left ({@code LINKED}); {@code size} &gt; 0: truncated to it.
     */
    public TopologySpec file(String name, String proc, FileOn on, Deleted deleted, long size) {
        requireProcess(proc);
        StringBuilder s = new StringBuilder("file " + name + " " + proc + " on=" + on.name().toLowerCase(java.util.Locale.ROOT));
        if (deleted == Deleted.GHOST) s.append(" deleted");
        if (deleted == Deleted.LINKED) s.append(" deleted=linked");
        if (size > 0) s.append(" size=").append(size);
        return addObject(name, s.toString());
    }

    /** A file at TMP, kept, open read-write. */
    public TopologySpec file(String name, String proc) {
        return file(name, proc, FileOn.TMP, Deleted.NO, 0);
    }

    /** A memfd (end {@code fd}), {@code size} bytes (0: one short line). */
    public TopologySpec memfd(String name, String proc, long size) {
        requireProcess(proc);
        return addObject(name, "memfd " + name + " " + proc + (size > 0 ? " size=" + size : ""));
    }

    /** Anon-inode and device kinds that take no arguments. */
    public enum FdKind {
        EVENTFD("eventfd"), TIMERFD("timerfd"), SIGNALFD("signalfd"), INOTIFY("inotify"), FANOTIFY("fanotify"),
        IO_URING("io_uring"), USERFAULTFD("userfaultfd"), BPF_MAP("bpf-map"), PERF("perf"),
        /** /dev/tty: needs a controlling terminal (a pty slave held by a session leader). */
        DEVTTY("devtty");

        public final String word;

        FdKind(String word) {
            this.word = word;
        }
    }

    /** One fd of {@code kind} in {@code proc} (end {@code fd}). */
    public TopologySpec fd(FdKind kind, String name, String proc) {
        requireProcess(proc);
        return addObject(name, kind.word + " " + name + " " + proc);
    }

    /** An epoll instance of {@code proc} watching its ends of {@code watched} (EPOLLIN). */
    public TopologySpec epoll(String name, String proc, String... watched) {
        requireProcess(proc);
        for (String w : watched) requireObject(w);
        return addObject(name, "epoll " + name + " " + proc + (watched.length > 0 ? " watch=" + String.join(",", watched) : ""));
    }

    /** A pidfd of {@code target} held by {@code proc}. */
    public TopologySpec pidfd(String name, String proc, String target) {
        requireProcess(proc);
        requireProcess(target);
        return addObject(name, "pidfd " + name + " " + proc + " " + target);
    }

    // ---- locks and SysV IPC (made by the holder; no fd) ----

    public enum LockType { FLOCK, POSIX, OFD }

    /**
     * A lock taken by {@code proc} on its fd of {@code file}; {@code start}/{@code len} for POSIX
     * and OFD locks (len 0 = to the end of the file).
     */
    public TopologySpec lock(String name, String proc, String file, LockType type, boolean write, long start, long len) {
        requireProcess(proc);
        requireObject(file);
        if (type == LockType.FLOCK && (start != 0 || len != 0)) throw new IllegalArgumentException("flock locks the whole file");
        StringBuilder s = new StringBuilder("lock " + name + " " + proc + " " + file + " "
                + type.name().toLowerCase(java.util.Locale.ROOT) + (write ? " write" : " read"));
        if (start != 0) s.append(" start=").append(start);
        if (len != 0) s.append(" len=").append(len);
        return addObject(name, s.toString());
    }

    /** A SysV shared-memory segment made and attached by {@code proc} (in the host's IPC namespace it is marked for removal at once). */
    public TopologySpec shm(String name, String proc, long size) {
        requireProcess(proc);
        return addObject(name, "shm " + name + " " + proc + (size > 0 ? " size=" + size : ""));
    }

    /** A SysV semaphore set (one semaphore, raised once; with {@code undo} the process has an undo entry). */
    public TopologySpec sem(String name, String proc, boolean undo) {
        requireProcess(proc);
        return addObject(name, "sem " + name + " " + proc + (undo ? " undo" : ""));
    }

    /** A SysV message queue with one message in it. */
    public TopologySpec msgq(String name, String proc) {
        requireProcess(proc);
        return addObject(name, "msgq " + name + " " + proc);
    }

    public TopologySpec socketpair(String name, SocketType type, String procA, String procB) {
        requireProcess(procA);
        requireProcess(procB);
        return addObject(name, "socketpair " + name + " " + typeWord(type, true) + " " + procA + " " + procB);
    }

    public TopologySpec listen(String name, SocketType type, String proc, SocketName address) {
        requireProcess(proc);
        if (!type.isConnectionOriented()) throw new IllegalArgumentException("listen needs stream or seqpacket, not " + type);
        return addObject(name, "listen " + name + " " + typeWord(type, false) + " " + proc + " " + addressWord(address));
    }

    public TopologySpec dgramServer(String name, String proc, SocketName address) {
        requireProcess(proc);
        return addObject(name, "dgram-server " + name + " " + proc + " " + addressWord(address));
    }

    /** A client socket of {@code proc} connected to a listener (whose owner then holds the accepted end) or dgram server. */
    public TopologySpec connect(String name, String proc, String server) {
        requireProcess(proc);
        requireObject(server);
        return addObject(name, "connect " + name + " " + proc + " " + server);
    }

    /**
     * A client socket of {@code proc} connected to a listener whose owner never accepts it: the
     * connection waits in the accept queue. A listener with a pending connection accepts none at
     * run time; its accepted connections must be declared before its pending ones.
     */
    public TopologySpec connectPending(String name, String proc, String server) {
        requireProcess(proc);
        requireObject(server);
        return addObject(name, "connect " + name + " " + proc + " " + server + " pending");
    }

    /**
     * A pseudo-terminal: end {@code master} in {@code masterProc}, end {@code slave} in
     * {@code slaveProc}; a session leader holding the slave takes it as its controlling terminal.
     * The object's address is the slave's path ({@code /dev/pts/N}).
     */
    public TopologySpec pty(String name, String masterProc, String slaveProc) {
        requireProcess(masterProc);
        requireProcess(slaveProc);
        return addObject(name, "pty " + name + " " + masterProc + " " + slaveProc);
    }

    public TopologySpec pipe(String name, String writer, String reader) {
        requireProcess(writer);
        requireProcess(reader);
        return addObject(name, "pipe " + name + " " + writer + " " + reader);
    }

    /** A FIFO at {@code path} (absolute), or in the topology's temporary directory when null. */
    public TopologySpec fifo(String name, String path, String writer, String reader) {
        requireProcess(writer);
        requireProcess(reader);
        String where = path == null ? "auto" : path;
        if (!where.equals("auto") && !where.startsWith("/")) throw new IllegalArgumentException("FIFO path must be absolute: " + path);
        requireWord(where, "FIFO path");
        return addObject(name, "fifo " + name + " path=" + where + " " + writer + " " + reader);
    }

    public TopologySpec unbound(String name, SocketType type, String proc) {
        requireProcess(proc);
        return addObject(name, "unbound " + name + " " + typeWord(type, true) + " " + proc);
    }

    /** The end of {@code object} held by {@code holder} is also held by {@code proc} (same open file, as after fork). */
    public TopologySpec share(String object, String holder, String proc) {
        return share(object, holder, proc, null, -1);
    }

    /**
     * Like {@link #share(String, String, String)}; {@code role} picks the end when the holder holds
     * several ends of the object (null otherwise), {@code fd} places the copy (-1 = next free).
     */
    public TopologySpec share(String object, String holder, String proc, String role, int fd) {
        requireObject(object);
        requireProcess(holder);
        requireProcess(proc);
        StringBuilder s = new StringBuilder("share " + object + " " + holder + " " + proc);
        if (role != null) s.append(" role=").append(checkRole(role));
        if (fd >= 0) s.append(" fd=").append(checkFd(fd));
        statements.add(s);
        return this;
    }

    /** Places an end at a fixed fd in its process; role as in the manifest (a, b, client, accepted, read, write, ...). */
    public TopologySpec fd(String object, String role, int fd) {
        return option(object, "fd." + checkRole(role) + "=" + checkFd(fd));
    }

    /** The end sends {@code "PROC SEQ\n"} every {@code millis} ms. */
    public TopologySpec talk(String object, String role, int millis) {
        if (millis <= 0) throw new IllegalArgumentException("talk interval must be positive: " + millis);
        return option(object, "talk." + checkRole(role) + "=" + millis);
    }

    /** A generated benchmark population: processes p0..p(N-1) and at least {@code sockets} socket ends. */
    public TopologySpec population(int procs, int sockets) {
        if (procs < 1 || sockets < 0) throw new IllegalArgumentException("population needs procs >= 1 and sockets >= 0");
        statements.add(new StringBuilder("population " + procs + " " + sockets));
        populationProcesses += procs;
        return this;
    }

    public static TopologySpec ofPopulation(int procs, int sockets) {
        return new TopologySpec().population(procs, sockets);
    }

    /** A statement written by hand in the spec language, for anything the builder does not cover. */
    public TopologySpec raw(String statement) {
        if (statement.contains("\n")) throw new IllegalArgumentException("one statement per call");
        statements.add(new StringBuilder(statement));
        return this;
    }

    /** The number of processes the spec declares (including a population). */
    public int processCount() {
        return processes.size() + populationProcesses;
    }

    /** The spec text, one statement per line. */
    public String text() {
        StringBuilder all = new StringBuilder();
        for (StringBuilder s : statements) all.append(s).append('\n');
        return all.toString();
    }

    @Override
    public String toString() {
        return text();
    }

    private TopologySpec addProcess(String name, String parent, boolean setsid) {
        requireName(name);
        if (!processes.add(name)) throw new IllegalArgumentException("process '" + name + "' defined twice");
        StringBuilder s = new StringBuilder("proc " + name);
        if (parent != null) s.append(" parent=").append(parent);
        else if (!setsid) s.append(" nosetsid");
        statements.add(s);
        processStatements.put(name, s);
        if (parent != null) processParents.put(name, parent);
        return this;
    }

    private TopologySpec addObject(String name, String statement) {
        requireName(name);
        if (objectStatements.containsKey(name)) throw new IllegalArgumentException("object '" + name + "' defined twice");
        StringBuilder s = new StringBuilder(statement);
        statements.add(s);
        objectStatements.put(name, s);
        return this;
    }

    private TopologySpec option(String object, String option) {
        StringBuilder s = objectStatements.get(object);
        if (s == null) throw new IllegalArgumentException("unknown object '" + object + "'");
        s.append(' ').append(option);
        return this;
    }

    private void requireProcess(String name) {
        if (!processes.contains(name)) throw new IllegalArgumentException("unknown process '" + name + "' (declare it first)");
    }

    private void requireObject(String name) {
        if (!objectStatements.containsKey(name)) throw new IllegalArgumentException("unknown object '" + name + "' (declare it first)");
    }
}
