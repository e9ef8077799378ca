package org.criuatlas.host.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.cli.CliRun;
import org.criuatlas.cli.TerminalConsoles;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.host.migrate.Migration;
import org.criuatlas.host.migrate.MigrationEvent;
import org.criuatlas.host.migrate.MigrationOutcome;
import org.criuatlas.host.migrate.MigrationRequest;
import org.criuatlas.host.migrate.Preflight;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.CriuTarget;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.Selection;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Moving a tree between hosts through the bridges (issue 12 item 4): the ssh "host" is the sshd of
 * scripts/setup-sshd.sh on 127.0.0.1, so both hosts are this machine (one boot id): the dump frees
 * the pids the restore takes again. What is checked is real: the tree runs again (/proc), its
 * external socket is wired to a console and echoes what is typed, the moved files are the dump's
 * (sha256sum, an independent tool), cancel leaves the images restorable.
 */
@Tag("criu")
class MigrationSshTest {
    static final Path OUT = Path.of("target", "migration").toAbsolutePath();
    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<Integer> toKill = new ArrayList<>();
    ExecutorService pool;

    @BeforeAll
    static void sshd() throws Exception {
        BridgeSshTest.sshd();
        TestProcs.criuAsSubreaper();
        Files.createDirectories(OUT);
    }

    @AfterEach
    void cleanUp() throws Exception {
        TestProcs.killAndReap(toKill);
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
        if (pool != null) pool.shutdownNow();
    }

    private LocalHost here() {
        pool = Executors.newCachedThreadPool();
        LocalHost h = new LocalHost(pool);
        toClose.add(h);
        return h;
    }

    private BridgeHost ssh() {
        BridgeHost h = BridgeLauncher.ssh("atlas-test");
        toClose.add(h);
        return h;
    }

    private Topology start(TopologySpec spec) {
        Topology t = Topology.start(spec);
        toClose.add(t);
        return t;
    }

    private static DumpPlan plan(IpcGraph g, int root, Set<Long> external) {
        Decisions d = new Decisions(external, false, null, false, new HashSet<>(), new HashSet<>());
        DumpPlan p = DumpPlanner.planAll(g, new Selection(List.of(root), Set.of(), Set.of()), d, pid -> g.process(pid) != null,
                CriuTarget.RULES).plans().get(0);
        assertTrue(p.willSucceed(), () -> "the plan dumps: " + p.reasons());
        return p;
    }

