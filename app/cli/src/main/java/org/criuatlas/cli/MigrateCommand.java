package org.criuatlas.cli;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.host.Host;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.bridge.BridgeException;
import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.host.migrate.Migration;
import org.criuatlas.host.migrate.MigrationEvent;
import org.criuatlas.host.migrate.MigrationOutcome;
import org.criuatlas.host.migrate.MigrationPreflight;
import org.criuatlas.host.migrate.MigrationRequest;
import org.criuatlas.host.migrate.Preflight;
import org.criuatlas.json.Json;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.PlanSet;
import org.criuatlas.plan.Selection;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * {@code criu-atlas migrate --pid P --to DEST}: moves a tree to another host through the bridges
 * (docs/bridge.md "Migration"): preflight on the target, dump on the source, the images streamed
 * and checked (SHA-256), restore on the target with the wiring, the tree checked there. Exit 0 when
 * it runs there; 3 when the preflight refuses (nothing was done); 1 when a stage failed after the
 * dump (the images are kept on the source: restore them there); 9 when a host cannot be reached.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Move a process tree to another host: preflight there, dump here (or on --from), stream the images"
                + " (SHA-256 checked there), restore there with the wiring, check it runs. Exit 0 when it runs there,"
                + " 3 when the preflight refuses (nothing done).")
public final class MigrateCommand implements Callable<Integer> {
    /** The name of this machine for --from and --to. */
    public static final String LOCAL = "local";

    @Option(names = "--pid", required = true, paramLabel = "PID", description = "Root of the tree to move (on the source host).")
    int pid;

    @Option(names = "--to", required = true, paramLabel = "DEST",
            description = "The target: [user@]host reached as `ssh DEST criu-atlas bridge` (as --host), or '" + LOCAL + "' for this machine.")
    String to;

    @Option(names = "--from", paramLabel = "DEST", description = "The source host (default: '" + LOCAL + "', this machine).")
    String from = LOCAL;

    @Option(names = "--images-dir", paramLabel = "DIR", description = "Where the dump's folder goes on the source (default: that host's ~/criu-atlas-dumps).")
    Path imagesDir;

    @Option(names = "--target-dir", paramLabel = "DIR", description = "Where the received folder goes on the target (default: that host's ~/criu-atlas-dumps).")
    Path targetDir;

    @Option(names = "--external", paramLabel = "KEY", split = ",", converter = ExternalKey.Plan.class,
            description = "Mark an object external, as for plan: unix[INO] or INO (the end inside), net[INO]:NAME, mnt[...], dev[...].")
    List<String> external = new ArrayList<>();

    @Mixin ObjectFlags objects = new ObjectFlags();

    @Option(names = "--ext-unix-sk", description = "Allow external unix sockets, reconnected by name at restore.") boolean extUnixSk;
    @Option(names = "--shell-job", description = "The tree belongs to a shell session or has a terminal outside.") boolean shellJob;
    @Option(names = "--leave-running", description = "Keep the tree running on the source after the dump (a copy, not a move).") boolean leaveRunning;

    @Option(names = "--wire", paramLabel = "KEY=WHERE", description = "How the restore wires an object the images need: KEY"
            + " (socket:[INO], pipe:[INO]) = console | reconnect | unix:PATH (relayed to a socket path on the target) |"
            + " command:CMD (a command on the target gets the other end). Default: kept in a console. Repeatable.")
    List<String> wire = new ArrayList<>();

    @Option(names = "--preflight", description = "Only check the target: print what would block the move, do nothing. Exit 0 or 3.")
    boolean preflightOnly;

