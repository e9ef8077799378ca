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
 */
public final class CriuLogParser {
    // "(00.041038) " ; from 100 s on the last digit is eaten by ")" so accept any digit count.
    private static final Pattern TIME = Pattern.compile("^\\((\\d+)\\.(\\d+)\\) ");
    // Restore tasks: pid right-aligned in 6 columns, then ": ".
    private static final Pattern TASK = Pattern.compile("^( *)(\\d+): ");
    private static final Pattern PIE = Pattern.compile("^pie: (\\d+): ");
    private static final Pattern TAG = Pattern.compile("^(Error|Warn) +\\(([^:()]+):(\\d+)\\): ");

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
        String rest = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        Duration time = null;
        Matcher m = TIME.matcher(rest);
        if (m.find()) {
            long secs = Long.parseLong(m.group(1));
            String frac = (m.group(2) + "000000").substring(0, 6);
            time = Duration.ofSeconds(secs).plusNanos(Long.parseLong(frac) * 1000L);
            rest = rest.substring(m.end());
        }
        Integer taskPid = null;
        m = TASK.matcher(rest);
        if (m.find() && m.group(1).length() + m.group(2).length() >= 6 && m.group(2).length() <= 9) {
            taskPid = Integer.parseInt(m.group(2));
            rest = rest.substring(m.end());
        }
        boolean pie = false;
        m = PIE.matcher(rest);
        if (m.find() && m.group(1).length() <= 9) {
            pie = true;
            if (taskPid == null) taskPid = Integer.parseInt(m.group(1));
            rest = rest.substring(m.end());
        }
        CriuLogLine.Level level = CriuLogLine.Level.INFO;
        String file = null;
        int line = 0;
        m = TAG.matcher(rest);
        if (m.find()) {
            level = m.group(1).equals("Error") ? CriuLogLine.Level.ERROR : CriuLogLine.Level.WARN;
            file = m.group(2);
            line = Integer.parseInt(m.group(3));
            rest = rest.substring(m.end());
        }
        return new CriuLogLine(number, time, taskPid, pie, level, file, line, rest, inodes(rest), pids(taskPid, rest), raw);
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