    @Test
    void aTopologyTreeWithAnExternalSocketMovesFromTheSshHostHereAndEchoesThroughTheWiring() throws Exception {
        Topology t = start(new TopologySpec().process("worker").process("kid", "worker").process("peer")
                .pipe("jobs", "worker", "kid").socketpair("ext", SocketType.STREAM, "worker", "peer"));
        int worker = t.pid("worker"), kid = t.pid("kid");
        long inside = t.inode("ext", "worker");
        String comm = Files.readString(Path.of("/proc", "" + worker, "comm")).strip();
        BridgeHost source = ssh();
        LocalHost target = here();
        IpcGraph g = source.scan();
        DumpPlan plan = plan(g, worker, Set.of(inside));
        assertEquals(List.of("socket:[" + inside + "]"), plan.obligations().stream().map(o -> o.key()).toList());

        int mapped = org.criuatlas.bridge.proc.MapsFiles.of(List.of(worker, kid), null).size();
        assertTrue(mapped >= 2, "the topology's program and libc at least");
        List<MigrationEvent> events = new CopyOnWriteArrayList<>();
        Migration m = Migration.start(MigrationRequest.of(source, "atlas-test", target, "local", g, plan)
                .withFolders(OUT.resolve("from-ssh"), OUT.resolve("received")), events::add);
        MigrationOutcome out = m.result().get(300, TimeUnit.SECONDS);
        if (out instanceof MigrationOutcome.Moved mv) {
            toKill.addAll(mv.pids());
            t.adopt(mv.pids());
            if (mv.wiring() != null) toClose.add(mv.wiring());
        }
        MigrationOutcome.Moved moved = assertInstanceOf(MigrationOutcome.Moved.class, out, out::toString);

        // the preflight knew both hosts are this machine, and said so for the pids
        assertTrue(moved.preflight().sameMachine(), moved.preflight().text());
        assertFalse(moved.preflight().blocked());
        assertTrue(moved.preflight().of(Preflight.Check.PIDS).stream().anyMatch(f -> f.text().contains("the dump frees it")),
                moved.preflight().text());
        assertTrue(moved.preflight().of(Preflight.Check.WIRING).stream().anyMatch(f -> f.subject().equals("socket:[" + inside + "]")));
        // every program and library the tree maps was compared through the ssh bridge (the same files here: one machine)
        assertEquals(List.of(mapped + " of " + mapped + " mapped files (programs, libraries) present on local with the same size and, for ELF files,"
                        + " the same build-id (the same machine)"),
                moved.preflight().of(Preflight.Check.MAPPED).stream().map(Preflight.Finding::text).toList(), moved.preflight().text());

        // every stage ran, in order, and the transfer counted every byte of the source folder
        List<MigrationEvent.Stage> ended = events.stream().filter(e -> e instanceof MigrationEvent.StageChange s && s.done())
                .map(e -> ((MigrationEvent.StageChange) e).stage()).toList();
        assertEquals(List.of(MigrationEvent.Stage.values()), ended);
        MigrationEvent.Bytes last = (MigrationEvent.Bytes) events.stream().filter(e -> e instanceof MigrationEvent.Bytes).reduce((a, b) -> b)
                .orElseThrow();
        Map<String, String> src = sha256sum(moved.sourceImages()), dst = sha256sum(moved.targetImages());
        // the restore wrote its log and statistics beside the images it read
        Set<String> extra = new HashSet<>(dst.keySet());
        extra.removeAll(src.keySet());
        assertTrue(Set.of("restore.log", "stats-restore").containsAll(extra), extra.toString());
        dst.keySet().retainAll(src.keySet());
        assertEquals(src, dst, "the received folder holds the dump's files, byte for byte (sha256sum)");
        assertEquals(sizes(moved.sourceImages()), last.total());
        assertEquals(last.total(), last.done());
        assertEquals(src.size(), last.filesTotal());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(moved.targetImages())));
        assertTrue(events.stream().anyMatch(e -> e instanceof MigrationEvent.OnHost h && h.stage() == MigrationEvent.Stage.DUMP
                && h.event() instanceof HostEvent.Criu), "the source's criu events came through ssh");

        // the tree runs here again with its own pids, and the external socket echoes through the console
        assertEquals(worker, moved.rootPid());
        assertEquals(new HashSet<>(List.of(worker, kid)), new HashSet<>(moved.pids()));
        assertTrue(TestProcs.alive(worker) && TestProcs.alive(kid), "both run (/proc)");
        assertEquals(comm, Files.readString(Path.of("/proc", "" + worker, "comm")).strip(), "the same program under that pid");
        KeptEnd console = moved.wiring().consoles().get(0);
        assertEquals("socket:[" + inside + "]", console.key());
        console.send("moved and still echoing\n");
        Awaitility.await("the restored worker echoes through the wiring").atMost(Duration.ofSeconds(20))
                .until(() -> console.transcript().contains("moved and still echoing"));
    }

    @Test
    void migrateCommandMovesATreeAndPrintsJson() throws Exception {
        Topology t = start(new TopologySpec().process("solo").process("kid", "solo").pipe("p", "solo", "kid"));
        int solo = t.pid("solo"), kid = t.pid("kid");
        CliRun.Result r = CliRun.run("migrate", "--pid", "" + solo, "--from", "atlas-test", "--to", "local", "--json",
                "--images-dir", OUT.resolve("cli-src").toString(), "--target-dir", OUT.resolve("cli-dst").toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<Integer> pids = new ArrayList<>();
        j.path("pids").forEach(p -> pids.add(p.asInt()));
        toKill.addAll(pids);
        t.adopt(pids);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("moved", j.path("outcome").asText());
        assertEquals(Set.of(solo, kid), new HashSet<>(pids));
        assertTrue(TestProcs.alive(solo) && TestProcs.alive(kid), "the tree runs here (/proc)");
        assertTrue(j.path("targetImages").asText().startsWith(OUT.resolve("cli-dst").toString()), j.toString());
        assertTrue(j.path("bytes").asLong() > 0 && j.path("files").asInt() > 3, j.toString());
        assertTrue(r.err().contains("Transfer"), "progress on stderr: " + r.err());
    }

    @Test
    void thePreflightRefusesAndNothingIsDone() throws Exception {
        Topology t = start(new TopologySpec().process("solo"));
        int solo = t.pid("solo");
        Path dumps = OUT.resolve("refused-" + System.nanoTime());
        // --leave-running on one machine: the pids stay taken, so the restore there could never take them
        CliRun.Result r = CliRun.run("migrate", "--pid", "" + solo, "--to", "atlas-test", "--leave-running", "--json",
                "--images-dir", dumps.toString());
        assertEquals(3, r.exit(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("refused", j.path("outcome").asText());
        assertTrue(j.path("preflight").path("sameMachine").asBoolean());
        boolean pidBlocks = false;
        for (JsonNode f : j.path("preflight").path("findings")) {
            if (f.path("check").asText().equals("pids") && f.path("severity").asText().equals("blocks")) pidBlocks = true;
        }
        assertTrue(pidBlocks, j.toString());
        assertTrue(TestProcs.alive(solo), "the tree runs on as it was");
        assertFalse(Files.exists(dumps), "nothing was dumped");
        CliRun.Result only = CliRun.run("migrate", "--pid", "" + solo, "--to", "atlas-test", "--preflight");
        assertEquals(0, only.exit(), only.out() + only.err());
        assertTrue(only.out().contains("the dump frees it"), only.out());
        assertEquals(2, CliRun.run("migrate", "--pid", "" + solo, "--to", "-oProxyCommand=x").exit());
    }

    @Test
    void cancelBeforeTheDumpLeavesTheTreeRunningAndDuringTheTransferLeavesItRestorable() throws Exception {
        Topology t = start(new TopologySpec().process("solo").process("kid", "solo").pipe("p", "solo", "kid"));
        int solo = t.pid("solo");
        BridgeHost source = ssh();
        LocalHost target = here();
        IpcGraph g = source.scan();
        DumpPlan plan = plan(g, solo, Set.of());

        Migration[] m = new Migration[1];
        m[0] = Migration.start(MigrationRequest.of(source, "atlas-test", target, "local", g, plan)
                .withFolders(OUT.resolve("cancel-src"), OUT.resolve("cancel-dst")), e -> {
            if (e instanceof MigrationEvent.Checked) {
                while (m[0] == null) Thread.onSpinWait();
                m[0].cancel();
            }
        });
        MigrationOutcome early = m[0].result().get(120, TimeUnit.SECONDS);
        MigrationOutcome.Cancelled c = assertInstanceOf(MigrationOutcome.Cancelled.class, early, early::toString);
        assertEquals(MigrationEvent.Stage.PREFLIGHT, c.stage());
        assertTrue(c.sourceRunning() && TestProcs.alive(solo), "cancelled before the dump: it runs on");

        Migration[] m2 = new Migration[1];
        m2[0] = Migration.start(MigrationRequest.of(source, "atlas-test", target, "local", g, plan)
                .withFolders(OUT.resolve("cancel-src"), OUT.resolve("cancel-dst")), e -> {
            if (e instanceof MigrationEvent.Bytes) {
                while (m2[0] == null) Thread.onSpinWait();
                m2[0].cancel();
            }
        });
        MigrationOutcome late = m2[0].result().get(300, TimeUnit.SECONDS);
        MigrationOutcome.Cancelled c2 = assertInstanceOf(MigrationOutcome.Cancelled.class, late, late::toString);
        assertEquals(MigrationEvent.Stage.TRANSFER, c2.stage());
        assertFalse(c2.sourceRunning());
        assertTrue(Files.exists(c2.targetImages().resolve(org.criuatlas.bridge.criu.CriuSession.INCOMPLETE_MARKER)),
                "the half-received folder stays marked incomplete");
        // restorable on the source from the kept images
        var opened = source.openImages(c2.sourceImages());
        // (its pids are free once the topology's director has reaped the dumped root: waited for, not assumed)
        RestoreResult r = source.restore(new RestoreRequest(RestoreWiringPlan.of(opened.dump()), plan.dumped(), Duration.ofSeconds(30))
                .trusted(), null).result().get(120, TimeUnit.SECONDS);
        if (r instanceof RestoreResult.Restored ok) {
            toKill.addAll(ok.pids());
            t.adopt(ok.pids());
        }
        assertInstanceOf(RestoreResult.Restored.class, r, r::toString);
        assertTrue(TestProcs.alive(solo), "restored from the kept images");
    }

    @Test
    void dumpRestoreAndCalibrateTakeHostToo() throws Exception {
        Topology t = start(new TopologySpec().process("solo").process("kid", "solo").pipe("p", "solo", "kid"));
        int solo = t.pid("solo"), kid = t.pid("kid");
        Path images = OUT.resolve("host-dump-" + System.nanoTime());
        CliRun.Result d = CliRun.run("dump", "--host", "atlas-test", "--pid", "" + solo, "--images", images.toString(), "--json");
        assertEquals(0, d.exit(), d.out() + d.err());
        assertTrue(new ObjectMapper().readTree(d.out()).path("success").asBoolean(), d.out());
        assertTrue(TestProcs.waitGone(solo, Duration.ofSeconds(10)), "the dump on the host ended the tree (/proc)");
        assertTrue(Files.isRegularFile(images.resolve("inventory.img")), "the images are where --images said, on that host");
        assertEquals(2, CliRun.run("dump", "--host", "atlas-test", "--pid", "" + solo, "--images", "relative/x").exit());

        CliRun.Result r = CliRun.run("restore", "--host", "atlas-test", "--images", images.toString(), "--json");
        toKill.addAll(List.of(solo, kid));
        t.adopt(List.of(solo, kid));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(solo, new ObjectMapper().readTree(r.out()).path("restoredPid").asInt(), r.out());
        assertTrue(TestProcs.alive(solo) && TestProcs.alive(kid), "restored on the host (/proc)");
        assertEquals(2, CliRun.run("restore", "--host", "atlas-test", "--images", images.toString(), "--inherit-fd", "7:pipe:[1]").exit());

        CliRun.Result c = CliRun.run("calibrate", "--host", "atlas-test", "--kinds", "eventfd", "--no-write");
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().lines().anyMatch(l -> l.startsWith("eventfd")), c.out());
        assertTrue(c.err().contains("on atlas-test"), c.err());
    }

    /**
     * restore --host adds --file-locks when the images hold a lock and says so on stderr, as a local
     * restore does, only when the command line did not ask for it; the restored holder holds its lock
     * again (/proc/locks).
     */
    @Test
    void restoreOnAHostSaysWhenItAddsFileLocks() throws Exception {
        for (boolean asked : new boolean[] {false, true}) {
            Topology t = start(new TopologySpec().process("holder").file("f", "holder")
                    .lock("k", "holder", "f", TopologySpec.LockType.FLOCK, true, 0, 0));
            int pid = t.pid("holder");
            assertEquals(1, TestProcs.locksHeldBy(java.util.Set.of(pid)), "the kernel shows the flock");
            Path images = OUT.resolve("host-locks-" + System.nanoTime());
            CliRun.Result d = CliRun.run("dump", "--host", "atlas-test", "--pid", "" + pid, "--images", images.toString(), "--file-locks");
            assertEquals(0, d.exit(), d.out() + d.err());
            assertTrue(TestProcs.waitGone(pid, Duration.ofSeconds(10)));
            List<String> args = new java.util.ArrayList<>(List.of("restore", "--host", "atlas-test", "--images", images.toString()));
            if (asked) args.add("--file-locks");
            CliRun.Result r = CliRun.run(args.toArray(String[]::new));
            toKill.add(pid);
            t.adopt(List.of(pid));
            assertEquals(0, r.exit(), r.out() + r.err());
            String note = "on atlas-test, 1 file lock was dumped: restored with --file-locks";
            assertEquals(!asked, r.err().contains(note), (asked ? "no note when asked for: " : "the note: ") + r.err());
            assertEquals(1, TestProcs.locksHeldBy(java.util.Set.of(pid)), "the restored holder holds its lock again");
            TestProcs.killAndReap(List.of(pid));
        }
    }

    @Test
    void restoreOnAHostReconnectsByNameWithExtUnixSkAndLogsAtTheAskedLevel() throws Exception {
        for (boolean asked : new boolean[] {false, true}) {
            Path sock = OUT.resolve("x" + (System.nanoTime() % 1_000_000) + ".sock");
            Topology t = start(new TopologySpec().process("server").process("client")
                    .listen("srv", SocketType.STREAM, "server", org.criuatlas.model.SocketName.path(sock.toString()))
                    .connect("cli", "client", "srv"));
            int client = t.pid("client");
            long ino = t.inode("cli", "client");
            Path images = dumpOnTheSshHost(client, "unix[" + ino + "]", "host-ext-");
            Path work = OUT.resolve("host-ext-work-" + System.nanoTime());
            List<String> args = new ArrayList<>(List.of("restore", "--host", "atlas-test", "--images", images.toString(), "--log-level", "2",
                    "--work-dir", work.toString()));
            if (asked) args.add("--ext-unix-sk");
            java.util.concurrent.CompletableFuture<CliRun.Result> running =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> CliRun.run(args.toArray(String[]::new)));
            toKill.add(client);
            t.adopt(List.of(client));
            CliRun.Result r;
            if (!asked) {
                // a new socketpair end handed in; the bridge there holds the other end while the command waits for the tree
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> peersOf(client).size() == 1);
                List<String> peers = peersOf(client);
                assertTrue(peers.get(0).startsWith("unnamed, held by pid "), peers.toString());
                int holder = Integer.parseInt(peers.get(0).substring("unnamed, held by pid ".length()));
                assertTrue(Files.readString(Path.of("/proc/" + holder + "/cmdline")).contains("bridge"), "the bridge holds it");
                assertFalse(running.isDone(), "the command waits while the restored tree runs");
                TestProcs.killAndReap(List.of(client));
                r = running.get(60, TimeUnit.SECONDS);
                assertTrue(r.err().contains("kept by the bridge on atlas-test while this command runs (socket:[" + ino + "]"), r.err());
            } else {
                r = running.get(120, TimeUnit.SECONDS);
                // the kernel's view of the restored client's socket: connected to the listener's path again (a new connection)
                assertEquals(List.of(sock.toString()), peersOf(client));
            }
            assertEquals(0, r.exit(), r.out() + r.err());
            String line = r.out().lines().filter(l -> l.contains("criu restore ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
            assertTrue(line.contains(" -v2"), line);
            if (!asked) assertTrue(line.contains("--inherit-fd 'fd[10]:socket:[" + ino + "]'") && !line.contains("--ext-unix-sk"), line);
            else assertTrue(line.contains("--ext-unix-sk") && !line.contains("--inherit-fd"), line);

            // -v2: CRIU logged errors and warnings only (the dump, at -v4, wrote hundreds of lines)
            long dumpLines = Files.readAllLines(images.resolve("dump.log")).size();
            long restoreLines = Files.readAllLines(work.resolve("restore.log")).size();
            assertTrue(restoreLines * 10 < dumpLines, restoreLines + " restore log lines at -v2 vs " + dumpLines + " dump log lines at -v4");
            TestProcs.killAndReap(List.of(client));
        }
    }

    /** The peers of {@code pid}'s sockets as the kernel says (sock_diag): a path, or "unnamed, held by pid N". */
    static List<String> peersOf(int pid) throws Exception {
        IpcGraph g;
        try (org.criuatlas.bridge.scan.LiveScanner s = new org.criuatlas.bridge.scan.LiveScanner()) {
            g = s.scan();
        }
        List<String> peers = new ArrayList<>();
        if (g.process(pid) == null) return peers;
        for (var f : g.process(pid).fds()) {
            var us = f.kind() == org.criuatlas.model.FdKind.SOCKET ? g.sockets().get(f.inode()) : null;
            var peer = us == null ? null : g.peerOf(us);
            if (peer == null) continue;
            peers.add(peer.name().kind() == org.criuatlas.model.SocketName.Kind.PATH ? peer.name().value()
                    : "unnamed, held by pid " + peer.holders().stream().map(h -> String.valueOf(h.pid())).findFirst().orElse("none"));
        }
        return peers;
    }

    /**
     * {@code restore --host} and {@code migrate} join the consoles a restore kept to the terminal ({@link TerminalConsoles}):
     * a tree restored through the ssh bridge, its external socket wired to a console that bridge keeps, echoes what is typed
     * here, and the echo is printed here.
     */
    @Test
    void whatIsTypedGoesToTheRemoteConsoleAndItsEchoIsPrintedHere() throws Exception {
        Topology t = Topology.start(new TopologySpec().process("worker").process("peer")
                .socketpair("ext", SocketType.STREAM, "worker", "peer"));
        toClose.add(t);
        int worker = t.pid("worker");
        long inside = t.inode("ext", "worker");
        Path images = dumpOnTheSshHost(worker, "socket:[" + inside + "]", "console-echo-");

        BridgeHost host = BridgeLauncher.ssh("atlas-test");
        toClose.add(host);
        OpenedImages opened = host.openImages(images);
        RestoreResult r = host.restore(RestoreRequest.now(RestoreWiringPlan.of(opened.dump())), e -> {}).result().get(120, TimeUnit.SECONDS);
        RestoreResult.Restored ok = assertInstanceOf(RestoreResult.Restored.class, r, r::toString);
        toKill.addAll(ok.pids());
        t.adopt(ok.pids());
        toClose.add(ok.wiring());
        List<KeptEnd> consoles = ok.wiring().ends().stream().filter(KeptEnd::console).toList();
        assertEquals(List.of("socket:[" + inside + "]"), consoles.stream().map(KeptEnd::key).toList());
        assertEquals("the bridge on atlas-test", consoles.get(0).keptBy(), "the console lives in the ssh host's bridge");

        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream terminal = new PipedInputStream(typing, 1 << 16);
        ByteArrayOutputStream shown = new ByteArrayOutputStream(), said = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(shown, true, StandardCharsets.UTF_8), err = new PrintStream(said, true, StandardCharsets.UTF_8);
        try (TerminalConsoles joined = TerminalConsoles.attach(ok.wiring().ends(), terminal, out, err)) {
            assertTrue(said.toString(StandardCharsets.UTF_8).contains("console socket:[" + inside + "] is joined to this terminal"),
                    said.toString(StandardCharsets.UTF_8));
            typing.write("typed in a terminal over ssh\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            Awaitility.await("the echo of what was typed is printed here").atMost(Duration.ofSeconds(20))
                    .until(() -> shown.toString(StandardCharsets.UTF_8).contains("typed in a terminal over ssh"));
            Awaitility.await("the bridge counts what it wrote to the tree").atMost(Duration.ofSeconds(20))
                    .until(() -> consoles.get(0).bytesSent() >= "typed in a terminal over ssh\n".length());
        }
        int before = shown.size();
        consoles.get(0).send("after the terminal let go\n");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> consoles.get(0).transcript().contains("after the terminal let go"));
        assertEquals(before, shown.size(), "nothing is printed once the terminal is let go");
        typing.close();
    }

    /** {@code dump --host atlas-test} of the tree at {@code pid} with one external object, into a new folder; the tree is gone after. */
    private static Path dumpOnTheSshHost(int pid, String external, String prefix) {
        Path images = OUT.resolve(prefix + System.nanoTime());
        CliRun.Result d = CliRun.run("dump", "--host", "atlas-test", "--pid", "" + pid, "--images", images.toString(), "--external", external);
        assertEquals(0, d.exit(), d.out() + d.err());
        assertTrue(TestProcs.waitGone(pid, Duration.ofSeconds(10)), "the dump ended the tree (/proc)");
        return images;
    }

    /** {@code sha256sum} of every file of a folder, by name. */
    static Map<String, String> sha256sum(Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sha256sum", "--"));
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).sorted().forEach(p -> cmd.add(p.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, String> m = new TreeMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String[] w = line.split("\\s+", 2);
            m.put(Path.of(w[1]).getFileName().toString(), w[0]);
        }
        return m;
    }

    static long sizes(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
