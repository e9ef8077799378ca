package org.criuatlas.cli;

import picocli.CommandLine.Command;

/** The root of the headless commands. */
@Command(name = "criu-atlas", mixinStandardHelpOptions = true, versionProvider = AtlasVersionProvider.class,
        description = "See, plan and run CRIU checkpoint/restore of Linux process trees.%n"
                + "Without a command, opens the window (an image directory as the only argument opens it).",
        subcommands = {
                CriuCheckCommand.class,
                ScanCommand.class, BenchCommand.class,
                ShowCommand.class,
                CriuHealthCommand.class,
                CriuDumpCommand.class,
                CriuRestoreCommand.class,
                PlanCommand.class,
                SetupCriuCommand.class,
        })
public final class AtlasCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
