package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.os.SyscallException;
import org.criuatlas.logging.AtlasLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The root of the headless commands. */
@Command(name = "criu-atlas", mixinStandardHelpOptions = true, versionProvider = AboutCommand.Version.class,
        description = "See, plan and run CRIU checkpoint/restore of Linux process trees.%n"
                + "Without a command, opens the window (an image directory as the only argument opens it).%n"
                + "Exit codes: docs/exit-codes.md (0 done, 1 CRIU failed, 2 usage, 3 plan says no, 4 not found, 5 unreadable,"
                + " 6 needs root, 7 no criu, 8 criu did not answer, 70 internal error).",
        subcommands = {
                CriuCheckCommand.class,
                ScanCommand.class, BenchCommand.class,
                ShowCommand.class,
                CriuHealthCommand.class,
                CriuDumpCommand.class,
                CriuRestoreCommand.class,
                PlanCommand.class,
                AboutCommand.class,
        })
public final class AtlasCommand implements Runnable {
    private static final System.Logger LOG = System.getLogger(AtlasCommand.class.getName());

    /** Read by the entry point before parsing (logging starts before any command); declared here for --help. */
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Log every detail, to the log file and to stderr.")
    boolean debug;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The command line as {@code criu-atlas} runs it: exit codes from {@link ExitCode}, expected errors as one line. */
    public static CommandLine commandLine() {
        // picocli answers a parse error with 2 = ExitCode.USAGE (checked by CliContractTest)
        CommandLine cl = new CommandLine(new AtlasCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(AtlasCommand::failed);
        return cl;
    }

    /** Expected failures become their exit code and one line on stderr; anything else is a bug, logged in full. */
    static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String who = cl.getCommandSpec().qualifiedName();
        ExitCode code;
        String message;
        if (e instanceof CliException ce) {
            code = ce.exitCode();
            message = ce.getMessage();
        } else if (e instanceof CriuException ce) {
            code = ExitCode.CRIU_NO_REPLY;
            message = ce.getMessage();
        } else if (e instanceof AccessDeniedException || (e instanceof SyscallException se && (se.errno() == 1 || se.errno() == 13))) {
            code = ExitCode.NOT_PERMITTED;
            message = e.getMessage() + " (run it as root)";
        } else if (e instanceof NoSuchFileException nf) {
            code = ExitCode.NOT_FOUND;
            message = "no such file or folder: " + nf.getFile();
        } else {
            LOG.log(System.Logger.Level.ERROR, who + " failed unexpectedly", e);
            cl.getErr().println(who + ": internal error: " + e + " (the stack trace is in " + AtlasLog.file() + ")");
            cl.getErr().flush();
            return ExitCode.INTERNAL_ERROR.code;
        }
        LOG.log(System.Logger.Level.INFO, () -> who + ": " + message + " (exit " + code.code + ")");
        cl.getErr().println(who + ": " + message);
        cl.getErr().flush();
        return code.code;
    }
}
