package org.criuatlas.model;

import java.util.Optional;

/**
 * The one spelling of CRIU's object keys, written and read here only: {@code socket:[INO]} and
 * {@code pipe:[INO]} (the text of a /proc/PID/fd link, and what {@code --inherit-fd fd[N]:KEY} takes),
 * and {@code unix[INO]} (what {@code --external} takes for a unix socket: the inode of the end inside
 * the dump).
 *
 * @param kind what the inode names
 * @param ino  the inode number
 */
public record ObjectKey(Kind kind, long ino) {
    /** The kinds of object a key names. */
    public enum Kind {
        SOCKET("socket"), PIPE("pipe");

        /** The word before {@code :[INO]}. */
        public final String word;

        Kind(String word) { this.word = word; }
    }

    public ObjectKey {
        if (kind == null) throw new IllegalArgumentException("no kind");
        if (ino < 0) throw new IllegalArgumentException("inode " + ino + " is not an inode");
    }

    public static ObjectKey ofSocket(long ino) { return new ObjectKey(Kind.SOCKET, ino); }

    public static ObjectKey ofPipe(long ino) { return new ObjectKey(Kind.PIPE, ino); }

    /** {@code socket:[INO]} / {@code pipe:[INO]}. */
    public String text() { return kind.word + ":[" + ino + "]"; }

    /** The {@code --external} key, {@code unix[INO]}; only a socket has one. */
    public String externalUnix() {
        if (kind != Kind.SOCKET) throw new IllegalStateException(text() + " is not a socket: --external unix[...] names sockets");
        return "unix[" + ino + "]";
    }

    @Override public String toString() { return text(); }

    /**
     * Reads {@code socket:[INO]} / {@code pipe:[INO]} exactly (no spaces, nothing around); empty for any
     * other text (a path, {@code anon_inode:...}, a malformed key). Hot in the /proc scan: no regex.
     */
    public static Optional<ObjectKey> parse(String text) {
        if (text == null) return Optional.empty();
        Kind k = text.startsWith("socket:[") ? Kind.SOCKET : text.startsWith("pipe:[") ? Kind.PIPE : null;
        if (k == null) return Optional.empty();
        long ino = bracketed(text, k.word.length() + 1);
        return ino >= 0 ? Optional.of(new ObjectKey(k, ino)) : Optional.empty();
    }

    /**
     * Reads a unix socket given to {@code --external}: {@code unix[INO]}, the bare {@code INO}, or (as
     * the planner and the graph print it) {@code socket:[INO]}.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static ObjectKey parseExternalUnix(String text) {
        String t = text == null ? "" : text.strip();
        long ino = -1;
        if (t.startsWith("unix[")) ino = bracketed(t, 4);
        else if (t.startsWith("socket:[")) ino = bracketed(t, 7);
        else if (!t.isEmpty() && t.length() <= 19 && t.chars().allMatch(Character::isDigit)) ino = Long.parseLong(t);
        if (ino <= 0) throw new IllegalArgumentException("'" + text + "' is not a unix socket: write unix[INO] or INO"
                + " (INO = the inode of the socket inside the dump, as `criu-atlas plan` prints it)");
        return ofSocket(ino);
    }

    /** The digits between {@code text[open]=='['} and a final ']'; -1 when not exactly that. */
    private static long bracketed(String text, int open) {
        int close = text.length() - 1;
        if (open >= close || text.charAt(open) != '[' || text.charAt(close) != ']' || close - open - 1 > 19) return -1;
        long v = 0;
        for (int i = open + 1; i < close; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
            if (v < 0) return -1;
        }
        return close - open > 1 ? v : -1;
    }
}
