package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The first {@code Error (file:line): text} line of a CRIU log, in a form that compares across runs
 * and versions: {@code text} with numbers and paths masked ({@code N}, {@code PATH}), {@code where}
 * ({@code criu/sk-inet.c:200}) kept apart, because line numbers move between versions while the
 * text stays, and {@code raw} as CRIU wrote it (without the timestamp).
 *
 * <p>Lines CRIU logs as errors on every run of a version, whatever the dump does, are skipped:
 * {@code rlimit: Can't setup RLIMIT_NOFILE for self} (4.1.1 without CAP_SYS_RESOURCE on the hard limit).
 *
 * @param text  masked message, e.g. {@code inet: Connected TCP socket, consider using --tcp-established option.}
 * @param where CRIU source file and line, e.g. {@code criu/sk-inet.c:200}
 * @param raw   the line as logged, without the timestamp, e.g. {@code Error (criu/sk-inet.c:200): inet: ...} or
 *              {@code pie: 9854: Error (criu/pie/parasite.c:588): send_fds failed (-22)}
 */
public record FirstError(String text, String where, String raw) {
    private static final List<Pattern> HARMLESS = List.of(Pattern.compile("^rlimit: Can't setup RLIMIT_NOFILE for self"));
    private static final Pattern PATH = Pattern.compile("(?<![\\w.)])/[^\\s,;:()\\[\\]]*[^\\s,;:()\\[\\].]");
    private static final Pattern HEX0X = Pattern.compile("\\b0x[0-9a-fA-F]+\\b");
    private static final Pattern NUMBER = Pattern.compile("\\b[0-9a-fA-F]*[0-9][0-9a-fA-F]*\\b");

    /** The first error line of the log at {@code log}, or null when there is none (or no log). */
    public static FirstError of(Path log) {
        if (log == null || !Files.isRegularFile(log)) return null;
        try {
            return of(CriuLogParser.parse(log));
        } catch (IOException e) {
            return null;
        }
    }

    public static FirstError of(List<CriuLogLine> lines) {
        for (CriuLogLine l : lines) {
            if (!l.isError()) continue;
            if (HARMLESS.stream().anyMatch(p -> p.matcher(l.message()).find())) continue;
            String raw = l.raw().replaceFirst("^\\(\\s*[0-9.]+\\)\\s*", "").strip();
            return new FirstError(mask(l.message()), l.source(), raw);
        }
        return null;
    }

    /** Absolute paths become {@code PATH}, numbers (decimal, hex, with or without 0x) {@code N}. */
    public static String mask(String message) {
        String s = PATH.matcher(message).replaceAll("PATH");
        s = HEX0X.matcher(s).replaceAll("N");
        return NUMBER.matcher(s).replaceAll("N");
    }

    /** {@code Error (where): text} with the masked text. */
    public String line() {
        return "Error (" + where + "): " + text;
    }

    /** {@code where} without the line number ({@code criu/sk-inet.c}). */
    public String file() {
        int c = where.lastIndexOf(':');
        return c < 0 ? where : where.substring(0, c);
    }
}
