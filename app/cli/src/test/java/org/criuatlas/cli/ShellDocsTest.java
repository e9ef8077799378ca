package org.criuatlas.cli;

import org.criuatlas.bridge.AtlasVersion;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The man page and completions cover the whole command model (their loading is installers/test-deb.sh's). */
class ShellDocsTest {
    private final CommandLine cli = AtlasCommand.commandLine();
    private final ShellDocs docs = new ShellDocs(cli);

    @Test
    void everyCommandAndOptionIsInTheManPageAndTheCompletions() {
        String man = docs.manPage("2026-12-05");
        String zsh = docs.zsh();
        String fish = docs.fish();
        List<String> missing = new ArrayList<>();
        walk(cli.getCommandSpec(), (spec, o) -> {
            for (String n : o.names()) {
                if (!man.contains(ShellDocs.roff(n))) missing.add("man: " + spec.qualifiedName() + " " + n);
                if (!zsh.contains(n)) missing.add("zsh: " + spec.qualifiedName() + " " + n);
                String fishName = n.startsWith("--") ? "-l " + n.substring(2) : "-s " + n.substring(1);
                if (!fish.contains(fishName)) missing.add("fish: " + spec.qualifiedName() + " " + n);
            }
        });
        for (String sub : cli.getSubcommands().keySet()) {
            if (!man.contains(".SS \"criu\\-atlas " + ShellDocs.roff(sub))) missing.add("man: " + sub);
            if (!zsh.contains("'" + sub + ":")) missing.add("zsh: " + sub);
            if (!fish.contains(" -a " + sub + " ")) missing.add("fish: " + sub);
        }
        assertTrue(missing.isEmpty(), "not documented: " + missing);
        assertTrue(man.contains("\"CRIU Atlas " + AtlasVersion.version() + "\""), "the man page carries Maven's version");
    }

    @Test
    void roffTextCannotStartARequest() {
        assertEquals("\\&.hidden\n.br\n\\&'quoted \\e \\-x", ShellDocs.roff(".hidden\n'quoted \\ -x"));
    }

    @Test
    void versionProviderSaysMavensVersion() throws Exception {
        String[] v = new AboutCommand.Version().getVersion();
        assertEquals("CRIU Atlas " + System.getProperty("criuatlas.projectVersion"), v[0]);
        assertFalse(v[1].isBlank());
    }

    private static void walk(CommandSpec spec, java.util.function.BiConsumer<CommandSpec, OptionSpec> each) {
        for (OptionSpec o : spec.options()) if (!o.hidden()) each.accept(spec, o);
        for (CommandLine sub : spec.subcommands().values()) walk(sub.getCommandSpec(), each);
    }
}
