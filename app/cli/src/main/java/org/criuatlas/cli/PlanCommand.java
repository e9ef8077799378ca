package org.criuatlas.cli;

import org.criuatlas.model.IpcGraph;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas plan --pid P}: scans the machine, plans the dump and prints the plan. Exit
 * status 0 only if the dump would succeed as planned, 3 if it would fail (or cannot be predicted),
 * 2 when the scan itself fails. With {@code --suggest}: the ways to make it succeed
 * ({@link DumpSuggester}); 0 when there is one (or none is needed), 3 when nothing makes it succeed.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Predict what 'criu dump -t PID' will do: every connection that leaves the tree, the error CRIU"
                + " would print, the fixes and what the restore will need. Exit 0 only if the dump would succeed as planned.")
public final class PlanCommand implements Callable<Integer> {
    public static final int WOULD_FAIL = 3;

    @Option(names = "--pid", required = true, paramLabel = "PID",
            description = "Root of a dump (the process and all its descendants); repeat for several dumps.")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--external", paramLabel = "INO", split = ",",
            description = "Mark a unix socket external: --external unix[INO] (INO = the end inside the dump).")
    List<Long> external = new ArrayList<>();

    @Option(names = "--ext-unix-sk", description = "Allow external unix sockets, reconnected by name at restore.")
    boolean extUnixSk;

    @Option(names = "--shell-job", description = "The tree belongs to a shell session or has a terminal outside.")
    boolean shellJob;

    @Option(names = "--reconnect", paramLabel = "INO", split = ",",
            description = "Reconnect this socket (inside) by name at restore.")
    List<Long> reconnect = new ArrayList<>();

    @Option(names = "--inherit", paramLabel = "KEY", split = ",",
            description = "You will hand in a replacement at restore for this object, e.g. pipe:[1234].")
    List<String> inherit = new ArrayList<>();

    @Option(names = "--include", paramLabel = "PID", split = ",", description = "Also dump this process (if CRIU can).")
    List<Integer> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PID", split = ",", description = "Leave this process out (if CRIU can).")
    List<Integer> exclude = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Option(names = "--suggest", description = "Make it dumpable: for a dump that would fail, the cheapest sets of changes"
            + " (a higher root, ticks, options) that make it succeed, ranked by what they cost at restore, each with the"
            + " command it leads to. Exit 0 when the dump succeeds as it is or a suggestion makes it succeed, 3 when nothing does.")
    boolean suggest;

    @Override
    public Integer call() {
        IpcGraph g;
        try {
            g = LiveGraph.scan();
        } catch (RuntimeException e) {
            System.err.println("plan: cannot scan the machine: " + e.getMessage());
            return 2;
        }
        Decisions d = new Decisions(new HashSet<>(external), extUnixSk, null, shellJob, new HashSet<>(reconnect), new HashSet<>(inherit));
        if (suggest) {
            List<Suggestions> all = new ArrayList<>();
            // never "dump from" an ancestor of this command itself
            int self = (int) ProcessHandle.current().pid();
            for (int pid : pids) all.add(DumpSuggester.suggest(g, pid, d, self));
            if (json) System.out.println(SuggestionReport.json(all));
            else all.forEach(s -> System.out.print(SuggestionReport.text(s)));
            return all.stream().allMatch(s -> s.alreadyDumps() || !s.suggestions().isEmpty()) ? 0 : WOULD_FAIL;
        }
        PlanSet set = DumpPlanner.planAll(g, new Selection(pids, new HashSet<>(include), new HashSet<>(exclude)), d,
                pid -> Files.isDirectory(Path.of("/proc/" + pid)));
        System.out.print(json ? PlanReport.json(set) + "\n" : PlanReport.text(set, g));
        return set.willSucceed() ? 0 : WOULD_FAIL;
    }
}
