package org.criuatlas.bridge.criu.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure parser for CRIU logs, from RPC sessions and from plain {@code criu} command-line runs alike.
 * Never throws on odd input: a line it does not understand is an INFO line with its raw text.
 *
 * <p>The prefix of a line (time, task pid, {@code pie:}, Error/Warn tag) is read by hand rather than
 * with regular expressions: a -v4 log of a 1,000-process dump has hundreds of thousands of lines and
 * is parsed while CRIU writes it, beside CRIU on the same cores. Inodes and pids in the message are
 * found with patterns, and only when asked ({@link CriuLogLine#inodes()}).
 */
public final class CriuLogParser {
    private static final Pattern[] INODE_PATTERNS = {
            Pattern.compile("\\bino (\\d+)"),
            Pattern.compile("\\bpeer_ino (\\d+)"),
            Pattern.compile("(?:socket|pipe):\\[(\\d+)\\]"),
            Pattern.compile("\\b(?:unix\\[|Found ino )(\\d+)"),
            Pattern.compile("Unix socket (\\d+) (?:without|with unreachable) peer (\\d+)"),
            Pattern.compile("Dangling connection (\\d+)"),
            Pattern.compile("Connect (\\d+) to (\\d+)"),
    };
    private static final Pattern[] PID_PATTERNS = {
            Pattern.compile("Can't fork for (\\d+)"),
            Pattern.compile("\\b(\\d+) (?:killed|stopped) by signal"),
            Pattern.compile("Task (\\d+) killed by signal"),
            Pattern.compile("The root process (\\d+) is not a session leader"),
            Pattern.compile("Seizing (?:task )?(\\d+)"),
            Pattern.compile("Dumping task \\(pid: (\\d+)\\)"),
    };

    private CriuLogParser() {}

    public static List<CriuLogLine> parse(Path log) throws IOException {
        return parse(new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
    }

    public static List<CriuLogLine> parse(String text) {
        List<CriuLogLine> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) n--;
        for (int i = 0; i < n; i++) out.add(parseLine(i + 1, lines[i]));
        return out;
    }

    public static CriuLogLine parseLine(int number, String raw) {
        String s = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        int at = 0;
        // "(00.041038) "; from 100 s on the last digit is eaten by ")" so accept any digit count
        Duration time = null;
        if (s.startsWith("(")) {
            int secEnd = digits(s, 1);
            if (secEnd > 1 && secEnd - 1 <= 18 && secEnd < s.length() && s.charAt(secEnd) == '.') {
                int fracEnd = digits(s, secEnd + 1);
                if (fracEnd > secEnd + 1 && s.startsWith(") ", fracEnd)) {
                    long secs = Long.parseLong(s, 1, secEnd, 10);
                    long micros = 0;
                    for (int i = 0; i < 6; i++) {
                        int c = secEnd + 1 + i;
                        micros = micros * 10 + (c < fracEnd ? s.charAt(c) - '0' : 0);
                    }
                    time = Duration.ofSeconds(secs).plusNanos(micros * 1000L);
                    at = fracEnd + 2;
                }
            }
        }
        // restore tasks: the pid right-aligned in 6 columns, then ": "
        Integer taskPid = null;
        int p = at;
        while (p < s.length() && s.charAt(p) == ' ') p++;
        int pidEnd = digits(s, p);
        if (pidEnd > p && pidEnd - p <= 9 && pidEnd - at >= 6 && s.startsWith(": ", pidEnd)) {
            taskPid = Integer.parseInt(s, p, pidEnd, 10);
            at = pidEnd + 2;
        }
        boolean pie = false;
        if (s.startsWith("pie: ", at)) {
            int d = at + 5, e = digits(s, d);
            if (e > d && e - d <= 9 && s.startsWith(": ", e)) {
                pie = true;
                if (taskPid == null) taskPid = Integer.parseInt(s, d, e, 10);
                at = e + 2;
            }
        }
        // "Error (criu/sk-unix.c:874): " / "Warn  (file:line): "
        CriuLogLine.Level level = CriuLogLine.Level.INFO;
        String file = null;
        int line = 0;
        boolean error = s.startsWith("Error ", at);
        if (error || s.startsWith("Warn ", at)) {
            int q = at + (error ? 6 : 5);
            while (q < s.length() && s.charAt(q) == ' ') q++;
            if (q < s.length() && s.charAt(q) == '(') {
                int f = q + 1, colon = f;
                while (colon < s.length() && ":()".indexOf(s.charAt(colon)) < 0) colon++;
                int lineEnd = colon < s.length() && s.charAt(colon) == ':' ? digits(s, colon + 1) : -1;
                if (colon > f && lineEnd > colon + 1 && lineEnd - colon - 1 <= 9 && s.startsWith("): ", lineEnd)) {
                    level = error ? CriuLogLine.Level.ERROR : CriuLogLine.Level.WARN;
                    file = s.substring(f, colon);
                    line = Integer.parseInt(s, colon + 1, lineEnd, 10);
                    at = lineEnd + 3;
                }
            }
        }
        return new CriuLogLine(number, time, taskPid, pie, level, file, line, s.substring(at), raw);
    }

    /** The index after the run of ASCII digits starting at {@code from}. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i;
    }

    static List<Long> inodes(String msg) {
        Set<Long> found = new LinkedHashSet<>();
        for (Pattern p : INODE_PATTERNS) {
            Matcher m = p.matcher(msg);
            while (m.find()) {
                for (int g = 1; g <= m.groupCount(); g++) {
                    String s = m.group(g);
                    if (s != null && s.length() <= 18) found.add(Long.parseLong(s));
                }
            }
        }
        return new ArrayList<>(found);
    }

    static List<Integer> pids(Integer taskPid, String msg) {
        Set<Integer> found = new LinkedHashSet<>();
        if (taskPid != null) found.add(taskPid);
        for (Pattern p : PID_PATTERNS) {
            Matcher m = p.matcher(msg);
            while (m.find()) {
                String s = m.group(1);
                if (s.length() <= 9) found.add(Integer.parseInt(s));
            }
        }
        return new ArrayList<>(found);
    }
}
