package org.criuatlas.bridge.topo;

import org.awaitility.Awaitility;
import org.criuatlas.model.SocketName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.criuatlas.model.SocketType.DGRAM;
import static org.criuatlas.model.SocketType.SEQPACKET;
import static org.criuatlas.model.SocketType.STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts real topologies and checks them against /proc and ss, never against the manifest alone. */
class TopologyTest {

    /** One of every kind of object, across a parent/child pair and an unrelated process. */
    static TopologySpec everyKind() {
        return new TopologySpec()
                .process("root").process("worker", "root").process("outside")
                .socketpair("sp", STREAM, "worker", "outside")
                .socketpair("sq", SEQPACKET, "root", "worker")
                .socketpair("sd", DGRAM, "outside", "root")
                .listen("srv", STREAM, "outside", TopologySpec.AUTO_PATH)
                .listen("sqsrv", SEQPACKET, "root", TopologySpec.AUTO_ABSTRACT)
                .dgramServer("log", "outside", TopologySpec.AUTO_ABSTRACT)
                .connect("cli", "worker", "srv")
                .connect("sqcli", "outside", "sqsrv")
                .connect("dcli", "worker", "log")
                .pipe("p", "worker", "outside")
                .fifo("f", null, "root", "outside")
                .unbound("u", STREAM, "root")
                .share("sp", "worker", "root");
    }

    /** The fd table the manifest promises: stdio on /dev/null plus exactly the process's ends. */
    static Map<Integer, String> expectedFds(Topology t, String proc) {
        return expectedFds(t.manifest(), proc);
    }

    static Map<Integer, String> expectedFds(TopologyManifest m, String proc) {
        Map<Integer, String> want = new TreeMap<>(Map.of(0, "/dev/null", 1, "/dev/null", 2, "/dev/null"));
        for (Topology.End e : m.ends()) {
            if (!e.process().equals(proc)) continue;
            Topology.ObjectInfo o = m.objects().get(e.object());
            String link = expectedLink(o, e);
            assertEquals(null, want.put(e.fd(), link), "two ends at fd " + e.fd() + " of " + proc);
        }
        return want;
    }

    /**
     * What /proc/PID/fd/N must point to for an end, from what the spec asked for (kind, path,
     * deleted or not), never from the link the holder reported.
     */
    static String expectedLink(Topology.ObjectInfo o, Topology.End e) {
        return switch (o.kind()) {
            case "pipe" -> "pipe:[" + e.inode() + "]";
            case "fifo" -> o.address().value();
            case "pty" -> e.role().equals("master") ? "/dev/ptmx" : o.address().value();
            case "file" -> o.address().value() + ("no".equals(o.attr("deleted")) ? "" : " (deleted)");
            case "memfd" -> "/memfd:atlas-topo-" + o.name() + " (deleted)";
            case "eventfd" -> "anon_inode:[eventfd]";
            case "timerfd" -> "anon_inode:[timerfd]";
            case "signalfd" -> "anon_inode:[signalfd]";
            case "inotify" -> "anon_inode:inotify";
            case "fanotify" -> "anon_inode:[fanotify]";
            case "epoll" -> "anon_inode:[eventpoll]";
            case "io_uring" -> "anon_inode:[io_uring]";
            case "userfaultfd" -> "anon_inode:[userfaultfd]";
            case "pidfd" -> "anon_inode:[pidfd]";
            case "bpf-map" -> "anon_inode:bpf-map";
            case "perf" -> "anon_inode:[perf_event]";
            case "devtty" -> "/dev/tty";
            default -> "socket:[" + e.inode() + "]"; // unix, tcp, udp, raw, packet, netlink
        };
    }

    static void assertExactFds(Topology t) throws IOException {
        for (Topology.Proc p : t.manifest().processes().values())
            if (!"zombie".equals(p.attr("state"))) // exited: no fd table at all
                assertEquals(expectedFds(t, p.name()), ProcView.fds(p.pid()), "fds of " + p.name() + " (pid " + p.pid() + ")");
    }

