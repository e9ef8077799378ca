package org.criuatlas.ui.vm;

/** What is selected: a process, a unix socket or a pipe, by its pid or inode. */
public record Selection(Kind kind, long id) {
    public enum Kind { PROCESS, SOCKET, PIPE }

    public static Selection process(int pid) { return new Selection(Kind.PROCESS, pid); }

    public static Selection socket(long ino) { return new Selection(Kind.SOCKET, ino); }

    public static Selection pipe(long ino) { return new Selection(Kind.PIPE, ino); }

    public int pid() { return kind == Kind.PROCESS ? (int) id : -1; }

    /** From a CRIU key {@code socket:[INO]} / {@code pipe:[INO]}, null for other keys. */
    public static Selection ofKey(String key) {
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