    @Option(names = "--json", description = "Print the outcome as JSON on stdout (progress goes to stderr).") boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Destination> wiring = parseWiring();
        ExecutorService work = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "migrate-host");
            t.setDaemon(true);
            return t;
        });
        try (Host source = open(from, work); Host target = open(to, work)) {
            return migrate(source, target, wiring);
        } catch (BridgeException e) {
            throw new CliException(HostOption.exitCode(e), e.getMessage(), e);
        } finally {
            work.shutdownNow();
        }
    }

    private int migrate(Host source, Host target, Map<String, Destination> wiring) throws Exception {
        if (!source.processStates(List.of(pid)).containsKey(pid)) throw new CliException(ExitCode.NOT_FOUND, "no process " + pid + " on " + from);
        IpcGraph g = source.scan();
        java.util.Set<Long> unix = new HashSet<>();
        List<String> namespaces = new ArrayList<>();
        for (String k : external) {
            if (ExternalKey.isUnix(k)) unix.add(ObjectKey.parseExternalUnix(k).ino());
            else namespaces.add(k);
        }
        Decisions d = new Decisions(unix, extUnixSk, null, shellJob, new HashSet<>(), new HashSet<>()).withObjects(objects.options(namespaces));
        boolean local = source instanceof LocalHost;
        PlanSet set = DumpPlanner.planAll(g, new Selection(List.of(pid), new HashSet<>(), new HashSet<>()), d,
                p -> source.processStates(List.of(p)).containsKey(p), local ? org.criuatlas.plan.CriuTarget.detect()
                        : org.criuatlas.plan.CriuTarget.RULES);
        DumpPlan plan = set.plans().get(0);
        for (String key : wiring.keySet()) {
            if (plan.obligations().stream().noneMatch(o -> o.key().equals(key)))
                throw new CliException(ExitCode.USAGE, "--wire " + key + ": the restore does not need this object handed in (it needs "
                        + plan.obligations().stream().map(o -> o.key()).toList() + ")");
        }
        MigrationRequest req = MigrationRequest.of(source, from, target, to, g, plan)
                .withOptions(objects.applyTo(plan.options()).withLeaveRunning(leaveRunning))
                .withFolders(abs(imagesDir), abs(targetDir)).withWiring(wire(wiring));
        if (preflightOnly) {
            Preflight pf = MigrationPreflight.check(source, from, target, to, g, plan, leaveRunning);
            if (json) System.out.println(Json.write(org.criuatlas.json.MigrateJson.PreflightDocument.of(pf)));
            else System.out.print(pf.text());
            return pf.blocked() ? ExitCode.CHECK_SAYS_NO.code : ExitCode.OK.code;
        }
        Migration m = Migration.start(req, new MigrateOutput.Progress(System.err, json));
        Thread hook = new Thread(() -> {
            // Ctrl-C: cancel, and give a running dump or restore the time to stop cleanly on its host
            m.cancel();
            try {
                m.result().get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // ending anyway
            }
        }, "migrate-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        MigrationOutcome out;
        try {
            out = m.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BridgeException b) throw b;
            throw new CliException(ExitCode.INTERNAL_ERROR, "the migration broke: " + e.getCause(), e.getCause());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs
            }
        }
        if (json) System.out.println(Json.write(org.criuatlas.json.MigrateJson.of(out, from, to)));
        else System.out.print(MigrateOutput.text(out, from, to));
        if (out instanceof MigrationOutcome.Moved moved) {
            MigrateOutput.keepWiring(moved, target, to, json);
            return ExitCode.OK.code;
        }
        if (out instanceof MigrationOutcome.Refused) return ExitCode.CHECK_SAYS_NO.code;
        if (out instanceof MigrationOutcome.Cancelled) return ExitCode.CRIU_NO_REPLY.code;
        return ExitCode.CRIU_FAILED.code;
    }

    private static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }

    private Map<String, Destination> parseWiring() {
        Map<String, Destination> out = new LinkedHashMap<>();
        for (String w : wire) {
            int eq = w.indexOf('=');
            if (eq <= 0) throw new CliException(ExitCode.USAGE, "--wire wants KEY=WHERE, e.g. socket:[123]=unix:/run/x.sock; got " + w);
            String key = w.substring(0, eq).strip(), where = w.substring(eq + 1).strip();
            if (ObjectKey.parse(key).isEmpty()) throw new CliException(ExitCode.USAGE, "--wire: " + key + " is not socket:[INO] or pipe:[INO]");
            Destination d;
            if (where.equals("console")) d = Destination.console();
            else if (where.equals("reconnect")) d = Destination.reconnect();
            else if (where.startsWith("unix:") && where.length() > 6 && where.charAt(5) == '/') d = Destination.unixPath(where.substring(5));
            else if (where.startsWith("command:") && where.length() > 8) d = Destination.command(where.substring(8));
            else throw new CliException(ExitCode.USAGE, "--wire " + key + ": WHERE is console, reconnect, unix:/PATH or command:CMD; got " + where);
            out.put(key, d);
        }
        return out;
    }

    private static UnaryOperator<RestoreWiringPlan> wire(Map<String, Destination> wiring) {
        return plan -> {
            RestoreWiringPlan p = plan;
            for (Map.Entry<String, Destination> e : wiring.entrySet()) {
                int i = p.indexOf(e.getKey());
                if (i < 0) continue;
                RestoreWiringPlan.Edit edit = p.withDestination(i, e.getValue());
                if (!edit.accepted()) throw new IllegalArgumentException("--wire " + e.getKey() + ": " + edit.rejection());
                p = edit.plan();
            }
            return p;
        };
    }

    /** This machine ({@value #LOCAL}: in this process as root, else its privileged bridge) or a host through ssh. */
    static Host open(String dest, ExecutorService work) {
        if (dest.equals(LOCAL)) {
            if (LiveProcesses.effectiveUid() == 0) return new LocalHost(work);
            List<String> problems = new ArrayList<>();
            BridgeHost h = BridgeLauncher.privileged(problems);
            if (h == null) throw new BridgeException("no privileged bridge on this machine: " + String.join("; ", problems), null);
            return h;
        }
        try {
            return BridgeLauncher.ssh(dest);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--to/--from: " + e.getMessage());
        }
    }
}
