package org.criuatlas.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No main class over 400 lines without the reason written at its top ("Over 400 lines because …" or
 * "… on purpose"), as the project's shape asks: a class grows past that only when someone says why.
 * Reads the sources of every module, so a new module is covered without editing this test.
 */
class ClassSizeTest {
    static final int LIMIT = 400;
    /** The reason has to sit in the comment before the type's declaration, not anywhere in the file. */
    static final Pattern REASON = Pattern.compile("(?i)over\\s+" + LIMIT + "\\s+lines\\s+(because|on purpose)");
    static final Pattern DECLARATION = Pattern.compile("(?m)^(public |final |abstract |sealed )*(class|record|interface|enum) ");

    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("native-bridge")))) {
            p = p.getParent();
        }
        assertTrue(p != null, "the project root (pom.xml beside native-bridge/) above " + Path.of("").toAbsolutePath());
        return p;
    }

    static List<Path> mainSources(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/"))
                    .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
                    .sorted().toList();
        }
    }

    static boolean hasReason(String source) {
        var declaration = DECLARATION.matcher(source);
        String head = declaration.find() ? source.substring(0, declaration.start()) : source;
        return REASON.matcher(head).find();
    }

    @Test
    void everyMainClassOverTheLimitSaysWhyAtItsTop() throws IOException {
        Path root = projectRoot();
        List<Path> sources = mainSources(root);
        assertTrue(sources.size() > 100, "found the project's sources: " + sources.size());
        List<String> unexplained = new ArrayList<>();
        for (Path f : sources) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                throw new UncheckedIOException(f.toString(), e);
            }
            if (lines.size() > LIMIT && !hasReason(String.join("\n", lines))) {
                unexplained.add(root.relativize(f) + " (" + lines.size() + " lines)");
            }
        }
        assertEquals(List.of(), unexplained, "classes over " + LIMIT + " lines with no reason at their top");
    }

    @Test
    void theReasonCountsOnlyBeforeTheDeclaration() {
        assertTrue(hasReason("/**\n * Over 400 lines because it must.\n */\npublic final class A {}"));
        assertTrue(hasReason("/** A little over 400 lines on purpose: one piece. */\nfinal class A {}"));
        assertTrue(!hasReason("/** A class. */\npublic final class A {\n // over 400 lines because\n}"));
        assertTrue(!hasReason("/** Over 400 lines. */\npublic record A() {}"));
    }
}
