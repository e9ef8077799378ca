package org.criuatlas.bridge.topo;

import org.criuatlas.bridge.criu.TempDirs;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running process tree built by atlas-topo from a {@link TopologySpec}: real processes holding
 * real sockets, pipes and FIFOs, for tests, demos and benchmarks. Close it (try-with-resources):
 * the director kills and reaps every process, then this class double-checks each pid by itself,
 * including pids {@link #adopt adopted} after a CRIU restore. If the JVM dies, the director sees
 * EOF on its stdin and tears down the same way.
 *
 * <p>Just over 400 lines because start-up (director, manifest, exit codes) and teardown (kill,
 * reap, double-check, adopted pids) must see the same process table; split, each half would need
 * the other's private state.
 */
public final class Topology implements AutoCloseable {

    /**
     * A process of the tree; {@code parent} is null for a top-level process. {@code attrs}: its
     * namespaces as inode numbers ({@code net ipc mnt pid uts user}) and its state from the spec
     * ({@code state=stopped|traced|zombie}, {@code tracer}, {@code threads}, {@code seccomp},
     * {@code tmpfs}, {@code cwd}); see resources/topology/README.md.
     */
    public record Proc(String name, int pid, String parent, Map<String, String> attrs) {
        public Proc {
            attrs = Map.copyOf(attrs);
        }

        public Proc(String name, int pid, String parent) {
            this(name, pid, parent, Map.of());
        }

        /** An attribute, or null. */
        public String attr(String key) {
            return attrs.get(key);
        }

        /** A namespace inode ({@code net}, {@code ipc}, {@code mnt}, {@code pid}, {@code uts}, {@code user}); 0 if unknown. */
        public long namespace(String kind) {
            String v = attrs.get(kind);
            return v == null ? 0 : Long.parseLong(v);
        }
    }

    /**
     * An object: kind is the spec word (socketpair, listen, dgram-server, connect, pipe, fifo,
     * unbound, pty, tcp-listen, tcp-connect, udp, raw, packet, netlink, file, memfd, eventfd, ...,
     * lock, shm, sem, msgq). {@code server} is the listener, the UDP peer or the locked file.
     * {@code attrs}: kind-specific facts (listening address, shm/sem/msgq id, lock range, ...).
     */
    public record ObjectInfo(String name, String kind, SocketType type, SocketName address, String server,
                             Map<String, String> attrs) {
        public ObjectInfo {
            attrs = Map.copyOf(attrs);
        }

        public ObjectInfo(String name, String kind, SocketType type, SocketName address, String server) {
            this(name, kind, type, address, server, Map.of());
        }

        /** An attribute, or null. */
        public String attr(String key) {
            return attrs.get(key);
        }
    }

    /**
     * One end of an object held by one process at one fd; {@code inode} as fstat reports it.
     * {@code attrs}: {@code local}/{@code remote} addresses of inet sockets, {@code portid} of a
     * netlink socket, {@code link} (what /proc/PID/fd/N points to), {@code dev}/{@code nlink}/{@code size} of files.
     */
    public record End(String object, String role, String process, int pid, int fd, long inode, Map<String, String> attrs) {
        public End {
            attrs = Map.copyOf(attrs);
        }

        public End(String object, String role, String process, int pid, int fd, long inode) {
            this(object, role, process, pid, fd, inode, Map.of());
        }

        /** An attribute, or null. */
        public String attr(String key) {
            return attrs.get(key);
        }
    }

    /** A process of the tree (or one restored in its place) ended; status 128+N = killed by signal N. */
    public record Exit(int pid, int status) {}

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Process director;
    private final TopologyManifest manifest;
    private final Path dir;
    private final Path stderrFile;
    private final Set<Integer> adopted = new LinkedHashSet<>();
    private final List<Exit> exits;
    private boolean closed;

    private Topology(Process director, TopologyManifest manifest, Path dir, Path stderrFile, List<Exit> exits) {
        this.director = director;
        this.manifest = manifest;
        this.dir = dir;
        this.stderrFile = stderrFile;
        this.exits = exits;
    }

    public static Topology start(TopologySpec spec) {
        return start(spec, DEFAULT_TIMEOUT);
    }

    /** Starts the director, sends the spec and waits until every process holds exactly its ends. */
    public static Topology start(TopologySpec spec, Duration timeout) {
        Path binary = AtlasTopoBinary.locate();
        Path dir;
        try {
            dir = Files.createTempDirectory(tempRoot(), "atlas-topo-");
        } catch (IOException e) {
            throw new TopologyException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        Path stderrFile = dir.resolve("director.err");
        Path logs = dir.resolve("logs");
        Process director = null;
        try {
            Files.createDirectories(logs);
            long secs = Math.max(1, timeout.toSeconds());
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--logdir", logs.toString(),
                    "--sockdir", dir.toString(), "--timeout", Long.toString(secs), "-");
            pb.redirectError(stderrFile.toFile());
            director = pb.start();
            List<Exit> exits = new CopyOnWriteArrayList<>();
            CompletableFuture<List<String>> manifestLines = new CompletableFuture<>();
            Process d = director;
            Thread reader = new Thread(() -> readStdout(d, manifestLines, exits), "atlas-topo-stdout-" + d.pid());
            reader.setDaemon(true);
            reader.start();
            // stdin stays open after the spec: its EOF is the director's signal to tear down
            OutputStream in = director.getOutputStream();
            try {
                in.write((spec.text() + "go\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                TopologyManifest m = TopologyManifest.parse(manifestLines.get(secs + 5, TimeUnit.SECONDS));
                return new Topology(director, m, dir, stderrFile, exits);
            } catch (TimeoutException e) {
                throw new TopologyException("atlas-topo did not report ready within " + secs + " s" + stderrOf(stderrFile));
            } catch (ExecutionException e) {
                waitQuietly(director);
                throw new TopologyException("atlas-topo failed before it was ready (exit "
                        + exitOf(director) + ")" + stderrOf(stderrFile), e.getCause());
            }
        } catch (IOException e) {
            if (director == null)
                throw new TopologyException("cannot run " + binary + ": " + e.getMessage(), e);
            // a broken pipe while sending the spec: the director rejected it and exited
            waitQuietly(director);
            throw new TopologyException("atlas-topo failed before it was ready (exit " + exitOf(director) + ")"
                    + stderrOf(stderrFile), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopologyException("interrupted while starting a topology", e);
        } catch (RuntimeException e) {
            if (director != null) {
                director.destroy();
                waitQuietly(director);
            }
            TempDirs.deleteQuietly(dir);
            throw e;
        } finally {
            if (director != null && !director.isAlive()) TempDirs.deleteQuietly(dir);
        }
    }

    /** A benchmark population (processes p0..p(N-1)); see {@link TopologySpec#population}. */
    public static Topology population(int procs, int sockets) {
        return start(TopologySpec.ofPopulation(procs, sockets), Duration.ofSeconds(120));
    }

    public TopologyManifest manifest() {
        return manifest;
    }

    public int directorPid() {
        return manifest.directorPid();
    }

    public Proc process(String name) {
        Proc p = manifest.processes().get(name);
        if (p == null) throw new IllegalArgumentException("no process '" + name + "' in this topology");
        return p;
    }

    public int pid(String process) {
        return process(process).pid();
    }

    public ObjectInfo object(String name) {
        ObjectInfo o = manifest.objects().get(name);
        if (o == null) throw new IllegalArgumentException("no object '" + name + "' in this topology");
        return o;
    }

    /** The bound name of a listener or dgram server (with {@code auto} resolved). */
    public SocketName address(String object) {
        return object(object).address();
    }

    /** Every end of {@code object}, shares included. */
    public List<End> ends(String object) {
        object(object);
        return manifest.ends().stream().filter(e -> e.object().equals(object)).toList();
    }

    /** Every end held by {@code process}. */
    public List<End> endsOf(String process) {
        process(process);
        return manifest.ends().stream().filter(e -> e.process().equals(process)).toList();
    }

    /** The one end of {@code object} held by {@code process}; fails if it holds none or several. */
    public End end(String object, String process) {
        List<End> found = ends(object).stream().filter(e -> e.process().equals(process)).toList();
        if (found.size() != 1)
            throw new IllegalArgumentException("'" + process + "' holds " + found.size() + " ends of '" + object
                    + "'" + (found.isEmpty() ? "" : ": name the role"));
        return found.get(0);
    }

    public End end(String object, String role, String process) {
        return ends(object).stream().filter(e -> e.process().equals(process) && e.role().equals(role)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + process + "' holds no " + role + " end of '" + object + "'"));
    }

    public long inode(String object, String process) {
        return end(object, process).inode();
    }

    /** Lines received so far by a dgram server or pipe/FIFO reader (empty when none yet). */
    public List<String> log(String object) {
        object(object);
        Path f = logDir().resolve(object + ".log");
        try {
            return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new TopologyException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Where receivers append their logs ({@code NAME.log}). */
    public Path logDir() {
        return dir.resolve("logs");
    }

    /** The topology's temporary directory ({@code path=auto} sockets and FIFOs live here). */
    public Path directory() {
        return dir;
    }

    /** Sends a signal to a process of the tree by pid (SIGUSR1 = one {@code ping PROC} line per writable end). */
    public void signal(String process, int signal) {
        if (!ProcessSignals.kill(pid(process), signal))
            throw new TopologyException("process '" + process + "' (pid " + pid(process) + ") is gone");
    }

    public void ping(String process) {
        signal(process, ProcessSignals.SIGUSR1);
    }

    /** Also kill these pids at close (tasks restored by CRIU are not children of the director). */
    public synchronized void adopt(Collection<Integer> pids) {
        adopted.addAll(pids);
    }

    /** Exits of the tree's processes the director has reaped so far. */
    public List<Exit> exits() {
        return List.copyOf(exits);
    }

    /** Every pid this topology will make sure is gone at close. */
    public synchronized Set<Integer> knownPids() {
        Set<Integer> all = new LinkedHashSet<>();
        manifest.processes().values().forEach(p -> all.add(p.pid()));
        all.addAll(adopted);
        return all;
    }

    /** What the director wrote to stderr so far (errors, teardown warnings). */
    public String directorErrors() {
        return stderrOf(stderrFile).replaceFirst("^:\n", "");
    }

    public boolean directorAlive() {
        return director.isAlive();
    }

    /**
     * Tears down: closes the director's stdin (it kills and reaps the tree), waits for it, then
     * kills by pid whatever is still there and waits until each /proc/PID is gone.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            director.getOutputStream().close();
        } catch (IOException ignored) {
            // the director may already be gone; the pid checks below still run
        }
        try {
            if (!director.waitFor(20, TimeUnit.SECONDS)) {
                director.destroyForcibly();
                director.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> alive = new ArrayList<>();
        for (int pid : knownPids()) {
            if (!ProcessSignals.exists(pid)) continue;
            Proc p = byPid(pid);
            String comm = ProcessSignals.comm(pid);
            // a recycled pid belongs to someone else: only kill what still carries our name
            if (p != null && comm != null && !commMatches(comm, p.name())) continue;
            ProcessSignals.kill(pid, ProcessSignals.SIGKILL);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int pid : knownPids()) {
            // woken by the kernel when it ends (pidfd); a zombie of the director's stays until reaped
            Processes.awaitExit(pid, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            char st = ProcessSignals.state(pid);
            Proc p = byPid(pid);
            String comm = ProcessSignals.comm(pid);
            if (st != 0 && st != 'Z' && (p == null || comm == null || commMatches(comm, p.name())))
                alive.add(pid + (p == null ? "" : " (" + p.name() + ")"));
        }
        TempDirs.deleteQuietly(dir);
        if (!alive.isEmpty()) throw new TopologyException("still alive after teardown: " + alive);
    }

    private Proc byPid(int pid) {
        for (Proc p : manifest.processes().values()) if (p.pid() == pid) return p;
        return null;
    }

    static boolean commMatches(String comm, String name) {
        return comm.equals(name) || (comm.length() == 15 && name.startsWith(comm));
    }

    private static void readStdout(Process d, CompletableFuture<List<String>> manifest, List<Exit> exits) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(d.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!manifest.isDone()) {
                    lines.add(line);
                    if (line.equals("ready")) manifest.complete(lines);
                } else if (line.startsWith("exit ")) {
                    String[] w = line.split(" ");
                    if (w.length == 3) exits.add(new Exit(Integer.parseInt(w[1]), Integer.parseInt(w[2])));
                }
            }
        } catch (IOException | RuntimeException e) {
            manifest.completeExceptionally(e);
        }
        manifest.completeExceptionally(new TopologyException("atlas-topo closed its output"));
    }

    private static Path tempRoot() {
        // socket paths must fit in 108 bytes: a long java.io.tmpdir would not leave room for names
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return tmp.toString().length() <= 40 ? tmp : Path.of("/tmp");
    }

    private static String stderrOf(Path f) {
        try {
            String s = Files.exists(f) ? Files.readString(f).strip() : "";
            return s.isEmpty() ? "" : ":\n" + s;
        } catch (IOException e) {
            return "";
        }
    }

    private static String exitOf(Process p) {
        return p.isAlive() ? "still running" : Integer.toString(p.exitValue());
    }

    private static void waitQuietly(Process p) {
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
