package org.criuatlas;

import org.criuatlas.cli.AtlasCommand;
import org.criuatlas.logging.AtlasLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of {@code ./criu-atlas}. With no arguments, or with an image directory, it opens
 * the window; otherwise it runs a headless sub-command. {@code --debug} anywhere logs every detail
 * (log file and stderr). This class must not extend {@code Application}: JavaFX is on the class path,
 * not the module path.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        AtlasLog.configure(debug);
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        if (opensWindow(rest)) {
            org.criuatlas.ui.AtlasApp.launchWindow(rest);
            return;
        }
        System.exit(AtlasCommand.commandLine().execute(args));
    }

    /** No arguments, or one directory (an image directory to open): the window; else a sub-command. */
    public static boolean opensWindow(String[] args) {
        return args.length == 0 || (args.length == 1 && Files.isDirectory(Path.of(args[0])));
    }
}
