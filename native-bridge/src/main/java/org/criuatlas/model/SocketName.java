package org.criuatlas.model;

/**
 * The bound address of a unix socket.
 *
 * @param kind  none, a filesystem path, or an abstract name
 * @param value the path, or the abstract name without its leading NUL; empty for NONE
 */
public record SocketName(Kind kind, String value) {
    public enum Kind { NONE, PATH, ABSTRACT }

    public static final SocketName NONE = new SocketName(Kind.NONE, "");

    public SocketName {
        if (kind == null) throw new IllegalArgumentException("kind");
        value = value == null ? "" : value;
    }

    public static SocketName path(String p) { return new SocketName(Kind.PATH, p); }

    public static SocketName abstractName(String n) { return new SocketName(Kind.ABSTRACT, n); }

    /** From raw sun_path bytes as the kernel reports them (leading NUL = abstract). */
    public static SocketName fromRaw(byte[] raw) {
        if (raw == null || raw.length == 0) return NONE;
        if (raw[0] == 0) {
            return abstractName(new String(raw, 1, raw.length - 1, java.nio.charset.StandardCharsets.UTF_8));
        }
        int len = raw.length;
        while (len > 0 && raw[len - 1] == 0) len--;
        return path(new String(raw, 0, len, java.nio.charset.StandardCharsets.UTF_8));
    }

    public boolean isNamed() { return kind != Kind.NONE; }

    /** As {@code ss} prints it: a path, {@code @name} for abstract, empty for none. */
    public String display() {
        return switch (kind) {
            case NONE -> "";
            case PATH -> value;
            case ABSTRACT -> "@" + value;
        };
    }

    @Override
    public String toString() { return display(); }
}
