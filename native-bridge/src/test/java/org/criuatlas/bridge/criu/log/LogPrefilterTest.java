package org.criuatlas.bridge.criu.log;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shortcuts that keep a -v4 log cheap to follow give the answers the full work gives: a line's level without taking
 * it apart, and the one-pass test of whether a line may matter to a diagnosis, against the parser and the
 * contains-per-needle test it replaced, on every line of the recorded CRIU logs and on random lines made of the needles'
 * pieces.
 */
class LogPrefilterTest {
    static final List<String> NEEDLES = List.of("Error", "pie", "peer_ino ", "(stage ", "External socket", "Can't ", "Unix socket ",
            "Dangling connection ", "Unable to open fd=", "Found dangling tty", "without correspond master peer",
            "is not a session leader", "Consider using --shell-job", "OOM storing pipe", "Invalid inherit fd argument: ");

    static List<String> recordedLines() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/criu-logs"))) {
            for (Path p : s.sorted().toList()) out.addAll(Files.readAllLines(p));
        }
        return out;
    }

    static List<String> randomLines() {
        Random r = new Random(42);
        String[] bits = {"(00.001234) ", "pid: ", "Error ", "Warn  ", "(criu/sk-unix.c:874): ", "Erro", "pi", "Can'", "(stage", "é", " ", "x",
                "External socke", "Unix socket", "peer_ino", "1234", "Warn ", "Error (", ")"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(8); k >= 0; k--) b.append(r.nextBoolean() ? bits[r.nextInt(bits.length)] : NEEDLES.get(r.nextInt(NEEDLES.size())).substring(1));
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void theOnePassTestEqualsAContainsPerNeedle() throws IOException {
        List<String> lines = new ArrayList<>(recordedLines());
        assertTrue(lines.size() > 100, "the recorded logs are there: " + lines.size());
        lines.addAll(randomLines());
        int matched = 0;
        for (String l : lines) {
            boolean want = NEEDLES.stream().anyMatch(l::contains);
            assertEquals(want, CriuDiagnoser.mayMatterText(l), l);
            if (want) matched++;
        }
        assertTrue(matched > 100 && matched < lines.size(), "both answers occur: " + matched + " of " + lines.size());
    }

    @Test
    void aLinesLevelWithoutParsingIsTheParsersLevel() throws IOException {
        List<String> lines = new ArrayList<>(recordedLines());
        lines.addAll(randomLines());
        int notInfo = 0;
        for (int i = 0; i < lines.size(); i++) {
            CriuLogLine.Level parsed = CriuLogParser.parseLine(i + 1, lines.get(i)).level();
            assertEquals(parsed, CriuLogLine.unparsed(i + 1, lines.get(i)).level(), lines.get(i));
            if (parsed != CriuLogLine.Level.INFO) notInfo++;
        }
        assertTrue(notInfo > 10, "errors and warnings occur: " + notInfo);
    }
}
