package org.criuatlas;

import org.criuatlas.cli.AtlasCommand;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of {@code ./criu-atlas}. With no arguments, or with an image directory, it opens
 * the window; otherwise it runs a headless sub-command. This class must not extend
 * {@code Application}: JavaFX is on the class path, not the module path.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (opensWindow(args)) {
            org.criuatlas.ui.AtlasApp.launchWindow(args);
            return;
        }
        int code = new CommandLine(new AtlasCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    /** No arguments, or one directory (an image directory to open): the window; else a sub-command. */
    public static boolean opensWindow(String[] args) {
        return args.length == 0 || (args.length == 1 && Files.isDirectory(Path.of(args[0])));
    }
}
