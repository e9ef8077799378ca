package org.criuatlas.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The help texts stored at build time are exactly what picocli prints now, plain and in colour. */
class HelpTextsTest {
    @AfterEach
    void clear() {
        System.clearProperty("picocli.ansi");
    }

    /** What picocli prints live with its default colour scheme (Ansi.AUTO, steered by picocli.ansi). */
    private static String live(String[] args) {
        StringWriter out = new StringWriter();
        CommandLine cl = AtlasCommand.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute(args), Arrays.toString(args));
        return out.toString();
    }

    @Test
    void everyStoredTextIsWhatPicocliPrints() throws Exception {
        Path dir = Files.createTempDirectory("help-texts");
        try {
            HelpTexts.main(new String[] {dir.toString()});
            int stored = 0;
            for (String[] r : HelpTexts.requests()) {
                String name = HelpTexts.helpOf(r);
                Path plain = dir.resolve(name + ".txt");
                if (!Files.exists(plain)) continue;
                stored++;
                System.setProperty("picocli.ansi", "false");
                assertEquals(live(r), Files.readString(plain), name);
                System.setProperty("picocli.ansi", "true");
                String coloured = Files.readString(dir.resolve(name + ".ansi.txt"));
                assertEquals(live(r), coloured, name);
                assertTrue(coloured.contains("\u001B["), name + ": the coloured form has ANSI codes");
            }
            assertTrue(stored >= 5, "root, plan, scan, show, bench at least: " + stored);
            assertTrue(Files.exists(dir.resolve("plan.txt")));
            assertTrue(Files.exists(dir.resolve("criu-atlas.txt")));
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void onlyExactHelpRequestsAreAnsweredFromStore() {
        assertEquals("plan", HelpTexts.helpOf(new String[] {"plan", "--help"}));
        assertEquals("plan", HelpTexts.helpOf(new String[] {"plan", "-h"}));
        assertEquals(HelpTexts.ROOT, HelpTexts.helpOf(new String[] {"--help"}));
        assertNull(HelpTexts.helpOf(new String[] {"plan", "--help", "--json"}));
        assertNull(HelpTexts.helpOf(new String[] {"nosuch", "--help"}));
        assertNull(HelpTexts.helpOf(new String[] {"plan", "--pid", "1"}));
    }
}
