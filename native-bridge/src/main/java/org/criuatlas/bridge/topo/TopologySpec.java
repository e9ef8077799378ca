package org.criuatlas.bridge.topo;

import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What atlas-topo should build, written in its line-based spec language (see
 * {@code resources/topology/README.md}). A builder: each call appends one statement; {@link #fd}
 * and {@link #talk} add options to a statement made earlier. Names are checked here so a typo
 * fails in Java with a clear message rather than in the director.
 */
public final class TopologySpec {
    /** A socket file the director creates in the topology's own temporary directory. */
    public static final SocketName AUTO_PATH = SocketName.path("auto");
    /** An abstract name made unique by the director ({@code atlas-topo-<pid>-<object>}). */
    public static final SocketName AUTO_ABSTRACT = SocketName.abstractName("auto");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@+-]{1,200}");

    private final List<StringBuilder> statements = new ArrayList<>();
    private final Map<String, StringBuilder> objectStatements = new HashMap<>();
    private final Set<String> processes = new HashSet<>();
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

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches())
            throw new IllegalArgumentException("bad name '" + name + "': use letters, digits and _.@+-");
    }

    private static void requireWord(String s, String what) {
        if (s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == '#'))
            throw new IllegalArgumentException(what + " must not contain spaces or '#': '" + s + "'");
    }

    private static String checkRole(String role) {
        return switch (role) {
            case "a", "b", "listen", "server", "client", "accepted", "write", "read", "sock", "master", "slave" -> role;
            default -> throw new IllegalArgumentException("unknown end '" + role + "'");
        };
    }

    private static int checkFd(int fd) {
        if (fd < 3 || fd > (1 << 20)) throw new IllegalArgumentException("fd must be 3.." + (1 << 20) + ": " + fd);
        return fd;
    }

    private static String typeWord(SocketType type, boolean dgramAllowed) {
        return switch (type) {
            case STREAM -> "stream";
            case SEQPACKET -> "seqpacket";
            case DGRAM -> {
                if (!dgramAllowed) throw new IllegalArgumentException("dgram not allowed here");
                yield "dgram";
            }
            default -> throw new IllegalArgumentException("unsupported socket type " + type);
        };
    }

    private static String addressWord(SocketName address) {
        String word = switch (address.kind()) {
            case PATH -> {
                if (!address.value().equals("auto") && !address.value().startsWith("/"))
                    throw new IllegalArgumentException("socket path must be absolute: " + address.value());
                yield "path=" + address.value();
            }
            case ABSTRACT -> "abstract=" + address.value();
            case NONE -> throw new IllegalArgumentException("a server needs a name: SocketName.path(...) or abstractName(...)");
        };
        requireWord(address.value(), "socket name");
        return word;
    }
}
