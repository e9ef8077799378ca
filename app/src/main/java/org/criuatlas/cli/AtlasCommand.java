package org.criuatlas.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The root of the headless commands. Build it with {@link #commandLine(String...)}: picocli builds a
 * command's model by reflection over its class (annotations, fields, methods), which cost most of
 * the start-up of a short command when every subcommand was built; now only the one named on the
 * command line is (all of them for the root's own help, and whenever the first word is not a
 * subcommand, so picocli's errors and suggestions stay the same).
 */
@Command(name = "criu-atlas", mixinStandardHelpOptions = true, version = AtlasCommand.VERSION,
        description = "See, plan and run CRIU checkpoint/restore of Linux process trees.%n"
                + "Without a command, opens the window (an image directory as the only argument opens it).")
public final class AtlasCommand implements Runnable {
    public static final String VERSION = "CRIU Atlas 0.1.0";

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
    }

    @Spec CommandSpec spec;

    /** The command line for {@code args}: the root plus the subcommand {@code args[0]} names, or all of them. */
    public static CommandLine commandLine(String... args) {
        CommandLine root = new CommandLine(new AtlasCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        Class<?> only = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        boolean versionOnly = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        for (var e : SUBCOMMANDS.entrySet()) {
            if (versionOnly || (only != null && e.getValue() != only)) continue;
            root.addSubcommand(e.getKey(), new CommandLine(e.getValue()).setCaseInsensitiveEnumValuesAllowed(true));
        }
        return root;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
