package org.criuatlas.plan;

import org.criuatlas.bridge.calibrate.FirstError;
import org.criuatlas.bridge.calibrate.ProbeCatalogue;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The plan against the CRIU in use, for every kind of the calibration's probe catalogue: the
 * topology builder starts a small real process tree holding the object, {@link LiveScanner} scans
 * it from the kernel, the planner predicts each variant (no option, the suggested fix, a wrong fix)
 * for the detected {@link CriuTarget}, and {@code criu dump --leave-running} runs with the plan's
 * own options. The verdict (dumps / fails) and the kind of the first error must agree in every cell
 * — with the measured facts and with the rules alone. Run once per CRIU ({@code CRIU_ATLAS_CRIU});
 * writes the matrix as Markdown to {@code target/plan-matrix-criu-VERSION.md}.
 */
@Tag("criu")
class PlanCalibrationMatrixTest {
    static final int PARALLEL = 2;

    record Cell(String kind, String variant, String flags, String calibrated, String rules, String real, String realError,
                boolean agree, boolean rulesAgree, boolean textAgree, String basis) {}

    @Test
    void planVerdictEqualsRealCriuForEveryKind() throws Exception {
        Path criu = Requirements.requireCriu();
        CriuTarget target = CriuTarget.detect(criu);
        assertNotNull(target.criuVersion(), "criu --version answers");
        CriuTarget rules = target.rulesOnly();
        Path work = Path.of("target", "plan-matrix-" + target.criuVersion());
        Files.createDirectories(work);
        ProbeCatalogue cat = ProbeCatalogue.builtIn();
        Map<String, List<Cell>> byKind = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (ProbeCatalogue.Kind k : cat.kinds()) fs.add(pool.submit(() -> { byKind.put(k.id(), runKind(criu, k, target, rules, work)); return null; }));
            for (Future<?> f : fs) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        List<Cell> cells = new ArrayList<>();
        for (ProbeCatalogue.Kind k : cat.kinds()) cells.addAll(byKind.get(k.id()));
        long disagree = cells.stream().filter(c -> !c.agree()).count();
        long rulesDisagree = cells.stream().filter(c -> !c.rulesAgree()).count();
        long textAgree = cells.stream().filter(Cell::textAgree).count();
        String md = markdown(target, cells, millis, disagree, rulesDisagree, textAgree);
        Path out = Path.of("target", "plan-matrix-criu-" + target.criuVersion() + ".md");
        Files.writeString(out, md);
        System.out.println(md);
        assertTrue(cat.kinds().size() >= 25, "at least 25 kinds");
        assertEquals(0, disagree, "plan (" + target.describe() + ") and real CRIU disagree; see " + out.toAbsolutePath());
        assertEquals(0, rulesDisagree, "plan (rules only) and real CRIU disagree; see " + out.toAbsolutePath());
    }

    private static List<Cell> runKind(Path criu, ProbeCatalogue.Kind k, CriuTarget target, CriuTarget rules, Path work) throws Exception {
        List<Cell> cells = new ArrayList<>();
        try (Topology t = Topology.start(k.topologySpec(), Duration.ofSeconds(30)); LiveScanner scanner = new LiveScanner()) {
            Set<Integer> tops = new HashSet<>();
            t.manifest().processes().values().stream().filter(p -> p.parent() == null).forEach(p -> tops.add(p.pid()));
            IpcGraph g = scanner.scan(ScanScope.subtrees(tops));
            for (ProbeCatalogue.Variant v : k.variants()) {
                if (v.restore()) continue; // the same options as a dump-only variant; restores are the calibration's business
                int root = t.pid(v.root() != null ? v.root() : k.root());
                Decisions d = decisions(v.options(), t);
                DumpPlan plan = DumpPlanner.plan(g, root, d, pid -> true, target);
                DumpPlan rulePlan = DumpPlanner.plan(g, root, d, pid -> true, rules);
                Path dir = work.resolve(k.id() + "." + v.id());
                Real real = dump(criu, plan.options(), dir);
                String said = says(plan), ruleSaid = says(rulePlan);
                String did = real.ok() ? "dumps" : "fails " + (real.kind() == null ? "?" : real.kind().name());
                boolean textAgree = real.ok() ? plan.willSucceed()
                        : plan.firstError() != null && real.first() != null && FirstError.mask(plan.firstError().text()).equals(real.first().text());
                String basis = plan.objects().stream().filter(o -> o.kind().equals(k.id())).map(o -> o.basis().name().toLowerCase())
                        .findFirst().orElse("crossing/check");
                cells.add(new Cell(k.id(), v.id(), String.join(" ", v.options().flags()), said, ruleSaid, did,
                        real.first() == null ? "" : real.first().line(), said.equals(did), ruleSaid.equals(did), textAgree, basis));
                deleteTree(dir);
            }
            assertTrue(t.directorAlive(), k.id() + ": the topology outlived its dumps");
        }
        return cells;
    }

