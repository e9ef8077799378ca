package org.criuatlas.share;

import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.json.Json;
import org.criuatlas.json.PlanJson;
import org.criuatlas.json.ScanJson;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.PlanSet;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Gathers a {@link BugBundle} for a failed dump or restore: CRIU's and the kernel's versions,
 * {@code criu check}, the calibration, the plan, the scan of the subtree, the CRIU log, the diagnosis
 * and the exact command. Process command lines and the environment can be left out.
 */
public final class BugReport {
    private BugReport() {}

    /** The largest part of a CRIU log kept (its end: where the failure is). */
    public static final int MAX_LOG_BYTES = 16 << 20;
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(token|secret|passw|key|auth|cookie|credential).*");
    /** JSON fields that carry command lines. */
    static final Set<String> COMMAND_FIELDS = Set.of("cmdline", "rootCommand", "commandText");

    /**
     * What to put in.
     *
     * @param what         "dump" or "restore" (what failed), or "report"
     * @param live         the scan of the subtree, null when there is none
     * @param plans        the plan of the dump, null when there is none
     * @param log          the CRIU log, null when there is none
     * @param command      the exact command that failed, null when unknown (then the plan's command is used)
     * @param imagesDir    the images folder, for the command when it comes from the plan (null: a placeholder)
     * @param commandLines include process command lines
     * @param environment  include this program's environment (secret-looking values are left out anyway)
     * @param atlasVersion CRIU Atlas's version, for the versions file
     */
    public record Request(String what, IpcGraph live, PlanSet plans, Path log, String command, Path imagesDir,
                          boolean commandLines, boolean environment, String atlasVersion) {}

    public static BugBundle collect(Request r) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        List<BugBundle.Entry> entries = new ArrayList<>();
        Optional<CriuLocator.Located> criu = CriuLocator.locate();
        String kernel = read("/proc/sys/kernel/osrelease").trim();
        Run version = criu.map(c -> run(List.of(c.path().toString(), "--version"))).orElse(null);
        String criuVersion = version == null ? null : version.out().lines().filter(l -> l.startsWith("Version:"))
                .map(l -> l.substring("Version:".length()).trim()).findFirst().orElse(null);

        StringBuilder v = new StringBuilder();
        v.append("CRIU Atlas: ").append(r.atlasVersion()).append('\n');
        v.append("criu: ").append(criu.map(c -> c.path() + " (found via " + c.via() + ")").orElse("none found")).append('\n');
        if (version != null) v.append(version.out().strip()).append('\n');
        v.append("kernel: ").append(kernel).append('\n');
        v.append("/proc/version: ").append(read("/proc/version").trim()).append('\n');
        read("/etc/os-release").lines().filter(l -> l.startsWith("PRETTY_NAME=")).findFirst()
                .ifPresent(l -> v.append("os: ").append(l.substring(12).replace("\"", "")).append('\n'));
        v.append("java: ").append(Runtime.version()).append('\n');
        entries.add(BugBundle.Entry.text("versions.txt", v.toString(), "CRIU Atlas, CRIU, kernel, OS and Java versions"));

        Run check = criu.map(c -> run(List.of(c.path().toString(), "check"))).orElse(null);
        entries.add(BugBundle.Entry.text("criu-check.txt", check == null ? "no criu found: not run\n"
                : "$ criu check\n" + check.out() + (check.out().endsWith("\n") ? "" : "\n") + "exit status " + check.exit() + "\n",
                "what `criu check` says on this machine"));

        if (criuVersion != null) {
            Path cal = CalibrationReport.cacheFile(criuVersion, kernel);
            if (Files.isRegularFile(cal) && Files.size(cal) < MAX_LOG_BYTES) {
                entries.add(BugBundle.Entry.text("calibration.json", Files.readString(cal), "this machine's calibration of CRIU " + criuVersion));
            }
        }

        if (r.plans() != null && !r.plans().plans().isEmpty()) {
            IpcGraph g = r.live();
            PlanSet plans = r.commandLines() ? r.plans() : withoutCommandLines(r.plans());
            entries.add(BugBundle.Entry.text("plan.md", PlanMarkdown.write(plans, g), "the dump plan, as Markdown"));
            entries.add(BugBundle.Entry.text("plan.json", r.commandLines() ? Json.write(PlanJson.of(plans)) + "\n"
                    : Json.writeWithout(PlanJson.of(plans), COMMAND_FIELDS) + "\n", "the dump plan, as JSON (docs/json.md)"));
        }
        if (r.live() != null) {
            entries.add(BugBundle.Entry.text("scan.json", r.commandLines() ? Json.write(ScanJson.of(r.live())) + "\n"
                    : Json.writeWithout(ScanJson.of(r.live()), COMMAND_FIELDS) + "\n",
                    "the live scan of the subtree" + (r.commandLines() ? "" : " (command lines left out)")));
        }

