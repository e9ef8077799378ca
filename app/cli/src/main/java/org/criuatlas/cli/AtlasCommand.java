package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.os.SyscallException;
import org.criuatlas.logging.AtlasLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.criuatlas.ui.AtlasApp;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The root of the headless commands. Build it with {@link #commandLine(String...)}: picocli builds a
 * command's model by reflection over its class (annotations, fields, methods), which cost most of
 * the start-up of a short command when every subcommand was built; now only the one named on the
 * command line is (all of them for the root's own help, and whenever the first word is not a
 * subcommand, so picocli's errors and suggestions stay the same).
 */
@Command(name = "criu-atlas", mixinStandardHelpOptions = true, versionProvider = AboutCommand.Version.class,
        description = "See, plan and run CRIU checkpoint/restore of Linux process trees.%n"
                + "Without a command, opens the window (an image directory as the only argument opens it).%n"
                + "Exit codes: docs/exit-codes.md (0 done, 1 CRIU failed, 2 usage, 3 plan says no, 4 not found, 5 unreadable,"
                + " 6 needs root, 7 no criu, 8 criu did not answer, 9 host failed, 70 internal error).")
public final class AtlasCommand implements Runnable {
    /** Made on first use: a System.Logger costs a short-lived JVM ~40 ms of method-handle set-up, which --help and --version never need. */
    private static final class Log {
        static final System.Logger LOG = System.getLogger(AtlasCommand.class.getName());
    }

    /** Read by the entry point before parsing (logging starts before any command); declared here for --help. */
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Log every detail, to the log file and to stderr.")
    boolean debug;

    /** Every subcommand by its name, in the order the root's help lists them (names as in each {@code @Command}). */
    static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("which-criu", CriuCheckCommand.class);
        SUBCOMMANDS.put("scan", ScanCommand.class);
        SUBCOMMANDS.put("bench", BenchCommand.class);
        SUBCOMMANDS.put("show", ShowCommand.class);
        SUBCOMMANDS.put("check", CriuHealthCommand.class);
        SUBCOMMANDS.put("dump", CriuDumpCommand.class);
        SUBCOMMANDS.put("restore", CriuRestoreCommand.class);
        SUBCOMMANDS.put("plan", PlanCommand.class);
        SUBCOMMANDS.put("calibrate", CalibrateCommand.class);
        SUBCOMMANDS.put("export", ExportCommand.class);
        SUBCOMMANDS.put("bundle", BundleCommand.class);
        SUBCOMMANDS.put("setup-criu", SetupCriuCommand.class);
        SUBCOMMANDS.put("about", AboutCommand.class);
        SUBCOMMANDS.put("bridge", BridgeCommand.class);
        SUBCOMMANDS.put("migrate", MigrateCommand.class);
    }

    /** System property naming the folder of bundled sample dumps (set by the launchers). */
    public static final String SAMPLES_PROPERTY = "criuatlas.samples";

    @Option(names = "--demo", description = "Open the window on a made-up workstation graph (no root, no CRIU needed).")
    boolean demo;

    @Option(names = "--sample", description = "Open the window on the bundled sample dump (a real CRIU image directory; no root needed).")
    boolean sample;

    @Spec CommandSpec spec;

    @Override
    public void run() {
        if (demo) {
            System.setProperty(AtlasApp.DEMO_PROPERTY, "workstation");
            AtlasApp.launchWindow(new String[0]);
        } else if (sample) {
            Path dir = sampleDump().orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "no sample dump in "
                    + System.getProperty(SAMPLES_PROPERTY, "(-D" + SAMPLES_PROPERTY + " not set)")
                    + "; a source checkout makes one with installers/make-sample-images.sh (root, CRIU)"));
            AtlasApp.launchWindow(new String[] {dir.toString()});
        } else {
            spec.commandLine().usage(System.out);
        }
    }

    /** The first folder under {@value #SAMPLES_PROPERTY} that holds an inventory.img. */
    static Optional<Path> sampleDump() {
        String root = System.getProperty(SAMPLES_PROPERTY);
        if (root == null || !Files.isDirectory(Path.of(root))) return Optional.empty();
        // the launchers pass a path relative to the app folder (…/lib/app/../../share/…): show it plainly
        try (Stream<Path> s = Files.list(Path.of(root).toAbsolutePath().normalize())) {
            return s.filter(d -> Files.isRegularFile(d.resolve("inventory.img"))).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What {@code --version} prints (also answered by the entry point before picocli starts). */
    public static String[] versionLines() {
        return new AboutCommand.Version().getVersion();
    }

    /** The whole command line (every subcommand): for help texts, completions and tests. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line as {@code criu-atlas} runs {@code args}: the root plus the subcommand {@code args[0]}
     * names (all of them when it names none); exit codes from {@link ExitCode}, expected errors as one line.
     */
    public static CommandLine commandLine(String... args) {
        // picocli answers a parse error with 2 = ExitCode.USAGE (checked by CliContractTest)
        CommandLine cl = new CommandLine(new AtlasCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        String first = args.length > 0 ? args[0] : "";
        if (first.equals("--debug") && args.length > 1) first = args[1];
        Class<?> only = SUBCOMMANDS.get(first);
        for (var e : SUBCOMMANDS.entrySet()) {
            if (only != null && e.getValue() != only) continue;
            cl.addSubcommand(e.getKey(), new CommandLine(e.getValue()).setCaseInsensitiveEnumValuesAllowed(true));
        }
        cl.setExecutionExceptionHandler(AtlasCommand::failed);
        return cl;
    }

    /**
     * Reads, once, the annotations picocli will read to build {@link #commandLine(String...)}'s model for
     * {@code args} (the root, the named subcommand, their mixins, up to {@code Object}'s methods): the JDK makes
     * a proxy class per annotation type on first read, most of picocli's cost for a short command. The entry
     * point runs it on a second thread beside picocli's own start, which then finds them made.
     */
    public static void readAnnotations(String... args) {
        readAnnotations(AtlasCommand.class);
        Class<?> sub = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (sub != null) readAnnotations(sub);
    }

    private static void readAnnotations(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            k.getAnnotations();
            for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                if (f.isAnnotationPresent(CommandLine.Mixin.class)) readAnnotations(f.getType());
            }
            for (java.lang.reflect.Method m : k.getDeclaredMethods()) m.getAnnotations();
        }
    }

    /** Expected failures become their exit code and one line on stderr; anything else is a bug, logged in full. */
    static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String who = cl.getCommandSpec().qualifiedName();
        ExitCode code;
        String message;
        if (e instanceof CliException ce) {
            code = ce.exitCode();
            message = ce.getMessage();
        } else if (e instanceof org.criuatlas.host.bridge.BridgeException be) {
            code = HostOption.exitCode(be);
            message = be.getMessage();
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
            Log.LOG.log(System.Logger.Level.ERROR, who + " failed unexpectedly", e);
            cl.getErr().println(who + ": internal error: " + e + " (the stack trace is in " + AtlasLog.file() + ")");
            cl.getErr().flush();
            return ExitCode.INTERNAL_ERROR.code;
        }
        Log.LOG.log(System.Logger.Level.INFO, () -> who + ": " + message + " (exit " + code.code + ")");
        cl.getErr().println(who + ": " + message);
        cl.getErr().flush();
        return code.code;
    }
}
