package org.criuatlas;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.cli.AboutCommand;
import org.criuatlas.cli.AtlasCommand;
import org.criuatlas.cli.HelpTexts;
import org.criuatlas.logging.AtlasLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of {@code ./criu-atlas}. With no arguments, or with an image directory, it opens
 * the window; otherwise it runs a headless sub-command. {@code --debug} anywhere logs every detail
 * (log file and stderr). This class must not extend {@code Application}: the launchers start it
 * from the class path.
 */
public final class Main {
    /**
     * System property set by a dedicated launcher: {@code bridge} makes every run the
     * {@code bridge} command, so a polkit action can name that launcher's fixed path
     * (installed: /opt/criu-atlas/bin/criu-atlas-bridge) without allowing any other command.
     */
    public static final String ENTRY_PROPERTY = "criuatlas.entry";
    /** The file that marks a CRIU image directory; the desktop entry offers it "Open with". */
    public static final String INVENTORY = "inventory.img";

    private Main() {}

    public static void main(String[] args) {
        if ("bridge".equals(System.getProperty(ENTRY_PROPERTY))) args = withCommand("bridge", args);
        // Short answers first, before logging or picocli's command model exist (most of a short command's start-up).
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // the version first, on its own: the rest (runtime, kernel, log file) takes longer to find
            System.out.println(AboutCommand.versionLine());
            System.out.flush();
            String[] lines = AtlasCommand.versionLines();
            for (int i = 1; i < lines.length; i++) System.out.println(lines[i]);
            System.exit(0);
        }
        var help = HelpTexts.stored(args);
        if (help.isPresent()) {
            // picocli's own text for this help, rendered at build time (see HelpTexts)
            System.out.print(help.get());
            System.out.flush();
            System.exit(0);
        }
        boolean debug = Arrays.asList(args).contains("--debug");
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        boolean window = opensWindow(rest);
        // A subcommand without --debug: logging sets itself up when the first record comes (for dump and
        // restore, once criu runs); the window and --debug (which echoes everything on stderr) at once.
        if (debug || window || rest[0].startsWith("-")) AtlasLog.configure(debug);
        else AtlasLog.configureOnFirstUse();
        if (window) {
            org.criuatlas.ui.AtlasApp.launchWindow(imageDirArguments(rest));
            return;
        }
        // On the second core while picocli starts: the annotations it reads (their proxy classes), then, for
        // the commands that run criu, JNA and protobuf
        boolean criu = rest[0].equals("dump") || rest[0].equals("restore") || rest[0].equals("check");
        Thread t = new Thread(() -> {
            AtlasCommand.readAnnotations(rest);
            if (criu) CriuSession.prepare();
        }, "criu-prepare");
        t.setDaemon(true);
        t.start();
        System.exit(AtlasCommand.commandLine(rest).execute(args));
    }

    /**
     * No arguments, or one directory (an image directory to open), or one image directory's
     * {@value #INVENTORY} (what a file manager hands over): the window; else a sub-command.
     */
    public static boolean opensWindow(String[] args) {
        return args.length == 0 || (args.length == 1 && (Files.isDirectory(Path.of(args[0])) || isInventory(args[0])));
    }

    /** The window's arguments with an {@value #INVENTORY} replaced by its directory. */
    static String[] imageDirArguments(String[] args) {
        if (args.length == 1 && isInventory(args[0])) {
            Path dir = Path.of(args[0]).toAbsolutePath().getParent();
            return new String[] {dir.toString()};
        }
        return args;
    }

    private static boolean isInventory(String arg) {
        Path p = Path.of(arg);
        return p.getFileName() != null && p.getFileName().toString().equals(INVENTORY) && Files.isRegularFile(p);
    }

    private static String[] withCommand(String command, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
