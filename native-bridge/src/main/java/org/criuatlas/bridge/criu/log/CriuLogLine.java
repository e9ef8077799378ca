package org.criuatlas.bridge.criu.log;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One line of a CRIU log, taken apart (format: shared/criu-facts.md §7). The inodes and pids a line
 * names are found on first use: a -v4 log of a large tree has hundreds of thousands of lines, and
 * only the few a diagnosis or the log view looks at need them. A line that arrived as text (the bridge's
 * log batches: {@link #unparsed}) is taken apart on first use of a field other than its number and
 * text, for the same reason: a client that keeps a tail of the log never pays for the rest.
 */
public final class CriuLogLine {
    public enum Level { ERROR, WARN, INFO }

    private final int number;
    private final String raw;
    // set by the constructor, or on first use for an unparsed line (then published by the write of parsed)
    private Duration time;
    private Integer taskPid;
    private boolean pie;
    private Level level;
    private String sourceFile;
    private int sourceLine;
    private String message;
    private volatile boolean parsed;
    private List<Long> inodes;
    private List<Integer> pids;

    /**
     * @param number     1-based line number in the log
     * @param time       time since CRIU's log start, null below log level 3 (no timestamps)
     * @param taskPid    the restore task's pid prefix ({@code "  1234: "}), or the pid after {@code pie: }; null if none
     * @param pie        the line comes from the restorer blob ({@code pie: N: ...})
     * @param level      ERROR / WARN from the tag, INFO for untagged lines
     * @param sourceFile CRIU source file of an Error/Warn tag ({@code criu/sk-unix.c}), null otherwise
     * @param sourceLine its line, 0 when untagged
     * @param message    the text after the tag, including any subsystem prefix such as {@code unix: }
     * @param raw        the line as written
     */
    public CriuLogLine(int number, Duration time, Integer taskPid, boolean pie, Level level, String sourceFile,
                       int sourceLine, String message, String raw) {
        this.number = number;
        this.time = time;
        this.taskPid = taskPid;
        this.pie = pie;
        this.level = level;
        this.sourceFile = sourceFile;
        this.sourceLine = sourceLine;
        this.message = message;
        this.raw = raw;
        this.parsed = true;
    }

    private CriuLogLine(int number, String raw) {
        this.number = number;
        this.raw = raw;
    }

    /** Line {@code number} of a log, taken apart ({@link CriuLogParser#parseLine}) when a field is first asked for. */
    public static CriuLogLine unparsed(int number, String raw) {
        return new CriuLogLine(number, Objects.requireNonNull(raw, "raw"));
    }

    private CriuLogLine parsed() {
        if (!parsed) {
            // two threads may both parse: they write the same values
            CriuLogLine p = CriuLogParser.parseLine(number, raw);
            time = p.time;
            taskPid = p.taskPid;
            pie = p.pie;
            level = p.level;
            sourceFile = p.sourceFile;
            sourceLine = p.sourceLine;
            message = p.message;
            parsed = true;
        }
        return this;
    }

    public int number() { return number; }
    public Duration time() { return parsed().time; }
    public Integer taskPid() { return parsed().taskPid; }
    public boolean pie() { return parsed().pie; }
    /**
     * ERROR or WARN only for a line whose text holds {@code "Error "} or {@code "Warn "} (where the parser finds them):
     * any other line is INFO without being taken apart, which is nearly all of a -v4 log (a headless run asks every
     * line's level to decide what to show).
     */
    public Level level() {
        if (!parsed && raw.indexOf("Error ") < 0 && raw.indexOf("Warn ") < 0) return Level.INFO;
        return parsed().level;
    }
    public String sourceFile() { return parsed().sourceFile; }
    public int sourceLine() { return parsed().sourceLine; }
    public String message() { return parsed().message; }
    public String raw() { return raw; }

    /** Inode numbers the line names (socket/pipe inodes), in order of appearance. */
    public List<Long> inodes() {
        List<Long> i = inodes;
        if (i == null) inodes = i = List.copyOf(CriuLogParser.inodes(message()));
        return i;
    }

    /** Process ids the line names (the task prefix first). */
    public List<Integer> pids() {
        List<Integer> p = pids;
        if (p == null) pids = p = List.copyOf(CriuLogParser.pids(taskPid(), message()));
        return p;
    }

    public boolean isError() { return level() == Level.ERROR; }

    /** {@code criu/sk-unix.c:874} or empty. */
    public String source() {
        return sourceFile() == null ? "" : sourceFile + ":" + sourceLine;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CriuLogLine l)) return false;
        parsed();
        l.parsed();
        return number == l.number && pie == l.pie && sourceLine == l.sourceLine
                && Objects.equals(time, l.time) && Objects.equals(taskPid, l.taskPid) && level == l.level
                && Objects.equals(sourceFile, l.sourceFile) && message.equals(l.message) && raw.equals(l.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(number, raw);
    }

    @Override
    public String toString() {
        parsed();
        return "CriuLogLine[number=" + number + ", time=" + time + ", taskPid=" + taskPid + ", pie=" + pie + ", level=" + level
                + ", sourceFile=" + sourceFile + ", sourceLine=" + sourceLine + ", message=" + message + "]";
    }
}
