package org.criuatlas.testing;

import org.criuatlas.bridge.criu.CriuSession;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.criuatlas.bridge.criu.FdEvents;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.PosixSpawn;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.bridge.os.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Small real process trees for the CRIU tests (python3 programs in a session of their own, stdio
 * on /dev/null or a file), plus kill-and-reap for them and for restored processes. The test JVM is
 * a child subreaper, so orphans of these trees come back to it and get reaped here.
 */
public final class TestProcs {
    public static final String PYTHON = "/usr/bin/python3";

    /** Echoes every byte it reads from the stream socket at fd 3. */
    public static final String ECHO_FD3 = """
            import socket, time
            s = socket.socket(fileno=3)
            while True:
                d = s.recv(4096)
                if not d:
                    time.sleep(0.1)
                    continue
                s.sendall(d)
            """;

    /** Echoes every byte it reads from the stream socket at fd 3; exits on EOF (its peer closed: the end was closed). */
    public static final String ECHO_FD3_UNTIL_EOF = """
            import socket
            s = socket.socket(fileno=3)
            while True:
                d = s.recv(4096)
                if not d:
                    break
                s.sendall(d)
            """;

    /**
     * Two processes joined by a socketpair and a pipe; the parent publishes a counter as the target
     * of the symlink argv[1]. The heartbeat never opens a file: a dump that froze the parent while it
     * held "hb.tmp" open recorded that path, which the running original then renamed away, so a later
     * restore failed with "Can't open file .../hb.tmp" / "Unable to open fd=4" (a flaky retry test).
     * A restored copy may resume mid-beat after the original finished that beat: errors are skipped.
     */
    public static final String TREE_WITH_IPC = """
            import os, socket, sys, time
            hb = sys.argv[1]
            a, b = socket.socketpair()
            r, w = os.pipe()
            srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            srv.bind(b'\\0criu-atlas-test-%d' % os.getpid())
            srv.listen(1)
            pid = os.fork()
            if pid == 0:
                a.close(); os.close(w)
                while True:
                    b.recv(100); os.read(r, 100)
            b.close(); os.close(r)
            n = 0
            while True:
                n += 1
                a.send(b'x'); os.write(w, b'y')
                try:
                    try:
                        os.unlink(hb + '.tmp')
                    except FileNotFoundError:
                        pass
                    os.symlink(str(n), hb + '.tmp')
                    os.rename(hb + '.tmp', hb)
                except OSError:
                    pass
                time.sleep(0.05)
            """;

