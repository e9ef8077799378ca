package org.criuatlas.cli;

import org.criuatlas.ui.AtlasApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The root of the headless commands; {@code --demo} and {@code --sample} open the window without root. */
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
    /** System property naming the folder of bundled sample dumps (set by the launchers). */
    public static final String SAMPLES_PROPERTY = "criuatlas.samples";

    @Option(names = "--demo", description = "Open the window on a made-up workstation graph (no root, no CRIU needed).")
    boolean demo;

    @Option(names = "--sample", description = "Open the window on the bundled sample dump (a real CRIU image directory; no root needed).")
    boolean sample;

    @Override
    public void run() {
        if (demo) {
            System.setProperty(AtlasApp.DEMO_PROPERTY, "workstation");
            AtlasApp.launchWindow(new String[0]);
        } else if (sample) {
            Optional<Path> dir = sampleDump();
            if (dir.isEmpty()) {
                System.err.println("criu-atlas: no sample dump in " + System.getProperty(SAMPLES_PROPERTY, "(-D" + SAMPLES_PROPERTY + " not set)")
                        + "; a source checkout makes one with installers/make-sample-images.sh (root, CRIU)");
                throw new picocli.CommandLine.ExecutionException(new picocli.CommandLine(this), "no sample dump");
            }
            AtlasApp.launchWindow(new String[]{dir.get().toString()});
        } else {
            new picocli.CommandLine(this).usage(System.out);
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
}
