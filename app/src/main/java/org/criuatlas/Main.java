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
        if (args.length == 0 || (args.length == 1 && Files.isDirectory(Path.of(args[0])))) {
            org.criuatlas.ui.AtlasApp.launchWindow(args);
            return;
        }
        int code = new CommandLine(new AtlasCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
