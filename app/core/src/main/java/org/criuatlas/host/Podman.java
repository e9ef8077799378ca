package org.criuatlas.host;

import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs podman itself for a container checkpoint or restore, on this machine: each line it prints becomes a
 * {@link HostEvent.Step} ("podman", line); cancel stops podman (SIGTERM, then SIGKILL after a grace
 * period) and never ends the container: one CRIU had already dumped (and so stopped) is restored from
 * podman's images, a checkpoint podman had finished is kept (see {@code afterCancel}). On failure the reason is said in plain words from
 * podman's error line and CRIU's own log, which podman's runtime (runc) leaves in the container's work
 * folder ({@code --work-path DIR}: {@code DIR/dump.log}, {@code DIR/restore.log}) and names in its error.
 * <p>
 * podman runs with this process's environment plus {@code extraEnv} (e.g. {@code CONTAINERS_CONF} and
 * {@code CONTAINERS_STORAGE_CONF} of a private configuration, as scripts/setup-podman.sh prints them).
 */
public final class Podman {
    /** The podman to run: {@code CRIU_ATLAS_PODMAN} when set, else {@code podman} on PATH. */
    public static final String ENV = "CRIU_ATLAS_PODMAN";
    static final int KEEP_LINES = 400;
    static final long LOG_LIMIT = 16L << 20;
    private static final Pattern WORK_PATH = Pattern.compile("--work-path[ =](\\S+)");
    /** How long a cancelled checkpoint's runtime may take to finish what podman left (see {@link #settle}). */
    static final java.time.Duration SETTLE_AT_MOST = java.time.Duration.ofSeconds(60);
    private static final Pattern LOG_FILE = Pattern.compile("(/\\S+/(?:dump|restore)\\.log)");

    private final String binary;
    private final Map<String, String> extraEnv;

    public Podman(String binary, Map<String, String> extraEnv) {
        this.binary = Objects.requireNonNull(binary);
        this.extraEnv = Map.copyOf(extraEnv == null ? Map.of() : extraEnv);
    }

    /** podman from {@link #ENV} or PATH, with this process's environment. */
    public static Podman fromEnvironment() {
        String b = System.getenv(ENV);
        return new Podman(b == null || b.isBlank() ? "podman" : b, Map.of());
    }

    /** The full command line of {@code r}. */
    public List<String> command(ContainerRequest r) {
        List<String> c = new ArrayList<>();
        c.add(binary);
        c.addAll(r.arguments());
        return c;
    }

    /** Starts podman for {@code r} on {@code work}; the handle's result never completes exceptionally. */
    public HostOperation<ContainerOutcome> run(ContainerRequest r, Consumer<HostEvent> events, Executor work) {
        CompletableFuture<ContainerOutcome> result = new CompletableFuture<>();
        // podman's own children (the runtime, and criu under it) go on after podman is stopped: taken as the cancel
        // stops podman, and waited for before what the cancel left is judged
        List<ProcessHandle> goingOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        LateCancel<Process> cancel = new LateCancel<>(p -> {
            p.descendants().forEach(goingOn::add);
            p.destroy();
        });
        HostOperation<ContainerOutcome> op = cancel.operation(result);
        try {
            work.execute(() -> {
                try {
                    result.complete(runNow(r, events, cancel, goingOn));
                } catch (RuntimeException e) {
                    result.complete(new ContainerOutcome(ContainerOutcome.Kind.FAILED, line(r), -1, List.of(),
                            "podman could not run: " + e.getMessage(), null, List.of(), null, -1));
                }
            });
        } catch (RuntimeException e) {
            result.complete(new ContainerOutcome(ContainerOutcome.Kind.FAILED, line(r), -1, List.of(),
                    "podman could not start: " + e.getMessage(), null, List.of(), null, -1));
        }
        return op;
    }

    private String line(ContainerRequest r) {
        return org.criuatlas.plan.container.ContainerCheckpoint.shellLine(command(r));
    }

