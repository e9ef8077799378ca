package org.criuatlas.ui.graph;

/** What is selected: a process, a unix socket or a pipe, by its pid or inode. */
public record SelectedItem(Kind kind, long id) {
    public enum Kind { PROCESS, SOCKET, PIPE }

    public static SelectedItem process(int pid) { return new SelectedItem(Kind.PROCESS, pid); }

    public static SelectedItem socket(long ino) { return new SelectedItem(Kind.SOCKET, ino); }

    public static SelectedItem pipe(long ino) { return new SelectedItem(Kind.PIPE, ino); }

    public int pid() { return kind == Kind.PROCESS ? (int) id : -1; }

    /** From a CRIU key {@code socket:[INO]} / {@code pipe:[INO]}, null for other keys. */
    public static SelectedItem ofKey(String key) {
        if (key == null) return null;
        try {
            if (key.startsWith("socket:[")) return socket(Long.parseLong(key.substring(8, key.length() - 1)));
            if (key.startsWith("pipe:[")) return pipe(Long.parseLong(key.substring(6, key.length() - 1)));
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }
}
