package org.criuatlas.bridge.criu.log;

import java.time.Duration;
import java.util.List;

/**
 * One line of a CRIU log, taken apart (format: shared/criu-facts.md §7).
 *
 * @param number     1-based line number in the log
 * @param time       time since CRIU's log start, null below log level 3 (no timestamps)
 * @param taskPid    the restore task's pid prefix ({@code "  1234: "}), or the pid after {@code pie: }; null if none
 * @param pie        the line comes from the restorer blob ({@code pie: N: ...})
 * @param level      ERROR / WARN from the tag, INFO for untagged lines
 * @param sourceFile CRIU source file of an Error/Warn tag ({@code criu/sk-unix.c}), null otherwise
 * @param sourceLine its line, 0 when untagged
 * @param message    the text after the tag, including any subsystem prefix such as {@code unix: }
 * @param inodes     inode numbers the line names (socket/pipe inodes), in order of appearance
 * @param pids       process ids the line names (the task prefix first)
 * @param raw        the line as written
 */
public record CriuLogLine(int number, Duration time, Integer taskPid, boolean pie, Level level, String sourceFile,
                          int sourceLine, String message, List<Long> inodes, List<Integer> pids, String raw) {
    public enum Level { ERROR, WARN, INFO }

    public CriuLogLine {
        inodes = List.copyOf(inodes);
        pids = List.copyOf(pids);
    }

    public boolean isError() { return level == Level.ERROR; }

    /** {@code criu/sk-unix.c:874} or empty. */
    public String source() {
        return sourceFile == null ? "" : sourceFile + ":" + sourceLine;
    }
}
