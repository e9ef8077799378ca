package org.criuatlas.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The help of the root and of each subcommand, rendered by picocli at build time and printed as
 * stored. Building picocli's first command model costs a short-lived JVM ~60 ms, most of it the
 * JDK parsing annotations into dynamic proxies (which the class-data sharing archive cannot keep),
 * more than the rest of {@code criu-atlas plan --help}. The build writes both forms picocli can
 * print (plain and ANSI-coloured, {@code mvn package}: {@link #main}); the choice between them is
 * picocli's own ({@link CommandLine.Help.Ansi#AUTO}); a test compares each stored text with what
 * picocli prints now. Anything other than exactly {@code [COMMAND] --help|-h} goes to picocli.
 */
public final class HelpTexts {
    /** Where the texts live in the jar: {@code NAME.txt} and {@code NAME.ansi.txt}, NAME = the subcommand or "criu-atlas". */
    static final String RESOURCE_DIR = "help/";
    static final String ROOT = "criu-atlas";

    private HelpTexts() {}

    /** The stored help for {@code args}, if that is what they ask for and it was stored. */
    public static Optional<String> stored(String[] args) {
        String name = helpOf(args);
        if (name == null || System.getProperty("picocli.usage.width") != null) return Optional.empty();
        String file = "org/criuatlas/cli/" + RESOURCE_DIR + name + (CommandLine.Help.Ansi.AUTO.enabled() ? ".ansi.txt" : ".txt");
        // Read from our own jar (or classes directory) directly: getResourceAsStream asks the JDK's
        // module image first, and opening that costs a short command ~25 ms.
        try {
            Path here = Path.of(HelpTexts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(here)) {
                Path f = here.resolve(file);
                return Files.isRegularFile(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8)) : Optional.empty();
            }
            try (ZipFile jar = new ZipFile(here.toFile())) {
                ZipEntry e = jar.getEntry(file);
                if (e == null) return Optional.empty();
                try (InputStream in = jar.getInputStream(e)) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** "criu-atlas" for {@code --help}, the subcommand for {@code SUB --help}; null for anything else. */
    static String helpOf(String[] args) {
        if (args.length == 1 && isHelp(args[0])) return ROOT;
        if (args.length == 2 && isHelp(args[1]) && AtlasCommand.SUBCOMMANDS.containsKey(args[0])) return args[0];
        return null;
    }

    private static boolean isHelp(String a) {
        return a.equals("--help") || a.equals("-h");
    }

    /** What picocli prints for {@code args} (help) with ANSI on or off, or null when that is not a help request that succeeds. */
    static String render(String[] args, boolean ansi) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = AtlasCommand.commandLine(args);
        CommandLine.Help.ColorScheme scheme = CommandLine.Help.defaultColorScheme(ansi ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF);
        cl.setColorScheme(scheme);
        cl.getSubcommands().values().forEach(s -> s.setColorScheme(scheme));
        cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return code == 0 && err.toString().isEmpty() && !out.toString().isEmpty() ? out.toString() : null;
    }

    /** Every help request there is a text for: {@code --help} and {@code SUB --help} for each subcommand that has the option. */
    static List<String[]> requests() {
        List<String[]> all = new ArrayList<>();
        all.add(new String[] {"--help"});
        for (String sub : AtlasCommand.SUBCOMMANDS.keySet()) all.add(new String[] {sub, "--help"});
        return all;
    }

    /** Build step: writes the texts under {@code args[0]} (the classes directory's {@value #RESOURCE_DIR} of this package). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int n = 0;
        for (String[] r : requests()) {
            String plain = render(r, false), coloured = render(r, true);
            if (plain == null || coloured == null) continue; // no --help option there: picocli answers it live
            String name = helpOf(r);
            Files.writeString(dir.resolve(name + ".txt"), plain, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(name + ".ansi.txt"), coloured, StandardCharsets.UTF_8);
            n++;
        }
        System.out.println("help texts: " + n + " commands written to " + dir);
    }
}
