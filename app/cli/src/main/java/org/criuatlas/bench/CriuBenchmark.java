package org.criuatlas.bench;

import org.criuatlas.bridge.criu.ChildSubreaper;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.CriuRequest;
import org.criuatlas.bridge.criu.SwrkFloor;
import org.criuatlas.bridge.criu.TempDirs;
import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.bridge.topo.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code criu-atlas bench criu}: dumps ({@code --leave-running}) and restores the same real trees
 * with the {@code criu} command line, with the headless {@code criu-atlas dump/restore} commands and
 * with the in-process {@link CriuSession} as the window runs it, in turns, in one run; prints the
 * medians of wall time and of CRIU's own statistics (frozen time, restore time) and the ratios to the
 * command line.
 *
 * <p>The trees are topology-builder populations under one root ({@link ImageBenchmark#treePopulation}).
 * The first dump of the original tree is a warm-up; after it the original is torn down and every
 * later tree is a restored one. This process is a child subreaper, so a restored root becomes its
 * child once criu exits: before each restore the previous tree is killed and reaped here
 * ({@link ChildSubreaper#killAndReap}), which frees its pids without polling.
 */
@Command(name = "criu", mixinStandardHelpOptions = true,
        description = "Dump and restore the same real trees with the criu command line, the headless commands and the"
                + " in-process session; wall time, frozen time and ratios.")
public final class CriuBenchmark implements Callable<Integer> {
    @Option(names = "--processes", split = ",", paramLabel = "N", description = "Tree sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes = List.of(10, 100, 1000);

    @Option(names = "--runs", description = "Timed rounds per size; each round runs every tool once, each tool starting as many"
            + " rounds as the others (rounded up to a multiple of the tools; default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--sockets-per-process", description = "Socket ends per process in the population (default: ${DEFAULT-VALUE}).")
    int socketsPerProcess = 2;

    @Option(names = {"-v", "--log-level"}, description = "CRIU log level on every side (default: ${DEFAULT-VALUE}).")
    int logLevel = 4;

    @Option(names = "--launcher", paramLabel = "PATH",
            description = "Run the headless commands through this launcher (e.g. ./criu-atlas); default: this JVM's java"
                    + " with the build's JVM options (" + JvmOptions.FILE_NAME + ") or else its class path.")
    Path launcher;

    @Option(names = "--tools", split = ",", description = "Which sides to run (default: CLI,HEADLESS,SESSION): ${COMPLETION-CANDIDATES}. FLOOR and SWRK are"
                    + " measuring sticks: one swrk request and nothing else, in a JVM started as the headless commands are (FLOOR)"
                    + " or in this one (SWRK).")
    List<Tool> tools = List.of(Tool.CLI, Tool.HEADLESS, Tool.SESSION);

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the images go (default: a temporary directory, removed after).")
    Path workDir;

    /** Set by picocli; null when another benchmark runs this one ({@link BridgeBenchmark}). */
    @Spec CommandSpec spec;

    private RuntimeException usage(String message) {
        return spec != null ? new CommandLine.ParameterException(spec.commandLine(), message) : new IllegalArgumentException(message);
    }

    /** The BRIDGE and HOST sides, set by whoever started the bridge ({@link BridgeBenchmark}). */
    BridgeCriuSide bridge, host;

    /** The ways to dump and restore. */
    public enum Tool {
        CLI("criu command line"), HEADLESS("criu-atlas dump/restore"), SESSION("in-process session"),
        /**
         * A JVM started as the headless commands are that does one swrk request and nothing else
         * ({@link org.criuatlas.bridge.criu.SwrkFloor}): the least any Java command can take, measured beside the others.
         */
        FLOOR("JVM + swrk, nothing else"),
        /** The same request in this JVM ({@link org.criuatlas.bridge.criu.SwrkFloor#run}): the least the session and a bridge can take. */
        SWRK("swrk alone, in-process"),
        /**
         * The same calls in this JVM ({@link BridgeCriuSide} on a {@link org.criuatlas.host.LocalHost}), as the window run as root
         * makes them: what BRIDGE costs apart from its link; `bench bridge` runs it.
         */
        HOST("in-process host"),
        /** Through a bridge process on this machine, as the window asks one ({@link BridgeCriuSide}); `bench bridge` runs it. */
        BRIDGE("through a local bridge");
        final String label;

        Tool(String label) {
            this.label = label;
        }
    }

    /** One dump or restore: wall time, and CRIU's own figures (frozen time for a dump, restore time for a restore). */
    record Sample(double wallMs, double criuMs) {}

    @Override
    public Integer call() throws Exception {
        Path criu = CriuLocator.require().path();
        ChildSubreaper.become();
        boolean temp = workDir == null;
        Path work = temp ? Files.createTempDirectory("criu-atlas-bench-criu") : Files.createDirectories(workDir);
        List<String> headless = headlessCommand();
        // Each round starts with a different side; with a round count that is not a multiple of the sides, one side starts
        // more rounds, and the side that starts a round measured slower here (2026-12-06, 100 processes, 9 rounds: the session's
        // frozen time 1.12-1.19x the CLI's listed second, 1.03-1.06x listed first), so the count is rounded up
        int asked = runs;
        runs = (runs + tools.size() - 1) / tools.size() * tools.size();
        if (tools.contains(Tool.BRIDGE) && bridge == null || tools.contains(Tool.HOST) && host == null)
            throw usage("the bridge and host sides run from `bench bridge`");
        if (tools.contains(Tool.FLOOR) && launcher != null) throw usage("FLOOR runs with the build's JVM options, not a --launcher");
        System.out.println("load average at start: " + loadAverage());
        if (runs != asked) System.out.println("--runs " + asked + " rounded up to " + runs + ": every side starts as many rounds");
        System.out.println("criu: " + criu + " (" + CriuSession.version(criu).version() + "), log level -v" + logLevel
                + ", dumps with --leave-running, " + runs + " rounds per size (tools in turn; first round of each size is a warm-up)");
        if (tools.contains(Tool.HEADLESS)) System.out.println("headless commands run as: " + String.join(" ", headless) + " ...");
        double startup = Double.NaN;
        if (tools.contains(Tool.HEADLESS) || tools.contains(Tool.FLOOR)) {
            startup = JvmOptions.startup(headless);
            System.out.printf("JVM start-up (criu-atlas --version to exit, median of 7): %.0f ms%n", startup);
        }
        List<String> verdicts = new ArrayList<>();
        try {
            for (int n : sizes) verdicts.addAll(size(criu, n, work, headless, startup));
        } finally {
            if (temp) TempDirs.deleteQuietly(work);
        }
        System.out.println();
        verdicts.forEach(System.out::println);
        System.out.println("load average at end: " + loadAverage());
        return 0;
    }

    private List<String> size(Path criu, int n, Path work, List<String> headless, double startup) throws Exception {
        Map<Tool, List<Sample>> dumps = new EnumMap<>(Tool.class), restores = new EnumMap<>(Tool.class);
        for (Tool t : tools) {
            dumps.put(t, new ArrayList<>());
            restores.put(t, new ArrayList<>());
        }
        Topology topo = Topology.start(ImageBenchmark.treePopulation(n, n * socketsPerProcess), Duration.ofMinutes(5));
        List<Integer> tree = parentsFirst(topo);
        // Ctrl+C: a restored tree is ours (not atlas-topo's) to take down
        Thread hook = new Thread(() -> {
            try {
                topo.close();
                ChildSubreaper.killAndReap(tree);
            } catch (RuntimeException ignored) {
                // exiting anyway
            }
        }, "bench-criu-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        int root = tree.get(0);
        boolean original = true;
        try {
            Path warm = work.resolve(n + "-warm-up");
            // the original tree's parent is atlas-topo's director: it tears it down; later trees are ours
            check(cliDump(criu, root, warm), "warm-up dump");
            topo.close();
            original = false;
            check(cliRestore(criu, warm), "warm-up restore");
            requireOurChild(root);
            for (int round = 0; round <= runs; round++) {
                for (int k = 0; k < tools.size(); k++) {
                    Tool t = tools.get((k + round) % tools.size()); // a different order each round
                    Path dir = work.resolve(n + "-" + t.name().toLowerCase() + "-" + round);
                    Sample d = dump(t, criu, root, dir, headless);
                    ChildSubreaper.killAndReap(tree);
                    Sample r = restore(t, criu, dir, headless);
                    requireOurChild(root);
                    if (round > 0) { // round 0 warms up every side (JIT, page cache)
                        dumps.get(t).add(d);
                        restores.get(t).add(r);
                    }
                    TempDirs.deleteQuietly(dir);
                }
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
            if (original) topo.close();
            else ChildSubreaper.killAndReap(tree);
            TempDirs.deleteQuietly(work.resolve(n + "-warm-up"));
        }
        return report(n, topo.manifest().ends().size(), dumps, restores, startup);
    }

    private List<String> report(int n, int ends, Map<Tool, List<Sample>> dumps, Map<Tool, List<Sample>> restores, double startup) {
        System.out.println();
        System.out.printf("%d processes, %d socket ends; medians (and minimums) of %d rounds%n", n, ends, runs);
        System.out.printf("%-24s | %17s %9s %13s %7s | %17s %10s %13s%n", "", "dump wall", "frozen", "ratio", "frozen",
                "restore wall", "CRIU's", "ratio");
        System.out.printf("%-24s | %17s %9s %13s %7s | %17s %10s %13s%n", "", "median (min)", "", "median (min)", "ratio",
                "median (min)", "restore", "median (min)");
        Sample cliD = median(dumps.get(Tool.CLI)), cliR = median(restores.get(Tool.CLI));
        Sample cliDmin = min(dumps.get(Tool.CLI)), cliRmin = min(restores.get(Tool.CLI));
        List<String> verdicts = new ArrayList<>();
        for (Tool t : tools) {
            Sample d = median(dumps.get(t)), r = median(restores.get(t)), dMin = min(dumps.get(t)), rMin = min(restores.get(t));
            System.out.printf("%-24s | %7.0f (%5.0f) ms %6.0f ms %5.2fx (%4.2fx) %6.2fx | %7.0f (%5.0f) ms %7.0f ms %5.2fx (%4.2fx)%n",
                    t.label, d.wallMs, dMin.wallMs, d.criuMs, ratio(d.wallMs, cliD), ratio(dMin.wallMs, cliDmin),
                    cliD == null ? Double.NaN : d.criuMs / cliD.criuMs, r.wallMs, rMin.wallMs, r.criuMs, ratio(r.wallMs, cliR),
                    ratio(rMin.wallMs, cliRmin));
            System.out.println("    dump wall " + samples(dumps.get(t)) + ", restore wall " + samples(restores.get(t)));
            if (cliD == null || t == Tool.CLI) continue;
            System.out.printf("    paired by round (median and quartiles of this side / the CLI in the same round): dump wall %s, frozen %s,"
                            + " restore wall %s%n", Paired.quartiles(dumps.get(t), dumps.get(Tool.CLI), Sample::wallMs),
                    Paired.quartiles(dumps.get(t), dumps.get(Tool.CLI), Sample::criuMs), Paired.quartiles(restores.get(t), restores.get(Tool.CLI), Sample::wallMs));
            boolean jvm = t == Tool.HEADLESS || t == Tool.FLOOR;
            double extra = jvm ? startup : 0;
            String goal = jvm ? "<= 1.05x (CLI + JVM start-up)" : "<= 1.05x CLI";
            // FLOOR and SWRK are floors, HOST is the bridge's work without its link: figures to read the others by, not goals
            boolean floor = t == Tool.FLOOR || t == Tool.SWRK, reference = floor || t == Tool.HOST;
            verdicts.add(String.format("%5d processes, %-24s dump %.2fx (min %.2fx), restore %.2fx (min %.2fx) of the budget (%s %s): %s",
                    n, t.label, d.wallMs / (cliD.wallMs + extra), dMin.wallMs / (cliDmin.wallMs + extra), r.wallMs / (cliR.wallMs + extra),
                    rMin.wallMs / (cliRmin.wallMs + extra), floor ? "a floor, for reference; against" : reference ? "for reference; against"
                            : "goal", goal, d.wallMs <= 1.05 * (cliD.wallMs + extra) && r.wallMs <= 1.05 * (cliR.wallMs + extra)
                            ? (reference ? "within" : "met") : reference ? "over" : "NOT met"));
        }
        System.out.println("frozen = CRIU's frozen_time (stats-dump); CRIU's restore = restore_time (stats-restore); ratios to the criu"
                + " command line; under load from elsewhere the minimums are the better estimate of each side's own cost");
        return verdicts;
    }

    private static double ratio(double v, Sample cli) {
        return cli == null ? Double.NaN : v / cli.wallMs;
    }

    private static String samples(List<Sample> s) {
        return s.stream().map(x -> String.format("%.0f", x.wallMs)).toList() + " ms";
    }

    private static Sample min(List<Sample> s) {
        if (s == null || s.isEmpty()) return null;
        return new Sample(s.stream().mapToDouble(Sample::wallMs).min().orElseThrow(), s.stream().mapToDouble(Sample::criuMs).min().orElseThrow());
    }

    private static Sample median(List<Sample> s) {
        if (s == null || s.isEmpty()) return null;
        double[] w = s.stream().mapToDouble(Sample::wallMs).sorted().toArray();
        double[] c = s.stream().mapToDouble(Sample::criuMs).sorted().toArray();
        return new Sample(w[w.length / 2], c[c.length / 2]);
    }

    // ---- the three sides ------------------------------------------------------------------------

    private Sample dump(Tool t, Path criu, int root, Path dir, List<String> headless) throws Exception {
        long t0 = System.nanoTime();
        switch (t) {
            case CLI -> check(cliDump(criu, root, dir), "criu dump");
            case HEADLESS -> check(run(JvmOptions.plus(headless, "dump", "--pid", Integer.toString(root), "-D", dir.toString(),
                    "--leave-running", "-v", Integer.toString(logLevel)), dir.resolveSibling(dir.getFileName() + ".out")), "criu-atlas dump");
            case FLOOR -> check(run(JvmOptions.floor(headless, criu, "dump", Integer.toString(root), dir.toString(), Integer.toString(logLevel)),
                    dir.resolveSibling(dir.getFileName() + ".out")), "swrk floor dump");
            case SWRK -> check(SwrkFloor.run(criu, CriuRequest.DUMP,
                    CriuOptions.defaults().withPid(root).withImagesDir(dir).withLeaveRunning(true).withLogLevel(logLevel)), "swrk dump");
            case BRIDGE -> bridge.dump(root, dir);
            case HOST -> host.dump(root, dir);
            case SESSION -> {
                CriuOptions o = CriuOptions.defaults().withPid(root).withImagesDir(dir).withLeaveRunning(true).withLogLevel(logLevel);
                try (CriuSession s = CriuSession.dump(criu, o, new WindowLikeListener())) {
                    CriuResult r = s.await();
                    if (!r.success()) throw new IllegalStateException("session dump failed: " + r.diagnoses() + ", log " + r.logFile());
                }
            }
        }
        double wall = (System.nanoTime() - t0) / 1e6;
        var st = CriuStats.read(dir.resolve(CriuStats.DUMP_FILE)).orElseThrow(() -> new IllegalStateException("no stats-dump in " + dir));
        return new Sample(wall, st.dump().frozenTimeUs() / 1000.0);
    }

    private Sample restore(Tool t, Path criu, Path dir, List<String> headless) throws Exception {
        CriuStats viaBridge = null; // a host's restore writes its stats into a work dir of its own: its result carries them
        // the restore board opens the folder through the host to show its wiring before Restore can be clicked: timed apart
        BridgeCriuSide side = t == Tool.BRIDGE ? bridge : t == Tool.HOST ? host : null;
        var plan = side != null ? side.open(dir) : null;
        long t0 = System.nanoTime();
        switch (t) {
            case CLI -> check(cliRestore(criu, dir), "criu restore");
            case HEADLESS -> check(run(JvmOptions.plus(headless, "restore", "-D", dir.toString(), "-v", Integer.toString(logLevel)),
                    dir.resolveSibling(dir.getFileName() + "-restore.out")), "criu-atlas restore");
            case FLOOR -> check(run(JvmOptions.floor(headless, criu, "restore", dir.toString(), Integer.toString(logLevel)),
                    dir.resolveSibling(dir.getFileName() + "-restore.out")), "swrk floor restore");
            case SWRK -> check(SwrkFloor.run(criu, CriuRequest.RESTORE, CriuOptions.defaults().withImagesDir(dir).withLogLevel(logLevel)),
                    "swrk restore");
            case BRIDGE, HOST -> viaBridge = side.restore(dir, plan);
            case SESSION -> {
                CriuOptions o = CriuOptions.defaults().withImagesDir(dir).withLogLevel(logLevel);
                try (CriuSession s = CriuSession.restore(criu, o, Map.of(), new WindowLikeListener())) {
                    CriuResult r = s.await();
                    if (!r.success()) throw new IllegalStateException("session restore failed: " + r.diagnoses() + ", log " + r.logFile());
                }
            }
        }
        double wall = (System.nanoTime() - t0) / 1e6;
        var st = viaBridge != null ? viaBridge : CriuStats.read(dir.resolve(CriuStats.RESTORE_FILE))
                .orElseThrow(() -> new IllegalStateException("no stats-restore in " + dir));
        return new Sample(wall, st.restore().restoreTimeUs() / 1000.0);
    }

    private Process cliDump(Path criu, int root, Path dir) throws IOException {
        Files.createDirectories(dir);
        return start(List.of(criu.toString(), "dump", "-t", Integer.toString(root), "-D", dir.toString(), "-o", "dump.log",
                "-v" + logLevel, "--leave-running"), dir.resolve("criu.out"));
    }

    private Process cliRestore(Path criu, Path dir) throws IOException {
        return start(List.of(criu.toString(), "restore", "-D", dir.toString(), "-o", "restore.log", "-v" + logLevel,
                "--restore-detached"), dir.resolve("criu-restore.out"));
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what + " failed (criu's log is in the images folder)");
    }

    private static Process run(List<String> cmd, Path out) throws IOException {
        return start(cmd, out);
    }

    private static Process start(List<String> cmd, Path out) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static void check(Process p, String what) throws InterruptedException {
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not end within 10 minutes");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(what + " failed with exit " + p.exitValue() + " (" + p.info().commandLine().orElse("") + ")");
    }

    // ---- the tree --------------------------------------------------------------------------------

    /** The tree's pids, each parent before its children. */
    static List<Integer> parentsFirst(Topology topo) {
        List<Integer> out = new ArrayList<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of("p0"));
        var procs = topo.manifest().processes().values();
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            out.add(topo.pid(name));
            for (Topology.Proc p : procs) if (name.equals(p.parent())) todo.add(p.name());
        }
        if (out.size() != procs.size()) throw new IllegalStateException("the population is not one tree under p0");
        return out;
    }

    private static void requireOurChild(int root) {
        int parent = ChildSubreaper.parentOf(root).orElseThrow(() -> new IllegalStateException("restored root " + root + " is gone"));
        if (parent != ProcessHandle.current().pid())
            throw new IllegalStateException("restored root " + root + " has parent " + parent + ", not this subreaper");
    }

    // ---- the headless commands and JVM start-up --------------------------------------------------

    List<String> headlessCommand() {
        return JvmOptions.headless(launcher);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