        String logText = null;
        if (r.log() != null) {
            logText = readLog(r.log());
            entries.add(BugBundle.Entry.text(r.log().getFileName().toString().endsWith(".log") ? r.log().getFileName().toString() : "criu.log",
                    logText, "CRIU's log (" + r.log() + ")"));
            List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(CriuLogParser.parse(logText), true);
            StringBuilder d = new StringBuilder();
            if (ds.isEmpty()) d.append("No known failure recognised in the log; its first error lines:\n");
            for (CriuDiagnosis x : ds) {
                d.append("- ").append(x.kind()).append(": ").append(x.text()).append('\n');
                if (x.logLine() > 0) d.append("  log line ").append(x.logLine()).append(": ").append(x.evidence()).append('\n');
            }
            if (ds.isEmpty()) logText.lines().filter(l -> l.contains("Error (")).limit(10).forEach(l -> d.append("  ").append(l).append('\n'));
            entries.add(BugBundle.Entry.text("diagnosis.txt", d.toString(), "what CRIU Atlas reads in the log"));
        }

        String cmd = r.command();
        String source = "as run";
        if ((cmd == null || cmd.isBlank()) && r.plans() != null && !r.plans().plans().isEmpty()) {
            DumpPlan p = r.plans().plans().get(0);
            cmd = DumpCommand.text(p.options().withLogLevel(4).withLeaveRunning(false),
                    r.imagesDir() == null ? org.criuatlas.plan.PlanReport.IMAGES_PLACEHOLDER : r.imagesDir().toString());
            source = "from the plan";
        }
        if (cmd != null && !cmd.isBlank()) {
            entries.add(BugBundle.Entry.text("command.txt", cmd.strip() + "\n", "the exact criu command (" + source + ")"));
        }

        if (r.environment()) {
            StringBuilder env = new StringBuilder();
            for (Map.Entry<String, String> e : new TreeMap<>(System.getenv()).entrySet()) {
                env.append(e.getKey()).append('=').append(SECRET_NAME.matcher(e.getKey()).matches() ? "(left out)" : e.getValue()).append('\n');
            }
            entries.add(BugBundle.Entry.text("environment.txt", env.toString(), "CRIU Atlas's environment (secret-looking values left out)"));
        }

        StringBuilder readme = new StringBuilder();
        readme.append("CRIU Atlas bug report: ").append(r.what()).append(", made ").append(stamp).append("\n\n");
        readme.append("Process command lines: ").append(r.commandLines() ? "included" : "left out (--no-command-lines)").append('\n');
        readme.append("Environment: ").append(r.environment() ? "included (secret-looking values left out)" : "left out (--no-environment)").append('\n');
        readme.append("Nothing else from the machine is in here: no images, no memory pages, no files of the processes.\n\nFiles:\n");
        for (BugBundle.Entry e : entries) readme.append("  ").append(e.name()).append(": ").append(e.about()).append('\n');
        entries.add(0, BugBundle.Entry.text("README.txt", readme.toString(), "what this bundle holds and how it was made"));
        return new BugBundle("criu-atlas-bug-" + stamp, entries);
    }

    /** The plans with each root's command line replaced by its absence. */
    static PlanSet withoutCommandLines(PlanSet s) {
        List<DumpPlan> plans = s.plans().stream().map(p -> new DumpPlan(p.root(), "(command line left out)", p.dumped(), p.checks(),
                p.crossings(), p.options(), p.obligations(), p.outcome(), p.firstError(), p.reasons(), p.warnings())).toList();
        return new PlanSet(plans, s.selectionChecks(), s.commonAncestor());
    }

    /** The log as text: all of it, or its last {@link #MAX_LOG_BYTES} bytes with a note. */
    static String readLog(Path log) throws IOException {
        long size = Files.size(log);
        if (size <= MAX_LOG_BYTES) return Files.readString(log, StandardCharsets.ISO_8859_1);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            byte[] tail = new byte[MAX_LOG_BYTES];
            f.seek(size - MAX_LOG_BYTES);
            f.readFully(tail);
            return "[first " + (size - MAX_LOG_BYTES) + " bytes left out]\n" + new String(tail, StandardCharsets.ISO_8859_1);
        }
    }

    record Run(int exit, String out) {}

    static Run run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readNBytes(1 << 20);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, new String(out, StandardCharsets.UTF_8) + "\n(no answer within 60 s: stopped)");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Run(-1, "could not run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
