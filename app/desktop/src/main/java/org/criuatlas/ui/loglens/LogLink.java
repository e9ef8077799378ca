package org.criuatlas.ui.loglens;

/**
 * A number in a log line's message that names an object of the loaded graph.
 *
 * @param start     first character of the number in the message
 * @param end       one past its last character
 * @param kind      what it names
 * @param value     the inode or pid
 * @param objectKey {@code socket:[INO]}, {@code pipe:[INO]}, or {@code pid:N} for a process
 */
public record LogLink(int start, int end, Kind kind, long value, String objectKey) {
    public enum Kind { SOCKET, PIPE, PROCESS }

    public static String processKey(long pid) {
        return "pid:" + pid;
    }
}
