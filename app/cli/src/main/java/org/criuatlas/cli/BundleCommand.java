package org.criuatlas.cli;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.PlanSet;
import org.criuatlas.plan.Selection;
import org.criuatlas.share.BugBundle;
import org.criuatlas.share.BugReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas bundle}: a bug report for a failed dump or restore as one .tar.gz (versions,
 * {@code criu check}, calibration, plan, scan of the subtree, CRIU log, diagnosis, exact command),
 * its listing printed; {@code --preview} shows the listing and the start of each file and writes nothing.
 */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Make a bug report for a failed dump or restore: a .tar.gz with CRIU's and the kernel's versions, `criu check`,"
                + " the calibration, the plan and the scan of the subtree (--pid), CRIU's log and its diagnosis (--images or --log)"
                + " and the exact command. Prints what it holds; --preview shows it without writing anything.")
public final class BundleCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The .tar.gz to write (default: criu-atlas-bug-TIME.tar.gz here).")
    Path output;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Root of the tree the dump was of (plan and scan of its subtree).")
    Integer pid;

    @Option(names = {"--images", "-D"}, paramLabel = "DIR", description = "The images folder of the failed dump or restore (its dump.log / restore.log).")
    Path images;

    @Option(names = "--log", paramLabel = "FILE", description = "CRIU's log, when it is not in the images folder.")
    Path log;

    @Option(names = "--command", paramLabel = "TEXT", description = "The exact criu command that failed (default: the plan's).")
    String command;

    @Option(names = "--ext-unix-sk", description = "The dump was planned with --ext-unix-sk.")
    boolean extUnixSk;

    @Option(names = "--shell-job", description = "The dump was planned with --shell-job.")
    boolean shellJob;

    @Option(names = "--no-command-lines", negatable = false, description = "Leave out the processes' command lines.")
    boolean noCommandLines;

    @Option(names = "--no-environment", negatable = false, description = "Leave out CRIU Atlas's environment variables.")
    boolean noEnvironment;

    @Option(names = "--preview", description = "Print the listing and the first lines of each file; write nothing.")
    boolean preview;

    @Override
    public Integer call() throws Exception {
        if (pid != null && !LiveProcesses.exists(pid)) throw new CliException(ExitCode.NOT_FOUND, "no process " + pid);
        if (images != null && !Files.isDirectory(images)) throw new CliException(ExitCode.NOT_FOUND, "no folder " + images);
        if (log != null && !Files.isRegularFile(log)) throw new CliException(ExitCode.NOT_FOUND, "no log file " + log);
        Path theLog = log;
        String what = "report";
        if (theLog == null && images != null) {
            for (String name : List.of("restore.log", "dump.log")) {
                Path p = images.resolve(name);
                if (Files.isRegularFile(p) && (theLog == null || Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(theLog)) > 0)) {
                    theLog = p;
                }
            }
        }
        if (theLog != null) what = (theLog.getFileName().toString().startsWith("restore") ? "restore" : "dump") + " (" + theLog + ")";
        IpcGraph live = null;
        PlanSet plans = null;
        if (pid != null) {
            // the plan needs the whole machine (what lies outside the tree matters); the bundle's scan is the subtree
            IpcGraph whole = LiveGraph.scan();
            Decisions d = new Decisions(Set.of(), extUnixSk, null, shellJob, Set.of(), Set.of());
            plans = DumpPlanner.planAll(whole, new Selection(List.of(pid), Set.of(), Set.of()), d, LiveProcesses::exists);
            live = LiveGraph.scan(ScanScope.subtrees(Set.of(pid)));
        }
        BugBundle b = BugReport.collect(new BugReport.Request(what, live, plans, theLog, command,
                images == null ? null : images.toAbsolutePath(), !noCommandLines, !noEnvironment, AboutCommand.appVersion()));
        return finish(b);
    }

    private int finish(BugBundle b) throws Exception {
        if (preview) {
            System.out.print(b.preview(8));
            System.out.println("(preview only: nothing written)");
            System.out.flush();
            return ExitCode.OK.code;
        }
        Path out = output != null ? output : Path.of(b.folder() + ".tar.gz");
        if (out.toAbsolutePath().getParent() != null && !Files.isDirectory(out.toAbsolutePath().getParent()))
            throw new CliException(ExitCode.NOT_FOUND, "no folder " + out.toAbsolutePath().getParent());
        b.writeTarGz(out);
        System.out.println("Bug report written to " + out + " (" + Files.size(out) + " bytes):");
        System.out.print(b.listing());
        System.out.flush();
        return ExitCode.OK.code;
    }
}
