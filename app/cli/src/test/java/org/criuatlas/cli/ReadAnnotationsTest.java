package org.criuatlas.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The entry point's warm-up beside picocli: any command line, then the same model picocli builds. */
class ReadAnnotationsTest {
    @Test
    void readsForEveryCommandAndForNone() {
        AtlasCommand.readAnnotations();
        AtlasCommand.readAnnotations("--no-such-option");
        for (String name : AtlasCommand.SUBCOMMANDS.keySet()) {
            AtlasCommand.readAnnotations(name, "--help");
            var cl = AtlasCommand.commandLine(name, "--help");
            assertNotNull(cl.getSubcommands().get(name), name);
        }
    }
}