    static void await(String what, BooleanSupplier cond) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(cond::getAsBoolean);
    }

    @Test
    void everyProcessHoldsExactlyItsEnds() throws Exception {
        try (Topology t = Topology.start(everyKind())) {
            assertEquals(3, t.manifest().processes().size());
            assertEquals(20, t.manifest().ends().size());
            assertExactFds(t);
            // the director holds no object at all: only its stdio
            Map<Integer, String> director = ProcView.fds(t.directorPid());
            assertEquals(Set.of(0, 1, 2), director.keySet(), "director fds: " + director);
        }
    }

    /**
     * A pipe the director inherits at the first fd number above its own (12 for this spec: 0-2,
     * /dev/null, the report pipe, three control socketpairs) once survived in every process of the
     * tree, because each process only closed below and above its report pipe and control socket.
     * Callers do leak fds (CI runners, shells): here stdin, a pipe, is duplicated to fd 12.
     */
    @Test
    void fdsTheDirectorInheritsNeverReachTheTree(@TempDir Path dir) throws Exception {
        Path binary = AtlasTopoBinary.locate();
        Process d = new ProcessBuilder("bash", "-c", "exec 12<&0 13<&0; exec \"$0\" --sockdir \"$1\" -",
                binary.toString(), dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        TopologyManifest m = null;
        try {
            d.getOutputStream().write((everyKind().text() + "go\n").getBytes(StandardCharsets.UTF_8));
            d.getOutputStream().flush();
            List<String> lines = new ArrayList<>();
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(d.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                    if (l.equals("ready")) break;
                }
                m = TopologyManifest.parse(lines);
                for (Topology.Proc p : m.processes().values())
                    assertEquals(expectedFds(m, p.name()), ProcView.fds(p.pid()), "fds of " + p.name() + " (pid " + p.pid() + ")");
                assertEquals(Set.of(0, 1, 2), ProcView.fds(m.directorPid()).keySet(), "the director drops what it inherited");
            }
        } finally {
            d.getOutputStream().close(); // EOF: the director tears the tree down
            if (!d.waitFor(20, TimeUnit.SECONDS)) d.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            if (m != null) {
                for (Topology.Proc p : m.processes().values())
                    if (!ProcView.gone(p.pid()) && Topology.commMatches(String.valueOf(ProcessSignals.comm(p.pid())), p.name()))
                        ProcessSignals.kill(p.pid(), ProcessSignals.SIGKILL);
                for (Topology.Proc p : m.processes().values())
                    await("pid " + p.pid() + " gone", () -> ProcView.gone(p.pid()) || ProcessSignals.state(p.pid()) == 'Z');
            }
        }
    }

    @Test
    void processTreeIsReal() throws Exception {
        try (Topology t = Topology.start(everyKind())) {
            ProcView root = ProcView.of(t.pid("root"));
            ProcView worker = ProcView.of(t.pid("worker"));
            ProcView outside = ProcView.of(t.pid("outside"));
            assertEquals(t.directorPid(), root.ppid());
            assertEquals(root.pid(), worker.ppid(), "worker is forked by root itself");
            assertEquals(t.directorPid(), outside.ppid());
            assertEquals(root.pid(), root.sid(), "a top-level process leads its own session");
            assertEquals(root.pid(), worker.sid());
            assertEquals(outside.pid(), outside.sid());
            assertEquals("worker", worker.comm());
            assertEquals("root", t.process("worker").parent());
        }
    }

    @Test
    void nosetsidKeepsTheDirectorsSession() throws Exception {
        try (Topology t = Topology.start(new TopologySpec().processInDirectorSession("loose").process("kid", "loose"))) {
            int sid = ProcView.of(t.directorPid()).sid();
            assertEquals(sid, ProcView.of(t.pid("loose")).sid());
            assertEquals(sid, ProcView.of(t.pid("kid")).sid());
            assertExactFds(t);
        }
    }

    @Test
    void bigSpecRejectedLateStillNamesTheLine() {
        TopologySpec spec = new TopologySpec().process("a");
        for (int i = 0; i < 20000; i++) spec.raw("# filler comment line " + i);
        spec.raw("bogus statement");
        TopologyException e = assertThrows(TopologyException.class, () -> Topology.start(spec));
        assertTrue(e.getMessage().contains("line 20002: unknown statement 'bogus'"), e.getMessage());
    }

    @Test
    void ssSeesTheSamePeersHoldersAndNames() throws Exception {
        try (Topology t = Topology.start(everyKind())) {
            Map<Long, SsUnix> ss = SsUnix.snapshot();
            for (Topology.End e : t.manifest().ends()) {
                if (Set.of("pipe", "fifo").contains(t.object(e.object()).kind())) continue;
                SsUnix row = ss.get(e.inode());
                assertTrue(row != null, "ss does not show " + e);
                assertTrue(row.users().contains(new SsUnix.User(e.process(), e.pid(), e.fd())),
                        "ss users of " + e + ": " + row.users());
            }
            assertPeers(ss, t.inode("sp", "outside"), t.end("sp", "a", "worker").inode());
            assertPeers(ss, t.inode("sq", "root"), t.inode("sq", "worker"));
            assertPeers(ss, t.inode("sd", "outside"), t.inode("sd", "root"));
            assertPeers(ss, t.inode("cli", "worker"), t.inode("cli", "outside"));
            assertPeers(ss, t.inode("sqcli", "outside"), t.inode("sqcli", "root"));
            assertEquals(t.inode("log", "outside"), ss.get(t.inode("dcli", "worker")).peerInode(), "dgram client -> server");
            // the share: one socket, two holders
            assertEquals(t.end("sp", "a", "worker").inode(), t.inode("sp", "root"));
            assertEquals(2, ss.get(t.inode("sp", "root")).users().size());

            SsUnix srv = ss.get(t.inode("srv", "outside"));
            assertEquals("LISTEN", srv.state());
            assertEquals(t.directory().resolve("srv.sock").toString(), srv.local());
            assertEquals(t.address("srv").value(), srv.local());
            SsUnix sqsrv = ss.get(t.inode("sqsrv", "root"));
            assertEquals("u_seq", sqsrv.netid());
            assertEquals("@" + t.address("sqsrv").value(), sqsrv.local());
            assertTrue(t.address("log").value().startsWith("atlas-topo-" + t.directorPid() + "-"));
            assertEquals("u_dgr", ss.get(t.inode("log", "outside")).netid());
            assertEquals("u_str", ss.get(t.inode("u", "root")).netid());
            assertEquals(0, ss.get(t.inode("u", "root")).peerInode(), "unbound socket has no peer");
        }
    }

    private static void assertPeers(Map<Long, SsUnix> ss, long a, long b) {
        assertNotEquals(a, b);
        assertEquals(b, ss.get(a).peerInode(), "peer of " + a);
        assertEquals(a, ss.get(b).peerInode(), "peer of " + b);
    }

    @Test
    void namedListenerEchoesWhatTheTestSends() throws Exception {
        try (Topology t = Topology.start(everyKind())) {
            Path path = Path.of(t.address("srv").value());
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                String msg = "hello from the test\n";
                ch.write(ByteBuffer.wrap(msg.getBytes(StandardCharsets.UTF_8)));
                ByteBuffer buf = ByteBuffer.allocate(256);
                while (buf.position() < msg.length() && ch.read(buf) > 0) { /* until the whole echo arrived */ }
                assertEquals(msg, new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
                // the accepted connection is one more socket of the listener's process, nothing else changed
                Map<Integer, String> fds = ProcView.fds(t.pid("outside"));
                assertEquals(expectedFds(t, "outside").size() + 1, fds.size());
            }
        }
    }

    @Test
    void receiversLogWhatArrivesAndPingsDoNotBounceForever() throws Exception {
        try (Topology t = Topology.start(everyKind())) {
            t.ping("worker");
            t.ping("root");
            await("dgram server log", () -> t.log("log").contains("ping worker"));
            await("pipe log", () -> t.log("p").contains("ping worker"));
            await("fifo log", () -> t.log("f").contains("ping root"));
            // a ping echoed by the peer is not echoed back again: the processes go idle (their CPU time stops
            // growing) and stay idle (a ping bouncing forever would burn a tick every few milliseconds)
            long[] last = {cpuTicks(t)};
            Awaitility.await("tree idle").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                long now = cpuTicks(t);
                boolean idle = now == last[0];
                last[0] = now;
                return idle;
            });
            long before = cpuTicks(t);
            Awaitility.await("tree stays idle").during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                    .until(() -> cpuTicks(t) - before < 20);
            assertEquals(1, t.log("log").size(), "one ping, one logged datagram: " + t.log("log"));
        }
    }

    private static long cpuTicks(Topology t) throws IOException {
        long sum = 0;
        for (Topology.Proc p : t.manifest().processes().values()) {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] w = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum += Long.parseLong(w[11]) + Long.parseLong(w[12]);
        }
        return sum;
    }

    @Test
    void talkingEndsSendNumberedLines() throws Exception {
        TopologySpec spec = new TopologySpec().process("w").process("r")
                .pipe("p", "w", "r").talk("p", "write", 20)
                .listen("srv", STREAM, "r", TopologySpec.AUTO_ABSTRACT)
                .connect("c", "w", "srv").talk("c", "client", 20)
                .dgramServer("d", "r", TopologySpec.AUTO_PATH)
                .connect("dc", "w", "d").talk("dc", "client", 20);
        try (Topology t = Topology.start(spec)) {
            await("three numbered lines on the pipe", () -> t.log("p").size() >= 3);
            assertEquals(List.of("w 1", "w 2", "w 3"), t.log("p").subList(0, 3));
            await("three numbered datagrams", () -> t.log("d").size() >= 3);
            assertEquals(List.of("w 1", "w 2", "w 3"), t.log("d").subList(0, 3));
        }
    }

    @Test
    void fixedFdNumbersAreHonoured() throws Exception {
        TopologySpec spec = new TopologySpec().process("a").process("b")
                .socketpair("sp", STREAM, "a", "b").fd("sp", "a", 17).fd("sp", "b", 3)
                .pipe("p", "a", "b").fd("p", "read", 4)
                .share("sp", "a", "b", null, 40);
        try (Topology t = Topology.start(spec)) {
            assertEquals(17, t.end("sp", "a").fd());
            assertEquals(3, t.end("sp", "b", "b").fd());
            assertEquals(40, t.end("sp", "a", "b").fd());
            assertEquals(3, t.end("p", "a").fd(), "auto placement starts at 3");
            assertExactFds(t);
        }
    }

    @Test
    void closeLeavesNothingBehind() throws Exception {
        List<Integer> pids = new ArrayList<>();
        Path sock, fifo, dir;
        try (Topology t = Topology.start(everyKind())) {
            t.manifest().processes().values().forEach(p -> pids.add(p.pid()));
            pids.add(t.directorPid());
            sock = Path.of(t.address("srv").value());
            fifo = Path.of(t.address("f").value());
            dir = t.directory();
            assertTrue(Files.exists(sock) && Files.exists(fifo));
        }
        for (int pid : pids) assertTrue(ProcView.gone(pid), "pid " + pid + " still exists");
        assertFalse(Files.exists(sock), "socket file left: " + sock);
        assertFalse(Files.exists(fifo), "FIFO left: " + fifo);
        assertFalse(Files.exists(dir), "temp dir left: " + dir);
    }

    /** What happens when the JVM dies: the only writer of the director's stdin goes away. */
    @Test
    void directorTearsDownWhenTheHolderOfItsStdinDies(@TempDir Path tmp) throws Exception {
        Path spec = tmp.resolve("spec.txt");
        Files.writeString(spec, everyKind().text());
        Path manifest = tmp.resolve("manifest.txt");
        String cmd = "sleep 600 | exec '" + AtlasTopoBinary.locate() + "' --sockdir '" + tmp + "' '" + spec + "' > '" + manifest + "'";
        Process shell = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
        try {
            await("manifest", () -> {
                try {
                    return Files.exists(manifest) && Files.readString(manifest).contains("ready\n");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            TopologyManifest m = TopologyManifest.parse(Files.readAllLines(manifest));
            ProcessHandle sleep = shell.descendants().filter(h -> h.info().command().orElse("").endsWith("sleep"))
                    .findFirst().orElseThrow();
            sleep.destroyForcibly();
            assertTrue(shell.waitFor(20, TimeUnit.SECONDS), "director did not exit after stdin EOF");
            for (Topology.Proc p : m.processes().values()) assertTrue(ProcView.gone(p.pid()), p + " survived");
            assertFalse(Files.exists(tmp.resolve("srv.sock")));
        } finally {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
    }

    @Test
    void sigtermMakesTheDirectorTearDown() throws Exception {
        try (Topology t = Topology.start(everyKind())) {
            List<Integer> pids = t.manifest().processes().values().stream().map(Topology.Proc::pid).toList();
            ProcessSignals.kill(t.directorPid(), ProcessSignals.SIGTERM);
            await("director exit", () -> !t.directorAlive());
            for (int pid : pids) assertTrue(ProcView.gone(pid), "pid " + pid + " survived the director");
            assertFalse(Files.exists(Path.of(t.address("srv").value())));
        }
    }

    @Test
    void killedProcessIsReportedAsAnExit() throws Exception {
        try (Topology t = Topology.start(everyKind())) {
            int pid = t.pid("outside");
            t.signal("outside", ProcessSignals.SIGKILL);
            await("exit event", () -> t.exits().contains(new Topology.Exit(pid, 128 + 9)));
            // its peers notice EOF/EPIPE, close their ends and keep running
            String sp = "socket:[" + t.end("sp", "a", "worker").inode() + "]";
            String pipe = "pipe:[" + t.inode("p", "worker") + "]";
            await("worker and root close the ends outside held the peers of", () -> {
                try {
                    Map<Integer, String> w = ProcView.fds(t.pid("worker")), r = ProcView.fds(t.pid("root"));
                    return !w.containsValue(sp) && !w.containsValue(pipe) && !r.containsValue(sp);
                } catch (IOException ex) {
                    throw new AssertionError(ex);
                }
            });
            assertEquals('S', ProcView.of(t.pid("worker")).state());
            assertEquals('S', ProcView.of(t.pid("root")).state());
            assertTrue(ProcView.fds(t.pid("worker")).containsValue("socket:[" + t.inode("sq", "worker") + "]"),
                    "unrelated ends stay open");
        }
    }

    @Test
    void badSpecFailsWithTheDirectorsReason() {
        TopologyException e = assertThrows(TopologyException.class,
                () -> Topology.start(new TopologySpec().process("a").raw("pipe x a nobody")));
        assertTrue(e.getMessage().contains("unknown process 'nobody'"), e.getMessage());
        e = assertThrows(TopologyException.class, () -> Topology.start(new TopologySpec().process("a")
                .listen("l", STREAM, "a", SocketName.path("/nonexistent-dir/x.sock"))));
        assertTrue(e.getMessage().contains("bind(l, path=/nonexistent-dir/x.sock)"), e.getMessage());
    }

    @Test
    void endLookupsNameTheProblem() throws Exception {
        try (Topology t = Topology.start(new TopologySpec().process("a").socketpair("self", STREAM, "a", "a"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.end("self", "a"));
            assertTrue(e.getMessage().contains("name the role"), e.getMessage());
            Map<String, Long> inodes = new HashMap<>();
            t.ends("self").forEach(x -> inodes.put(x.role(), x.inode()));
            assertEquals(Set.of("a", "b"), inodes.keySet());
            assertExactFds(t);
        }
    }
}