    private ContainerOutcome runNow(ContainerRequest r, Consumer<HostEvent> events, LateCancel<Process> cancel, List<ProcessHandle> goingOn) {
        String cmdLine = line(r);
        events.accept(new HostEvent.Step("start", cmdLine, Instant.now()));
        if (cancel.cancelled()) return new ContainerOutcome(ContainerOutcome.Kind.CANCELLED, cmdLine, -1, List.of(), null, null, List.of(), null, -1);
        Deque<String> kept = new ArrayDeque<>();
        // an archive podman begins and a cancel leaves unfinished is removed; a file that was there before is not touched
        boolean archiveWasThere = r instanceof ContainerRequest.Checkpoint c0 && Files.exists(c0.archive(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Process p;
        try {
            if (r instanceof ContainerRequest.Checkpoint c && c.archive().getParent() != null) Files.createDirectories(c.archive().getParent());
            p = processBuilder(command(r)).start();
        } catch (IOException e) {
            return new ContainerOutcome(ContainerOutcome.Kind.FAILED, cmdLine, -1, List.of(), "podman could not be started ("
                    + e.getMessage() + "): is it installed? (scripts/setup-podman.sh, or " + ENV + ")", null, List.of(), null, -1);
        }
        cancel.attach(p);
        Thread reaper = new Thread(() -> {
            // a podman that ignores SIGTERM is killed after a grace period
            try {
                while (!p.waitFor(1, TimeUnit.SECONDS)) {
                    if (cancel.cancelled() && !p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "atlas-podman-reaper");
        reaper.setDaemon(true);
        reaper.start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                kept.addLast(l);
                if (kept.size() > KEEP_LINES) kept.removeFirst();
                events.accept(new HostEvent.Step("podman", l, Instant.now()));
            }
        } catch (IOException e) {
            kept.addLast("(reading podman's output failed: " + e.getMessage() + ")");
        }
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            exit = -1;
        }
        List<String> out = List.copyOf(kept);
        if (cancel.cancelled() && r instanceof ContainerRequest.Checkpoint c) {
            settle(goingOn);
            return afterCancel(c, cmdLine, exit, out, events, archiveWasThere);
        }
        if (exit == 0) {
            String last = out.stream().filter(s -> !s.isBlank()).reduce((a, b) -> b).orElse("").trim();
            long bytes = -1;
            if (r instanceof ContainerRequest.Checkpoint c) {
                try {
                    bytes = Files.size(c.archive());
                } catch (IOException e) {
                    // shown as unknown
                }
                last = c.archive().toString();
            }
            return new ContainerOutcome(ContainerOutcome.Kind.DONE, cmdLine, 0, out, null, null, List.of(), last, bytes);
        }
        if (cancel.cancelled()) {
            return new ContainerOutcome(ContainerOutcome.Kind.CANCELLED, cmdLine, exit, out,
                    "cancelled: podman was stopped (exit " + exit + ")", null, List.of(), null, -1);
        }
        Path log = criuLog(out, r instanceof ContainerRequest.Restore);
        List<CriuLogLine> lines = List.of();
        if (log != null) {
            try {
                if (Files.size(log) <= LOG_LIMIT) lines = CriuLogParser.parse(log);
            } catch (IOException | RuntimeException e) {
                // the reason then comes from podman's output alone
            }
        }
        return new ContainerOutcome(ContainerOutcome.Kind.FAILED, cmdLine, exit, out, explain(out, lines, exit), log,
                errorTail(lines), null, -1);
    }

    /**
     * Waits (at most {@link #SETTLE_AT_MOST} in all) for the processes podman had started when it was stopped: its runtime
     * finishes a checkpoint CRIU has begun, and stops the container, after podman has exited (measured: a restore asked
     * at once was refused with "running or paused", and the container was exited a moment later).
     */
    private static void settle(List<ProcessHandle> goingOn) {
        long end = System.nanoTime() + SETTLE_AT_MOST.toNanos();
        for (ProcessHandle h : goingOn) {
            try {
                h.onExit().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return; // judged as it is now
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * What a cancelled checkpoint left, made safe. podman stopped by SIGTERM exits (often with 0) wherever it
     * was; measured with podman 4.3 and CRIU 4.2.1 (stopped 0.05 to 0.8 s into a 1.4 s checkpoint): before
     * CRIU's dump the container still runs; after it, CRIU has stopped the container and podman neither
     * exported the archive nor marked it checkpointed, so the workload would be lost. Then the container is
     * restored from the images podman keeps in its work folder ({@code podman container restore NAME}), so
     * Cancel never ends a container. A checkpoint podman had finished (marked checkpointed, archive written)
     * is kept and reported done.
     */
    private ContainerOutcome afterCancel(ContainerRequest.Checkpoint c, String cmdLine, int exit, List<String> out,
                                         Consumer<HostEvent> events, boolean archiveWasThere) {
        String state = inspect(c.container(), "{{.State.Status}} {{.State.Checkpointed}}");
        boolean archive = Files.isRegularFile(c.archive(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (state == null) {
            return new ContainerOutcome(ContainerOutcome.Kind.CANCELLED, cmdLine, exit, out, "podman was stopped (exit " + exit
                    + "), and its state of container " + c.container() + " could not be read: check it with podman inspect "
                    + c.container(), null, List.of(), null, -1);
        }
        // (a --leave-running checkpoint podman finished looks the same: podman does not mark it checkpointed, measured; the
        //  user asked to cancel, and a finished archive cannot be told from an unfinished one here, so it is not kept)
        if (state.startsWith("running")) {
            return new ContainerOutcome(ContainerOutcome.Kind.CANCELLED, cmdLine, exit, out, "podman was stopped (exit " + exit
                    + ") and container " + c.container() + " still runs" + unfinished(c, archive, archiveWasThere), null, List.of(), null, -1);
        }
        if (state.endsWith("true") && archive) {
            long bytes;
            try {
                bytes = Files.size(c.archive());
            } catch (IOException e) {
                bytes = -1;
            }
            List<String> done = new ArrayList<>(out);
            done.add("(the cancel came after podman had finished the checkpoint: it is kept)");
            return new ContainerOutcome(ContainerOutcome.Kind.DONE, cmdLine, exit, done, null, null, List.of(), c.archive().toString(), bytes);
        }
        // CRIU dumped and stopped the container, podman did not finish: bring it back from podman's images
        List<String> restore = new ArrayList<>(List.of(binary, "container", "restore"));
        if (c.tcpEstablished()) restore.add("--tcp-established");
        if (c.fileLocks()) restore.add("--file-locks");
        restore.add(c.container());
        String restoreLine = org.criuatlas.plan.container.ContainerCheckpoint.shellLine(restore);
        events.accept(new HostEvent.Step("restore-after-cancel", restoreLine, Instant.now()));
        List<String> restoreOut = new ArrayList<>();
        int rexit = runQuietly(restore, restoreOut, events);
        String after = inspect(c.container(), "{{.State.Status}}");
        if (rexit != 0 && restoreOut.stream().anyMatch(l -> l.contains("running or paused")) && after != null
                && !after.equals("running") && !after.equals("paused")) {
            // refused while the runtime was still ending the container (seen once in CI: exited a moment later): once more
            restoreOut.add("(podman refused while the container was still being stopped; it is " + after + " now: asked again)");
            rexit = runQuietly(restore, restoreOut, events);
            after = inspect(c.container(), "{{.State.Status}}");
        }
        List<String> all = new ArrayList<>(out);
        all.add("$ " + restoreLine);
        all.addAll(restoreOut);
        String incomplete = unfinished(c, archive, archiveWasThere);
        if (rexit == 0 && "running".equals(after)) {
            return new ContainerOutcome(ContainerOutcome.Kind.CANCELLED, cmdLine, exit, all, "CRIU had already dumped container "
                    + c.container() + ", which stops it, when podman was stopped, before it exported the archive; the container was"
                    + " restored from the images podman keeps (" + restoreLine + ") and runs on from where it was" + incomplete,
                    null, List.of(), null, -1);
        }
        String podmanSaid = restoreOut.stream().map(String::trim).filter(l -> l.startsWith("Error: ")).reduce((a, b) -> b)
                .map(l -> ": " + l.substring(7)).orElse(" (exit " + rexit + ")");
        return new ContainerOutcome(ContainerOutcome.Kind.FAILED, cmdLine, exit, all, "the cancel came after CRIU had dumped and"
                + " stopped container " + c.container() + ", and restoring it from podman's images failed" + podmanSaid
                + "; the container is " + (after == null ? "in an unknown state" : after) + ": try " + restoreLine + incomplete,
                null, List.of(), null, -1);
    }

    /** Removes the unfinished archive podman began (not a file that was there before); what to say about it. */
    private static String unfinished(ContainerRequest.Checkpoint c, boolean archive, boolean archiveWasThere) {
        if (!archive) return "";
        if (archiveWasThere) return "; " + c.archive() + " was there before and may be incomplete now";
        try {
            Files.deleteIfExists(c.archive());
            return "; the archive podman was writing was removed (it may not be whole)";
        } catch (IOException e) {
            return "; " + c.archive() + " is an unfinished archive (it could not be removed: " + e.getMessage() + ")";
        }
    }

    /** {@code podman inspect --format FORMAT NAME}'s one line, null when podman fails. */
    private String inspect(String container, String format) {
        List<String> out = new ArrayList<>();
        int e = runQuietly(List.of(binary, "inspect", "--format", format, container), out, null);
        return e == 0 && !out.isEmpty() ? out.get(out.size() - 1).trim() : null;
    }

    /** podman's command {@code cmd} with {@link #extraEnv}, no input, its errors in its output. */
    private ProcessBuilder processBuilder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(extraEnv);
        return pb;
    }

    /** Runs a short podman command to its end (its lines into {@code out}, and as events when given); its exit status, -1 when it could not run. */
    private int runQuietly(List<String> cmd, List<String> out, Consumer<HostEvent> events) {
        try {
            Process p = processBuilder(cmd).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    if (out.size() < KEEP_LINES) out.add(l);
                    if (events != null) events.accept(new HostEvent.Step("podman", l, Instant.now()));
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            out.add("(podman could not run: " + e.getMessage() + ")");
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** CRIU's log named in podman's output: a {@code …/dump.log} / {@code …/restore.log} path, else the runtime's work path's. */
    static Path criuLog(List<String> output, boolean restore) {
        Path found = null;
        for (String l : output) {
            Matcher m = LOG_FILE.matcher(l);
            while (m.find()) found = Path.of(m.group(1));
            Matcher w = WORK_PATH.matcher(l);
            if (found == null && w.find()) {
                Path p = Path.of(w.group(1).replaceAll("[\"'`),]+$", "")).resolve(restore ? "restore.log" : "dump.log");
                if (Files.isRegularFile(p)) found = p;
            }
        }
        return found != null && Files.isRegularFile(found) ? found : null;
    }

    /**
     * Plain words: CRIU's diagnosis when its log says what went wrong, else its last error line, with
     * podman's own error line (without its "Error: " and the runtime's long command).
     */
    static String explain(List<String> output, List<CriuLogLine> log, int exit) {
        String podman = null;
        for (String l : output) {
            String t = l.trim();
            if (t.startsWith("Error: ")) podman = t.substring(7);
        }
        if (podman == null) {
            for (String l : output) if (!l.isBlank() && !l.contains("RLIMIT_NOFILE")) podman = l.trim();
        }
        if (podman != null) podman = podman.replaceAll("`[^`]*`", "the runtime").replaceAll("\\s+", " ");
        if (podman != null && podman.length() > 300) podman = podman.substring(0, 300) + "\u2026";
        String criu = null;
        if (!log.isEmpty()) {
            List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(log, true);
            if (!ds.isEmpty()) criu = forPodman(ds.get(0));
            else {
                List<String> errs = errorTail(log);
                if (!errs.isEmpty()) criu = "CRIU's log ends with: " + errs.get(errs.size() - 1);
            }
        }
        StringBuilder b = new StringBuilder();
        if (criu != null) b.append(criu);
        if (podman != null) b.append(b.length() > 0 ? " (podman: " : "podman: ").append(podman).append(criu != null ? ")" : "");
        if (b.length() == 0) b.append("podman ended with status ").append(exit).append(" and said nothing");
        return b.toString();
    }

    /**
     * A diagnosis in podman's terms: CRIU's fixes name criu options, and podman (through runc) offers only
     * some of them ({@code --tcp-established}, {@code --file-locks}, {@code --leave-running}); it has no
     * {@code --tcp-close} and no {@code --skip-in-flight}, so those are not suggested.
     */
    static String forPodman(CriuDiagnosis d) {
        return switch (d.kind()) {
            case TCP_CONNECTED -> d.what() + " Checkpoint with --tcp-established (the box in the plan, or podman container checkpoint"
                    + " --tcp-established) and restore with --tcp-established too, where the container's addresses are the same and the"
                    + " peer waits; podman cannot dump the connection closed instead (it has no --tcp-close).";
            case TCP_LOCK_FAILED -> d.what() + " Install iptables on this host (apt-get install iptables): with --tcp-established"
                    + " CRIU needs it, and podman offers no --tcp-close to do without.";
            case TCP_IN_FLIGHT -> d.what() + " podman has no --skip-in-flight: checkpoint again once the listener has accepted the"
                    + " connection (or the client has given up).";
            default -> d.text();
        };
    }

    /** The log's error lines (the harmless RLIMIT_NOFILE one left out), the last eight. */
    static List<String> errorTail(List<CriuLogLine> log) {
        List<String> errs = new ArrayList<>();
        for (CriuLogLine l : log) {
            String raw = l.raw();
            if (l.isError() && !raw.contains("RLIMIT_NOFILE")) errs.add(raw.trim());
        }
        return errs.size() > 8 ? List.copyOf(errs.subList(errs.size() - 8, errs.size())) : errs;
    }
}