    /** A datagram "syslog" server at argv[1] appending each datagram as a line to argv[2]. */
    public static final String DGRAM_SERVER = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[1])
            with open(sys.argv[2], 'ab', buffering=0) as f:
                while True:
                    f.write(s.recv(4096) + b'\\n')
            """;

    /** A datagram client connected to argv[1], sending "tick N" every 50 ms. */
    public static final String DGRAM_CLIENT = """
            import socket, sys, time
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.connect(sys.argv[1])
            n = 0
            while True:
                n += 1
                s.send(b'tick %d' % n)
                time.sleep(0.05)
            """;

    private static boolean subreaper;

    /** The CRIU to test with (skips or fails as {@link Requirements#requireCriu()} says), this JVM a subreaper. */
    public static Path criuAsSubreaper() {
        Path criu = Requirements.requireCriu();
        becomeSubreaper();
        return criu;
    }

    /** Make orphans of the test trees (and CRIU-restored roots) children of this JVM. */
    public static synchronized void becomeSubreaper() {
        if (!subreaper) {
            LibC.becomeChildSubreaper();
            subreaper = true;
        }
    }

    /** A running python program; close() kills its whole tree and reaps it. */
    public static final class Proc implements AutoCloseable {
        public final int pid;

        public Proc(int pid) {
            this.pid = pid;
        }

        public boolean alive() {
            return TestProcs.alive(pid);
        }

        public List<Integer> tree() {
            return new ArrayList<>(CriuSession.treeStates(pid).keySet());
        }

        @Override
        public void close() {
            killAndReap(tree().isEmpty() ? List.of(pid) : tree());
            killAndReap(List.of(pid));
        }
    }

    /** Starts {@code python3 -c code args...} in a new session; {@code handIn}: child fd → our fd. */
    public static Proc python(String code, List<String> args, Map<Integer, Integer> handIn, Path output) {
        becomeSubreaper();
        List<String> argv = new ArrayList<>(List.of(PYTHON, "-c", code));
        argv.addAll(args);
        int[][] placements = handIn.entrySet().stream().map(e -> new int[] {e.getValue(), e.getKey()}).toArray(int[][]::new);
        int out = output == null ? LibC.open("/dev/null", LibC.O_WRONLY)
                : LibC.open(output.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC, 0644);
        try {
            String[] env = {"PATH=/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE=1"};
            return new Proc(PosixSpawn.spawn(argv.toArray(new String[0]), env, placements, out, true));
        } finally {
            LibC.close(out);
        }
    }

    public static boolean alive(int pid) {
        Character st = CriuSession.state(pid);
        return st != null && st != 'Z' && st != 'X';
    }

    /** SIGKILL every pid, reap the ones that are (or become) our children, wait until /proc forgets them. */
    public static void killAndReap(Collection<Integer> pids) {
        for (int p : pids) if (p > 1) LibC.kill(p, LibC.SIGKILL);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (int p : pids) Processes.awaitEnd(p, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
    }

    /** Waits until {@code pid} is gone from /proc (woken by its pidfd; reaped if it is ours). */
    public static boolean waitGone(int pid, Duration max) {
        return Processes.awaitEnd(pid, max);
    }

    /** Inode of a socket/pipe fd of this process, from its /proc link ("socket:[123]"). */
    public static long inode(int fd) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException e) {
            throw new IllegalStateException("fd " + fd + " has no inode link", e);
        }
    }

    /** Waits until the counter at {@code file} is greater than {@code than}; returns it (or -1). */
    public static long waitCounterAbove(Path file, long than, Duration max) {
        try {
            return Awaitility.await().atMost(max).pollInterval(Duration.ofMillis(20)).until(() -> counter(file), v -> v > than);
        } catch (ConditionTimeoutException e) {
            return -1;
        }
    }

    /** The counter at {@code file}: a symlink's target (TREE_WITH_IPC) or a file's text; -1 if none yet. */
    public static long counter(Path file) {
        try {
            String v = Files.isSymbolicLink(file) ? Files.readSymbolicLink(file).toString() : Files.readString(file);
            return Long.parseLong(v.trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Writes {@code msg} to a blocking stream socket and reads the same number of bytes back. */
    public static String roundTrip(int fd, String msg, Duration max) {
        byte[] out = msg.getBytes();
        UnixSockets.send(fd, out, 0);
        StringBuilder got = new StringBuilder();
        Instant end = Instant.now().plus(max);
        while (got.length() < out.length && Instant.now().isBefore(end)) {
            if (!FdEvents.pollIn(fd, 100)) continue;
            byte[] buf = new byte[4096];
            int n = UnixSockets.recv(fd, buf, LibC.MSG_DONTWAIT);
            if (n <= 0) break;
            got.append(new String(buf, 0, n));
        }
        return got.toString();
    }

    private TestProcs() {}

    /** The inode of the peer of {@code pid}'s unix socket at {@code fd}, as {@code ss -xanp} lists it (the kernel's sock_diag). */
    public static long unixPeerInode(long pid, int fd) throws IOException, InterruptedException {
        String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString();
        String ino = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
        Process p = new ProcessBuilder("ss", "-xanp").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("ss -xanp failed: " + text);
        for (String line : text.split("\n")) {
            // ... Local-Address Port Peer-Address Port ...: "* INO * PEER" for unnamed sockets
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 3 < f.length; i++) {
                if (f[i].equals("*") && f[i + 1].equals(ino) && f[i + 2].equals("*")) return Long.parseLong(f[i + 3]);
            }
        }
        throw new AssertionError("ss does not list socket:[" + ino + "]:\n" + text);
    }

    /** The inodes of the sockets {@code pid} holds (its /proc fd links). */
    public static java.util.Set<Long> socketInodes(long pid) throws IOException {
        java.util.Set<Long> out = new java.util.HashSet<>();
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    if (t.startsWith("socket:[")) out.add(Long.parseLong(t.substring(8, t.length() - 1)));
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    /** The lines of /proc/locks whose holder (the fifth column) is one of {@code pids}. */
    public static long locksHeldBy(Collection<Integer> pids) throws IOException {
        return Files.readAllLines(Path.of("/proc/locks")).stream().map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length > 4 && f[4].matches("\\d+") && pids.contains(Integer.parseInt(f[4]))).count();
    }
}
