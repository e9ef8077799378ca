package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.criuatlas.bridge.archive.CheckpointArchive.Compression;
import org.criuatlas.bridge.archive.TestArchives;
import org.criuatlas.bridge.archive.TestArchives.Member;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real podman checkpoint archives (issue 14): a counter container and a pipeline whose logger talks
 * to a syslogd over a unix datagram socket are checkpointed with {@code --export} in each
 * compression; {@code show ARCHIVE --json} must list the processes, fds, sockets and pipes a live
 * scan of the container's processes saw just before, with the same command lines; the container's
 * name, id, image, IP and MAC must be podman's own (podman inspect). Damaged copies of a real archive
 * are typed errors that write nothing. podman, runc, conmon and the busybox image come from
 * scripts/setup-podman.sh (runc pointed at the provisioned CRIU).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodmanArchiveTest {
    private final Map<String, String> env = new HashMap<>();
    private final List<String> containers = new ArrayList<>();
    private Path work;
    private String image;

    @BeforeAll
    void setUp() throws Exception {
        Requirements.requireRoot();
        Path repo = Path.of(System.getProperty("criuatlas.repo", "..")).toAbsolutePath().normalize();
        Process p = new ProcessBuilder("bash", repo.resolve("scripts/setup-podman.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), "setup-podman.sh did not finish");
        Requirements.require(p.exitValue() == 0, "scripts/setup-podman.sh failed (exit " + p.exitValue() + ")");
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        image = env.get("ATLAS_PODMAN_IMAGE");
        work = Files.createDirectories(Path.of("target", "podman-archives").toAbsolutePath());
    }

    @AfterAll
    void tearDown() throws Exception {
        for (String c : containers) podmanRaw(List.of("rm", "-f", "-t", "0", c));
    }

    record Result(int code, String out) {}

    private Result podmanRaw(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("podman " + args + " did not finish");
        }
        return new Result(p.exitValue(), out.trim());
    }

    private String podman(String... args) throws IOException, InterruptedException {
        Result r = podmanRaw(List.of(args));
        assertEquals(0, r.code(), "podman " + String.join(" ", args) + ":\n" + r.out());
        return r.out();
    }

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.onSpinWait();
            Thread.sleep(20); // polling interval of a deadline-bounded wait, not synchronisation
        }
    }

    private String start(String name, List<String> opts, String script) throws Exception {
        String full = name + "-" + ProcessHandle.current().pid();
        podmanRaw(List.of("rm", "-f", "-t", "0", full));
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", full));
        args.addAll(opts);
        args.addAll(List.of(image, "sh", "-c", script));
        podman(args.toArray(String[]::new));
        containers.add(full);
        return full;
    }

    private int hostPid(String container) throws Exception {
        return Integer.parseInt(podman("inspect", "--format", "{{.State.Pid}}", container));
    }

    /** The pid of a host process inside its own (innermost) pid namespace. */
    private static int nsPid(int hostPid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + hostPid + "/status"))) {
            if (l.startsWith("NSpid:")) {
                String[] f = l.trim().split("\\s+");
                return Integer.parseInt(f[f.length - 1]);
            }
        }
        throw new IOException("no NSpid for " + hostPid);
    }

    /** What one process holds, in terms both sides can be compared in (pids translated into the container). */
    record ProcView(String comm, List<String> cmdline, Map<Integer, String> fds) {}

    record GraphView(Map<Integer, ProcView> procs, Set<String> sockets, Set<String> pipes) {}

    /** The live scan reads no access mode for devices and regular files (docs/image-reader.md): compared where it has one. */
    private static String fdText(FdInfo f) {
        return f.kind() + " " + f.target() + (f.mode() == org.criuatlas.model.AccessMode.UNKNOWN ? "" : " " + f.mode());
    }

    private static GraphView live(IpcGraph g, int root, Map<Integer, Integer> toNs) throws IOException, InterruptedException {
        Map<Integer, ProcView> procs = new TreeMap<>();
        Set<String> sockets = new TreeSet<>(), pipes = new TreeSet<>();
        for (int pid : g.subtree(root)) {
            ProcessInfo p = g.process(pid);
            Map<Integer, String> fds = new TreeMap<>();
            for (FdInfo f : p.fds()) fds.put(f.fd(), fdText(f));
            procs.put(toNs.get(pid), new ProcView(p.comm(), p.cmdline(), fds));
        }
        for (Pipe p : g.pipes().values()) {
            if (Stream.concat(p.readers().stream(), p.writers().stream()).anyMatch(h -> toNs.containsKey(h.pid()))) {
                pipes.add(p.ino() + " r " + holders(p.readers(), toNs) + " w " + holders(p.writers(), toNs));
            }
        }
        sockets.addAll(ssSockets(root, toNs));
        return new GraphView(procs, sockets, pipes);
    }

    /**
     * The container's unix sockets as {@code ss -xapn} sees them inside its network namespace (the live
     * scanner's sock_diag looks at the host's namespace only): inode, name, peer inode, holders.
     */
    private static Set<String> ssSockets(int root, Map<Integer, Integer> toNs) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nsenter", "-t", Integer.toString(root), "-n", "ss", "-xapn").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Set<String> set = new TreeSet<>();
        java.util.regex.Pattern holder = java.util.regex.Pattern.compile("pid=(\\d+),fd=(\\d+)");
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[0].startsWith("u_")) continue;
            Set<String> hs = new TreeSet<>();
            var m = holder.matcher(line);
            while (m.find()) {
                int pid = Integer.parseInt(m.group(1));
                if (toNs.containsKey(pid)) hs.add(toNs.get(pid) + ":" + m.group(2));
            }
            if (hs.isEmpty()) continue; // a socket of a process outside the container
            set.add(f[5] + " " + (f[4].equals("*") ? "" : f[4]) + " peer " + (f[7].equals("*") ? "0" : f[7]) + " held " + hs);
        }
        lastSs = "ss in the net namespace of " + root + ": " + out;
        return set;
    }

    private static String lastSs = "";

    private static String holders(List<Holder> hs, Map<Integer, Integer> toNs) {
        Set<String> s = new TreeSet<>();
        for (Holder h : hs) if (toNs.containsKey(h.pid())) s.add(toNs.get(h.pid()) + ":" + h.fd());
        return s.toString();
    }

    /** The same view of {@code show --json}'s output. */
    private static GraphView fromJson(JsonNode j) {
        JsonNode images = j.get("images");
        Map<Integer, ProcView> procs = new TreeMap<>();
        Map<Integer, List<String>> cmdlines = new HashMap<>();
        collectCmdlines(j.get("processTree"), cmdlines);
        for (JsonNode p : images.get("processes")) {
            Map<Integer, String> fds = new TreeMap<>();
            for (JsonNode f : p.get("fds")) {
                // the one JSON model writes kinds and modes in lower case, a mode unknown as null (docs/json.md)
                String mode = f.get("mode").isNull() ? "" : " " + f.get("mode").asText().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
                fds.put(f.get("fd").asInt(), f.get("kind").asText().toUpperCase(java.util.Locale.ROOT) + " " + f.get("target").asText() + mode);
            }
            int pid = p.get("pid").asInt();
            procs.put(pid, new ProcView(p.get("comm").asText(), cmdlines.getOrDefault(pid, List.of()), fds));
        }
        Set<String> sockets = new TreeSet<>(), pipes = new TreeSet<>();
        for (JsonNode s : images.get("sockets")) {
            if (s.get("externalPeer").asBoolean()) continue;
            String name = s.get("name").isNull() ? "" : s.get("name").asText();
            sockets.add(s.get("ino").asLong() + " " + name + " peer " + s.get("peer").asLong() + " held " + jsonHolders(s.get("holders")));
        }
        for (JsonNode p : images.get("pipes")) {
            pipes.add(p.get("ino").asLong() + " r " + jsonHolders(p.get("readers")) + " w " + jsonHolders(p.get("writers")));
        }
        return new GraphView(procs, sockets, pipes);
    }

    private static void collectCmdlines(JsonNode nodes, Map<Integer, List<String>> out) {
        for (JsonNode n : nodes) {
            List<String> c = new ArrayList<>();
            n.get("cmdline").forEach(x -> c.add(x.asText()));
            out.put(n.get("pid").asInt(), c);
            collectCmdlines(n.get("children"), out);
        }
    }

    private static String jsonHolders(JsonNode hs) {
        Set<String> s = new TreeSet<>();
        for (JsonNode h : hs) s.add(h.get("pid").asInt() + ":" + h.get("fd").asInt());
        return s.toString();
    }

    /** Scans the container's processes, checkpoints it to {@code archive}, returns the scan as a view. */
    private GraphView scanThenCheckpoint(String container, Compression c, Path archive, boolean leaveRunning) throws Exception {
        int root = hostPid(container);
        GraphView before;
        try (LiveScanner sc = new LiveScanner()) {
            IpcGraph g = sc.scan();
            Map<Integer, Integer> toNs = new HashMap<>();
            for (int pid : g.subtree(root)) toNs.put(pid, nsPid(pid));
            before = live(g, root, toNs);
        }
        Files.deleteIfExists(archive);
        List<String> args = new ArrayList<>(List.of("container", "checkpoint", "--compress", c.word(), "--export", archive.toString()));
        if (leaveRunning) args.add("--leave-running");
        args.add(container);
        podman(args.toArray(String[]::new));
        return before;
    }

    private JsonNode show(Path archive, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("show", archive.toString(), "--json"));
        args.addAll(List.of(extra));
        ImageShowCommandTest.Run r = ImageShowCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private void assertSame(GraphView live, GraphView archive) {
        assertEquals(live.procs().keySet(), archive.procs().keySet(), "the same processes (container pids)");
        for (var e : live.procs().entrySet()) {
            ProcView a = archive.procs().get(e.getKey());
            assertEquals(e.getValue().comm(), a.comm(), "comm of " + e.getKey());
            assertEquals(e.getValue().cmdline(), a.cmdline(), "command line of " + e.getKey() + " (archive: from dumped pages)");
            assertEquals(e.getValue().fds().keySet(), a.fds().keySet(), "fd numbers of " + e.getKey());
            for (var fd : e.getValue().fds().entrySet()) {
                String l = fd.getValue(), got = a.fds().get(fd.getKey());
                boolean same = got.equals(l) || (l.split(" ").length == 2 && got.startsWith(l + " "));
                assertTrue(same, "fd " + fd.getKey() + " of " + e.getKey() + ": live " + l + ", archive " + got);
            }
        }
        assertEquals(live.sockets(), archive.sockets(), "unix sockets (live: ss -xapn in the container's network namespace)");
        assertEquals(live.pipes(), archive.pipes(), "pipes");
    }

    @Test
    void counterArchivesInEveryCompressionMatchTheLiveScanAndPodman() throws Exception {
        // no process comes or goes while it runs (read -t times out instead of forking a sleep), so the scan
        // just before the checkpoint and the checkpoint see the same processes; and no fd comes or goes:
        // the loop's output is redirected once (a `> file` inside the loop opens a spare fd for an
        // instant on every turn, which a checkpoint can catch), so the count is the file's last line
        String c = start("atlas-counter", List.of(),
                "sleep 3600 | while :; do i=$((i+1)); echo $i; read -t 0.1 x; done > /tmp/count");
        int root = hostPid(c);
        Path count = Path.of("/proc/" + root + "/root/tmp/count");
        await("the counter to count", () -> {
            try {
                if (!Files.exists(count)) return false;
                String[] lines = Files.readString(count).trim().split("\n");
                return Integer.parseInt(lines[lines.length - 1].trim()) >= 3;
            } catch (IOException | NumberFormatException e) {
                return false;
            }
        });
        String id = podman("inspect", "--format", "{{.Id}}", c);
        String ip = podman("inspect", "--format", "{{.NetworkSettings.IPAddress}}", c);
        String mac = podman("inspect", "--format", "{{.NetworkSettings.MacAddress}}", c);
        Instant created = Instant.parse(podman("inspect", "--format", "{{.Created.UTC.Format \"2006-01-02T15:04:05.999999999Z07:00\"}}", c));
        Compression[] order = {Compression.GZIP, Compression.NONE, Compression.ZSTD};
        for (int i = 0; i < order.length; i++) {
            Compression comp = order[i];
            Path a = work.resolve("counter.tar" + (comp == Compression.NONE ? "" : comp == Compression.GZIP ? ".gz" : ".zst"));
            GraphView live = scanThenCheckpoint(c, comp, a, i < order.length - 1);
            JsonNode j = show(a);
            assertEquals(comp.word(), j.get("compression").asText());
            assertSame(live, fromJson(j));
            JsonNode ci = j.get("container");
            assertEquals("podman", ci.get("engine").asText());
            assertEquals(c, ci.get("name").asText());
            assertEquals(id, ci.get("id").asText());
            assertEquals(image, ci.get("image").asText());
            assertEquals("runc", ci.get("runtime").asText());
            assertEquals(created, Instant.parse(ci.get("created").asText()));
            assertFalse(ci.get("checkpointed").asText().isEmpty());
            assertEquals(ip, ci.get("ip").asText());
            assertEquals(mac, ci.get("mac").asText());
            assertTrue(j.get("sizes").get("checkpointBytes").asLong() > j.get("sizes").get("memoryPagesBytes").asLong());
            assertEquals(Files.size(a), j.get("sizes").get("archiveBytes").asLong());
            assertTrue(j.get("images").get("stats").get("dump").get("pagesWritten").asLong() > 0, "CRIU's stats-dump");
            assertTrue(ci.get("mounts").size() > 3);
            JsonNode proc1 = j.get("processTree").get(0);
            assertEquals(1, proc1.get("pid").asInt());
            assertEquals("/", proc1.get("cwd").asText());
            assertTrue(proc1.get("environment").isEmpty(), "no environment unless asked");
            System.out.printf("counter %s: %d processes, %s bytes, read in %.1f ms%n", comp.word(), live.procs().size(),
                    Files.size(a), j.get("readMillis").asDouble());
        }
        JsonNode withEnv = show(work.resolve("counter.tar.zst"), "--env");
        List<String> envs = new ArrayList<>();
        withEnv.get("processTree").get(0).get("environment").forEach(x -> envs.add(x.asText()));
        assertTrue(envs.contains("container=podman"), envs.toString());
        assertTrue(envs.stream().anyMatch(x -> x.startsWith("PATH=")), envs.toString());
    }

    @Test
    void pipelineWithASyslogSocketMatchesTheLiveScan() throws Exception {
        String c = start("atlas-pipeline", List.of("--network", "none"),
                "syslogd -n -O /tmp/messages & sleep 3600 | while :; do echo tick; read -t 0.2 x; done | logger -t atlas & wait");
        int root = hostPid(c);
        Path log = Path.of("/proc/" + root + "/root/tmp/messages");
        await("logger lines in syslogd's file", () -> {
            try {
                return Files.exists(log) && Files.readString(log).split("atlas").length > 3;
            } catch (IOException e) {
                return false;
            }
        });
        Path a = work.resolve("pipeline.tar.zst");
        GraphView live = scanThenCheckpoint(c, Compression.ZSTD, a, true);
        // the pipeline really is there: a pipe from the loop to logger, and a datagram socket to /dev/log
        assertTrue(live.pipes().size() >= 1, "pipes " + live.pipes() + " of " + live.procs());
        assertTrue(live.sockets().stream().anyMatch(s -> s.contains("/dev/log")), live.sockets() + "\n" + lastSs + "\n" + live.procs());
        JsonNode j = show(a);
        assertSame(live, fromJson(j));
        assertTrue(j.get("socketsAllFamilies").toString().contains("/dev/log"));
        assertEquals("", j.get("container").get("ip").asText(), "--network none");

        // damaged copies of this real archive: typed errors, nothing written
        byte[] real = Files.readAllBytes(a);
        Path bad = Files.createDirectories(work.resolve("bad"));
        Map<String, Integer> exits = new TreeMap<>();
        Path truncated = Files.write(bad.resolve("truncated.tar.zst"), java.util.Arrays.copyOf(real, real.length / 2));
        byte[] flipped = real.clone();
        for (int i = real.length / 3; i < real.length / 3 + 32; i++) flipped[i] ^= 0x5a;
        Path corrupt = Files.write(bad.resolve("corrupt.tar.zst"), flipped);
        List<Member> members = members(a);
        members.add(Member.file("checkpoint/../../atlas-traversal-" + ProcessHandle.current().pid(), "x"));
        Path traversing = TestArchives.write(bad.resolve("traversing.tar.zst"), members, Compression.ZSTD);
        for (Path p : List.of(truncated, corrupt, traversing)) {
            Map<String, Long> before = listing(bad);
            ImageShowCommandTest.Run r = ImageShowCommandTest.run("show", p.toString(), "--json");
            assertEquals(ExitCode.UNREADABLE.code, r.code(), p + ": " + r.err());
            assertEquals("", r.out(), "no JSON for a bad archive");
            assertEquals(before, listing(bad), "nothing written next to " + p);
            assertFalse(Files.exists(work.getParent().resolve("atlas-traversal-" + ProcessHandle.current().pid())));
            exits.put(p.getFileName().toString(), r.code());
            System.out.println(p.getFileName() + ": " + r.err().trim());
            assertTrue(r.err().contains(p.getFileName().toString()), r.err());
        }
        assertTrue(ImageShowCommandTest.run("show", truncated.toString()).err().contains("(truncated)"));
        assertTrue(ImageShowCommandTest.run("show", traversing.toString()).err().contains("(unsafe entry)"));
        assertNotEquals("", ImageShowCommandTest.run("show", corrupt.toString()).err());
    }

    private static Map<String, Long> listing(Path dir) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) m.put(dir.relativize(p).toString(), Files.isDirectory(p) ? -1 : Files.size(p));
        }
        return m;
    }

    /** Every member of a real .tar.zst, to build a hostile variant of it. */
    private static List<Member> members(Path zst) throws IOException {
        List<Member> out = new ArrayList<>();
        try (InputStream in = new io.airlift.compress.zstd.ZstdInputStream(Files.newInputStream(zst));
             TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                if (e.isDirectory()) out.add(Member.dir(e.getName()));
                else out.add(Member.file(e.getName(), t.readAllBytes()));
            }
        }
        return out;
    }
}
