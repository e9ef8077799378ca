package org.criuatlas;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.cli.AtlasCommand;
import org.criuatlas.cli.HelpTexts;

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
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // what picocli would print, without building its command model first (most of a short command's start-up)
            System.out.println(AtlasCommand.VERSION);
            System.exit(0);
        }
        var help = HelpTexts.stored(args);
        if (help.isPresent()) {
            // picocli's own text for this help, rendered at build time (see HelpTexts)
            System.out.print(help.get());
            System.out.flush();
            System.exit(0);
        }
        if (args[0].equals("dump") || args[0].equals("restore") || args[0].equals("check")) {
            // JNA and protobuf load on the second core while picocli builds and parses the command
            Thread t = new Thread(CriuSession::prepare, "criu-prepare");
            t.setDaemon(true);
            t.start();
        }
        int code = AtlasCommand.commandLine(args).execute(args);
        System.exit(code);
    }

    /** No arguments, or one directory (an image directory to open): the window; else a sub-command. */
    public static boolean opensWindow(String[] args) {
        return args.length == 0 || (args.length == 1 && Files.isDirectory(Path.of(args[0])));
    }
}