    /** The decisions that amount to a variant's options. */
    static Decisions decisions(ProbeCatalogue.Options o, Topology t) {
        Decisions d = Decisions.NONE.withShellJob(o.shellJob()).withExtUnixSk(o.extUnixSk()).withTcpEstablished(o.tcpEstablished())
                .withTcpClose(o.tcpClose()).withSkipInFlight(o.tcpSkipInFlight()).withFileLocks(o.fileLocks())
                .withLinkRemap(o.linkRemap()).withGhostLimit(o.ghostLimit());
        // the external keys with the topology's namespace inodes filled in
        List<String> ext = o.applyTo(CriuOptions.defaults(), t).external();
        return ext.isEmpty() ? d : d.withExternalKeys(ext.toArray(String[]::new));
    }

    static String says(DumpPlan p) {
        if (p.outcome() == Outcome.UNKNOWN) return "cannot tell";
        return p.willSucceed() ? "dumps" : "fails " + (p.firstError() == null ? "?" : p.firstError().kind().name());
    }

    record Real(boolean ok, CriuErrorKind kind, FirstError first) {}

    /** {@code criu dump --leave-running} with exactly the plan's options; success, and the first error. */
    static Real dump(Path criu, CriuOptions o, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(criu.toString());
        cmd.addAll(DumpCommand.args(o.withLeaveRunning(true).withLogLevel(2).withLogFile("dump.log"), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("criu.out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("criu dump hung: " + cmd);
        }
        Path log = dir.resolve("dump.log");
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
        if (p.exitValue() == 0) return new Real(true, null, null);
        CriuErrorKind k = CriuErrorKind.firstIn(lines);
        FirstError first = Files.exists(log) ? FirstError.of(CriuLogParser.parse(log)) : null;
        return new Real(false, k != null ? k : CriuErrorKind.OTHER_ERROR, first);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }

    static String markdown(CriuTarget t, List<Cell> cells, long millis, long disagree, long rulesDisagree, long textAgree) {
        StringBuilder b = new StringBuilder();
        long kinds = cells.stream().map(Cell::kind).distinct().count();
        b.append("# Plan vs real CRIU ").append(t.criuVersion()).append(" on Linux ").append(t.kernel()).append("\n\n");
        b.append("Plan basis: ").append(t.describe()).append(".  \n");
        b.append(kinds).append(" kinds, ").append(cells.size()).append(" cells, ").append(disagree)
                .append(" disagreements (calibrated plan), ").append(rulesDisagree).append(" disagreements (rules alone); first error text equal (masked) in ")
                .append(textAgree).append(" cells; ").append(String.format("%.1f s", millis / 1000.0)).append(" at parallelism ").append(PARALLEL).append(".\n\n");
        b.append("| kind | variant | flags | plan says | rules say | CRIU did | first error (masked) | agree | basis |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Cell c : cells)
            b.append("| `").append(c.kind()).append("` | ").append(c.variant()).append(" | ")
                    .append(c.flags().isEmpty() ? "–" : "`" + c.flags() + "`").append(" | ").append(c.calibrated()).append(" | ")
                    .append(c.rules()).append(" | ").append(c.real()).append(" | ")
                    .append(c.realError().isEmpty() ? "" : "`" + c.realError().replace("|", "\\|") + "`").append(" | ")
                    .append(c.agree() ? "yes" : "**NO**").append(c.rulesAgree() ? "" : " (rules: **NO**)").append(" | ")
                    .append(c.basis()).append(" |\n");
        return b.toString();
    }
}
