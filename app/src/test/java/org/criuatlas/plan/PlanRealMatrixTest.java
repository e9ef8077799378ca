package org.criuatlas.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.criu.CriuOptions;
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
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The planner against real CRIU 4.1.1: for every boundary kind, real processes are built (the
 * scenario helper), the planner predicts each plan variant, and {@code criu dump --leave-running
 * -v4} runs it. Success and the kind of the first error line must agree in every cell. Where a plan
 * creates a restore obligation, restores with and without it check the prediction.
 */
class PlanRealMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One variant: its name and the decisions it makes from the scenario's facts (our inode, their inode). */
    record Variant(String name, Function<JsonNode, Decisions> decisions) {}

    static Variant v(String name, Function<JsonNode, Decisions> d) { return new Variant(name, d); }

    static long ours(JsonNode f) { return f.get("ours").asLong(); }

    static long theirs(JsonNode f) { return f.get("theirs").asLong(); }

    static final Variant NONE = v("no fix", f -> Decisions.NONE);
    static final Variant EXT_OURS = v("fix: unix[our ino]", f -> Decisions.NONE.withExternal(ours(f)));
    static final Variant EXT_THEIRS = v("wrong: unix[outside ino]", f -> Decisions.NONE.withExternal(theirs(f)));
    static final Variant EXT_UNIX_SK = v("--ext-unix-sk", f -> Decisions.NONE.withExtUnixSk(true));
    static final Variant SHELL_JOB = v("fix: --shell-job", f -> Decisions.NONE.withShellJob(true));

    static final Map<String, List<Variant>> MATRIX = new LinkedHashMap<>();

    static {
        for (String t : List.of("stream", "dgram", "seqpacket")) MATRIX.put("pair-" + t, List.of(NONE, EXT_OURS, EXT_THEIRS, EXT_UNIX_SK));
        MATRIX.put("dgram-named", List.of(NONE, EXT_UNIX_SK, EXT_OURS, EXT_THEIRS));
        MATRIX.put("stream-named", List.of(NONE, EXT_OURS, EXT_UNIX_SK, EXT_THEIRS));
        MATRIX.put("seqpacket-named", List.of(NONE, EXT_OURS, EXT_UNIX_SK));
        MATRIX.put("listener-accepted", List.of(NONE, EXT_OURS, EXT_UNIX_SK, EXT_THEIRS));
        MATRIX.put("listener-pending", List.of(NONE));
        MATRIX.put("pipe-in", List.of(NONE));
        MATRIX.put("pipe-out", List.of(NONE));
        MATRIX.put("session", List.of(NONE, SHELL_JOB));
        MATRIX.put("tty-leader", List.of(NONE, SHELL_JOB));
        MATRIX.put("tty-member", List.of(NONE, SHELL_JOB));
        MATRIX.put("shared", List.of(NONE));
        MATRIX.put("pipes-1024", List.of(NONE));
        MATRIX.put("pipes-1025", List.of(NONE));
    }

    @TempDir
    Path tmp;

    @Test
    void plannerAgreesWithRealCriuOnEveryBoundaryKind() throws Exception {
        Path criu = Requirements.requireCriu();
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/python3")) || onPath("python3"), "python3 is needed for the scenario helper");
        Path script = tmp.resolve("scenario.py");
        try (var in = getClass().getResourceAsStream("/plan-matrix/scenario.py")) {
            Files.copy(in, script);
        }
        List<String[]> rows = new ArrayList<>();
        int agree = 0, total = 0;
        for (var e : MATRIX.entrySet()) {
            try (Scenario sc = Scenario.start(criu, script, e.getKey(), tmp.resolve(e.getKey()))) {
                IpcGraph g = sc.graph();
                for (Variant var : e.getValue()) {
                    Decisions d = var.decisions().apply(sc.facts());
                    DumpPlan plan = DumpPlanner.plan(g, sc.inside(), d);
                    Real real = dump(criu, plan.options(), sc.dir().resolve("img-" + total));
                    String predicted = plan.willSucceed() ? "dumps" : "fails " + (plan.firstError() == null ? "?" : plan.firstError().kind());
                    String actual = real.ok() ? "dumps" : "fails " + real.error();
                    boolean same = predicted.equals(actual);
                    total++;
                    if (same) agree++;
                    rows.add(new String[] {e.getKey(), var.name(), predicted, actual, same ? "yes" : "NO",
                            plan.crossings().stream().map(c -> c.kind().name()).distinct().toList().toString()});
                }
            }
        }
        printTable(List.of("case", "variant", "planner says", "criu 4.1.1 did", "agree", "crossings"), rows);
        System.out.printf("agreement: %d of %d (%.0f%%)%n", agree, total, 100.0 * agree / total);
        assertEquals(total, agree, "the planner must agree with CRIU in every cell");
    }

    @Test
    void restoreObligationsAreReal() throws Exception {
        Path criu = Requirements.requireCriu();
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/python3")) || onPath("python3"), "python3 is needed for the scenario helper");
        Path script = tmp.resolve("scenario.py");
        try (var in = getClass().getResourceAsStream("/plan-matrix/scenario.py")) {
            Files.copy(in, script);
        }
        List<String[]> rows = new ArrayList<>();
        // socketpair marked external: obligation INHERIT_SOCKET
        for (String mode : List.of("none", "inherit")) {
            try (Scenario sc = Scenario.start(criu, script, "pair-stream", tmp.resolve("r-pair-" + mode))) {
                DumpPlan plan = DumpPlanner.plan(sc.graph(), sc.inside(), Decisions.NONE.withExternal(ours(sc.facts())));
                assertTrue(plan.willSucceed());
                assertEquals(1, plan.obligations().size());
                String key = plan.obligations().get(0).key();
                assertEquals("socket:[" + ours(sc.facts()) + "]", key);
                Real real = dump(criu, plan.options(), sc.dir().resolve("img"));
                assertTrue(real.ok(), real.error());
                JsonNode r = sc.command("restore " + sc.dir().resolve("img") + " " + mode + " " + key);
                sc.adopt(r);
                String got = r.get("restored").asBoolean() ? "restored, reply=" + r.path("reply").asText() : "restore failed: "
                        + firstError(r);
                rows.add(new String[] {"socketpair marked external", mode.equals("inherit") ? "new pair handed in" : "nothing handed in", got});
                if (mode.equals("inherit")) {
                    assertTrue(r.get("restored").asBoolean(), r.toString());
                    assertEquals("echo:ping", r.get("reply").asText(), "data must flow through the handed-in socket");
                } else {
                    assertFalse(r.get("restored").asBoolean(), r.toString());
                    assertTrue(r.get("errors").toString().contains("External socket found in image"), r.toString());
                }
            }
        }
        // pipe read inside, written outside: obligation INHERIT_PIPE (without it the pipe comes back broken)
        for (String mode : List.of("none", "inherit")) {
            try (Scenario sc = Scenario.start(criu, script, "pipe-in", tmp.resolve("r-pipe-" + mode))) {
                DumpPlan plan = DumpPlanner.plan(sc.graph(), sc.inside(), Decisions.NONE);
                assertEquals(Outcome.DUMPS_BREAKS_AT_RESTORE, plan.outcome());
                String key = plan.obligations().get(0).key();
                Real real = dump(criu, plan.options(), sc.dir().resolve("img"));
                assertTrue(real.ok(), real.error());
                JsonNode r = sc.command("restore " + sc.dir().resolve("img") + " " + mode + " " + key);
                sc.adopt(r);
                assertTrue(r.get("restored").asBoolean(), r.toString());
                String reply = r.path("reply").asText();
                rows.add(new String[] {"pipe, write end outside", mode.equals("inherit") ? "new pipe handed in" : "nothing handed in",
                        "restored, reader logged \"" + reply + "\""});
                if (mode.equals("inherit")) assertEquals("after-restore", reply, "data written into the new pipe must reach the reader");
                else assertFalse(reply.contains("after-restore"), "without the obligation the pipe is broken");
            }
        }
        printTable(List.of("restore obligation", "at restore", "result"), rows);
    }

    // ---------------------------------------------------------------------------------------------

    record Real(boolean ok, String error) {}

    /** Runs {@code criu dump --leave-running -v4} with the plan's options; success and the first known error kind. */
    static Real dump(Path criu, CriuOptions o, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(criu.toString());
        cmd.addAll(DumpCommand.args(o.withLeaveRunning(true).withLogLevel(4).withLogFile("dump.log"), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("criu.out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("criu dump hung: " + cmd);
        }
        List<String> log = Files.readAllLines(dir.resolve("dump.log"), StandardCharsets.ISO_8859_1);
        boolean ok = log.stream().anyMatch(l -> l.contains("Dumping finished successfully"));
        if (ok) return new Real(true, null);
        CriuError.Kind k = CriuError.Kind.firstIn(log);
        String other = log.stream().filter(l -> l.contains("Error") && !l.contains("RLIMIT")).findFirst().orElse("?");
        return new Real(false, k != null ? k.name() : "unrecognised: " + other);
    }

    static String firstError(JsonNode r) {
        JsonNode e = r.path("errors");
        return e.isArray() && e.size() > 0 ? e.get(0).asText().replaceAll("^\\(\\S+\\)\\s+\\d*:?\\s*", "") : "?";
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, exe))) return true;
        return false;
    }

    static void printTable(List<String> head, List<String[]> rows) {
        int[] w = new int[head.size()];
        for (int i = 0; i < w.length; i++) w[i] = head.get(i).length();
        for (String[] r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder b = new StringBuilder("\n");
        StringBuilder sep = new StringBuilder("|");
        b.append('|');
        for (int i = 0; i < w.length; i++) {
            b.append(' ').append(String.format("%-" + w[i] + "s", head.get(i))).append(" |");
            sep.append("-".repeat(w[i] + 2)).append('|');
        }
        b.append('\n').append(sep).append('\n');
        for (String[] r : rows) {
            b.append('|');
            for (int i = 0; i < w.length; i++) b.append(' ').append(String.format("%-" + w[i] + "s", r[i])).append(" |");
            b.append('\n');
        }
        System.out.println(b);
    }

    /** A running scenario: the helper process, its description, and every pid to kill at the end. */
    static final class Scenario implements AutoCloseable {
        private final Process proc;
        private final BufferedReader out;
        private final Writer in;
        private final JsonNode desc;
        private final Path dir;
        private final List<Integer> pids = new ArrayList<>();

        private Scenario(Process proc, BufferedReader out, Writer in, JsonNode desc, Path dir) {
            this.proc = proc;
            this.out = out;
            this.in = in;
            this.desc = desc;
            this.dir = dir;
            for (JsonNode p : desc.get("procs")) pids.add(p.get("pid").asInt());
        }

        static Scenario start(Path criu, Path script, String name, Path dir) throws IOException {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder("python3", script.toString(), name, criu.toString(), dir.toString())
                    .redirectError(dir.resolve("scenario.err").toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            String line = out.readLine();
            if (line == null) {
                p.destroyForcibly();
                fail("scenario " + name + " did not start: " + Files.readString(dir.resolve("scenario.err")));
            }
            return new Scenario(p, out, in, JSON.readTree(line), dir);
        }

        Path dir() { return dir; }

        int inside() { return desc.get("inside").asInt(); }

        JsonNode facts() { return desc.get("facts"); }

        JsonNode command(String c) throws IOException {
            in.write(c + "\n");
            in.flush();
            String line = out.readLine();
            assertNotNull(line, "scenario helper died");
            return JSON.readTree(line);
        }

        /** Remembers the pid of a restored process so it is killed even if the helper is not. */
        void adopt(JsonNode restoreReply) {
            if (restoreReply.has("pid")) pids.add(restoreReply.get("pid").asInt());
        }

        /** The snapshot, built from what the helper read from /proc and knows about its own sockets. */
        IpcGraph graph() {
            Map<Long, List<Holder>> sockHolders = new HashMap<>();
            Map<Long, List<Holder>> readers = new HashMap<>(), writers = new HashMap<>();
            List<ProcessInfo> procs = new ArrayList<>();
            for (JsonNode p : desc.get("procs")) {
                int pid = p.get("pid").asInt();
                List<FdInfo> fds = new ArrayList<>();
                for (JsonNode f : p.get("fds")) {
                    String t = f.get("target").asText();
                    int fd = f.get("fd").asInt();
                    long flags = f.get("flags").asLong();
                    FdKind kind;
                    long ino = 0;
                    if (t.startsWith("socket:[")) { kind = FdKind.SOCKET; ino = Long.parseLong(t.substring(8, t.length() - 1)); }
                    else if (t.startsWith("pipe:[")) { kind = FdKind.PIPE; ino = Long.parseLong(t.substring(6, t.length() - 1)); }
                    else if (t.startsWith("/dev/pts/") || t.equals("/dev/ptmx") || t.equals("/dev/tty")) kind = FdKind.TTY;
                    else kind = FdKind.OTHER;
                    AccessMode mode = AccessMode.fromFlags(flags);
                    fds.add(new FdInfo(fd, kind, t, ino, mode, flags));
                    Holder h = new Holder(pid, fd);
                    if (kind == FdKind.SOCKET) sockHolders.computeIfAbsent(ino, k -> new ArrayList<>()).add(h);
                    if (kind == FdKind.PIPE) {
                        if (mode.canRead()) readers.computeIfAbsent(ino, k -> new ArrayList<>()).add(h);
                        if (mode.canWrite()) writers.computeIfAbsent(ino, k -> new ArrayList<>()).add(h);
                    }
                }
                String st = p.get("state").asText();
                procs.add(new ProcessInfo(pid, p.get("ppid").asInt(), p.get("comm").asText(), List.of(p.get("comm").asText()), 0,
                        st.isEmpty() ? 'S' : st.charAt(0), p.get("pgid").asInt(), p.get("sid").asInt(), 0, 0, fds, true));
            }
            List<UnixSocket> socks = new ArrayList<>();
            for (JsonNode s : desc.get("socks")) {
                long ino = s.get("ino").asLong();
                SocketType type = SocketType.valueOf(s.get("type").asText().toUpperCase());
                String name = s.get("name").asText();
                long peer = s.get("peer").asLong();
                List<Long> pending = new ArrayList<>();
                for (JsonNode x : s.get("pending")) pending.add(x.asLong());
                SocketState state = !pending.isEmpty() || (peer == 0 && !name.isEmpty() && type != SocketType.DGRAM)
                        ? SocketState.LISTEN : peer != 0 ? SocketState.ESTABLISHED : SocketState.UNCONNECTED;
                socks.add(new UnixSocket(ino, type, state, name.isEmpty() ? SocketName.NONE : SocketName.path(name), peer, 0, 0,
                        pending, sockHolders.getOrDefault(ino, List.of()), false));
            }
            List<Pipe> pipes = new ArrayList<>();
            var inos = new java.util.TreeSet<Long>(readers.keySet());
            inos.addAll(writers.keySet());
            for (long ino : inos) pipes.add(new Pipe(ino, null, readers.get(ino), writers.get(ino), -1));
            return IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.LIVE, "scenario", Instant.now(), true, 0), procs, socks, pipes, List.of());
        }

        @Override
        public void close() throws Exception {
            try {
                in.write("quit\n");
                in.flush();
            } catch (IOException ignored) {
                // the helper is gone already
            }
            proc.waitFor(5, TimeUnit.SECONDS);
            for (int pid : pids) {
                if (pid == proc.pid()) continue;
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            proc.destroyForcibly();
            proc.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
