package org.criuatlas.cli;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.json.Json;
import org.criuatlas.json.PlanJson;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.PlanReport;
import org.criuatlas.plan.PlanSet;
import org.criuatlas.plan.Selection;
import org.criuatlas.plan.suggest.DumpSuggester;
import org.criuatlas.plan.suggest.SuggestionReport;
import org.criuatlas.plan.suggest.Suggestions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas plan --pid P}: scans the machine, plans the dump and prints the plan. Exit
 * status 0 only if the dump would succeed as planned, 3 ({@link ExitCode#CHECK_SAYS_NO}) if it would
 * fail or cannot be predicted, 4 for a pid that does not exist, 5 when the scan itself fails. With
 * {@code --suggest}: the ways to make it succeed ({@link DumpSuggester}); 0 when there is one (or
 * none is needed), 3 when nothing makes it succeed.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Predict what 'criu dump -t PID' will do: every connection that leaves the tree, the error CRIU"
                + " would print, the fixes and what the restore will need. Exit 0 only if the dump would succeed as planned.")
public final class PlanCommand implements Callable<Integer> {
    @Option(names = "--pid", paramLabel = "PID",
            description = "Root of a dump (the process and all its descendants); repeat for several dumps.")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--container", paramLabel = "NAME",
            description = "Plan a podman container's checkpoint instead of --pid: the container (by name, or id prefix) as its"
                    + " conmon names it in the live graph, its init as the root, with the options podman and runc pass to CRIU"
                    + " (--tcp-established and --file-locks as given).")
    String container;

    @Option(names = "--external", paramLabel = "KEY", split = ",", converter = ExternalKey.Plan.class,
            description = "Mark an object external: a unix socket as unix[INO] or INO (INO = the end inside the dump),"
                    + " a namespace as net[INO]:NAME or mnt[...], a device as dev[...]. Repeatable.")
    List<String> external = new ArrayList<>();

    @picocli.CommandLine.Mixin ObjectFlags objects = new ObjectFlags();

    @Option(names = "--ext-unix-sk", description = "Allow external unix sockets, reconnected by name at restore.")
    boolean extUnixSk;

    @Option(names = "--shell-job", description = "The tree belongs to a shell session or has a terminal outside.")
    boolean shellJob;

    @Option(names = "--reconnect", paramLabel = "unix[INO]", split = ",", converter = ExternalKey.Unix.class,
            description = "Reconnect this socket (inside; unix[INO] or INO) by name at restore.")
    List<Long> reconnect = new ArrayList<>();

    @Option(names = "--inherit", paramLabel = "KEY", split = ",",
            description = "You will hand in a replacement at restore for this object, e.g. pipe:[1234].")
    List<String> inherit = new ArrayList<>();

    @Option(names = "--include", paramLabel = "PID", split = ",", description = "Also dump this process (if CRIU can).")
    List<Integer> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PID", split = ",", description = "Leave this process out (if CRIU can).")
    List<Integer> exclude = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON for scripts instead of text (docs/json.md).")
    boolean json;

    @Option(names = "--suggest", description = "Make it dumpable: for a dump that would fail, the cheapest sets of changes"
            + " (a higher root, ticks, options) that make it succeed, ranked by what they cost at restore, each with the"
            + " command it leads to. Exit 0 when the dump succeeds as it is or a suggestion makes it succeed, 3 when nothing does.")
    boolean suggest;

    @picocli.CommandLine.Mixin HostOption host = new HostOption();

    @Override
    public Integer call() throws Exception {
        if ((container == null) == pids.isEmpty())
            throw new CliException(ExitCode.USAGE, "plan needs --pid PID or --container NAME (one of them)");
        for (String key : inherit)
            if (ObjectKey.parse(key).isEmpty())
                throw new CliException(ExitCode.USAGE, "--inherit wants socket:[INO] or pipe:[INO]; got " + key);
        if (!host.remote()) return plan(LiveGraph.scan(), LiveProcesses::exists, (int) ProcessHandle.current().pid());
        try (org.criuatlas.host.bridge.BridgeHost h = host.connect()) {
            // the remote host's processes: its graph, its /proc, and its bridge is the process never to suggest dumping from
            java.util.function.IntPredicate exists = pid -> h.processStates(List.of(pid)).containsKey(pid);
            return plan(h.scan(), exists, h.hello().getPid());
        }
    }

    private int plan(IpcGraph g, java.util.function.IntPredicate exists, int self) {
        if (container != null) return planContainer(g, exists, self);
        for (int pid : pids) if (!exists.test(pid)) throw new CliException(ExitCode.NOT_FOUND, "no process " + pid
                + (host.remote() ? " on " + host.name() : ""));
        java.util.Set<Long> unix = new HashSet<>();
        List<String> namespaces = new ArrayList<>();
        for (String k : external) {
            if (ExternalKey.isUnix(k)) unix.add(ObjectKey.parseExternalUnix(k).ino());
            else namespaces.add(k);
        }
        Decisions d = new Decisions(unix, extUnixSk, null, shellJob, new HashSet<>(reconnect), new HashSet<>(inherit))
                .withObjects(objects.options(namespaces));
        if (suggest) {
            List<Suggestions> all = new ArrayList<>();
            // never "dump from" an ancestor of this command itself
            for (int pid : pids) all.add(DumpSuggester.suggest(g, pid, d, self));
            if (json) System.out.println(Json.write(SuggestionReport.reports(all)));
            else all.forEach(s -> System.out.print(SuggestionReport.text(s)));
            return all.stream().allMatch(s -> s.alreadyDumps() || !s.suggestions().isEmpty()) ? ExitCode.OK.code : ExitCode.CHECK_SAYS_NO.code;
        }
        // the plan is made for the CRIU CRIU Atlas would run (its version, this kernel, the measured facts);
        // for another host, by CRIU's rules alone: its CRIU's measured facts stay there
        PlanSet set = DumpPlanner.planAll(g, new Selection(pids, new HashSet<>(include), new HashSet<>(exclude)), d,
                exists::test, host.remote() ? org.criuatlas.plan.CriuTarget.RULES : org.criuatlas.plan.CriuTarget.detect());
        System.out.print(json ? Json.write(PlanJson.of(set)) + "\n" : PlanReport.text(set, g));
        return set.willSucceed() ? ExitCode.OK.code : ExitCode.CHECK_SAYS_NO.code;
    }

    /** {@code --container NAME}: the container's init with podman's and runc's options, said as assumed. */
    private int planContainer(IpcGraph g, java.util.function.IntPredicate exists, int self) {
        org.criuatlas.plan.container.ContainerMonitor c = org.criuatlas.plan.container.ContainerMonitor.named(g, container)
                .orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "no container " + container + " in the live graph"
                        + " (its conmon names it; podman ps lists the running ones)"));
        if (c.initPid() < 0) throw new CliException(ExitCode.NOT_FOUND, "container " + container + " has no running process");
        var cc = new org.criuatlas.plan.container.ContainerCheckpoint(c, false, objects.tcpEstablished, objects.fileLocks);
        Decisions d = cc.decisions(g);
        PlanSet set = DumpPlanner.planAll(g, new Selection(List.of(c.initPid()), java.util.Set.of(), java.util.Set.of()), d,
                exists::test, host.remote() ? org.criuatlas.plan.CriuTarget.RULES : org.criuatlas.plan.CriuTarget.detect());
        if (json) {
            System.out.println(Json.write(PlanJson.of(set)));
        } else {
            System.out.println("Container " + c.label() + ", init " + c.initPid() + ": "
                    + org.criuatlas.plan.container.ContainerCheckpoint.shellLine(cc.podmanCommand(java.nio.file.Path.of(c.name() + ".tar.zst"))));
            System.out.println("Assumed (podman and runc pass these to CRIU):");
            for (var a : cc.assumed(g)) System.out.println("  " + a.text());
            System.out.println();
            System.out.print(PlanReport.text(set, g));
        }
        return set.willSucceed() ? ExitCode.OK.code : ExitCode.CHECK_SAYS_NO.code;
    }
}
