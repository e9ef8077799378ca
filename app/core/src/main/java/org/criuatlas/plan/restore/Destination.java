package org.criuatlas.plan.restore;

/**
 * Where the other end of a replacement goes (the end criu does not get), or how the object is
 * restored without a replacement.
 *
 * @param kind     what happens to the other end
 * @param argument the command line ({@link Kind#COMMAND}) or the socket path ({@link Kind#UNIX_PATH}); empty otherwise
 */
public record Destination(Kind kind, String argument) {
    public enum Kind {
        /** CRIU Atlas keeps the end in a console: text in and out, bytes counted. */
        CONSOLE("kept in a console"),
        /** A command the user names gets the end as its stdin and stdout. */
        COMMAND("handed to a command"),
        /** CRIU Atlas connects to a unix socket path and relays both ways. */
        UNIX_PATH("relayed to a unix socket path"),
        /** No replacement: CRIU reconnects the socket to its peer's saved name ({@code --ext-unix-sk}). */
        RECONNECT("reconnected by name"),
        /** Nothing is handed in. */
        NONE("not wired");

        private final String label;

        Kind(String label) { this.label = label; }

        public String label() { return label; }

        /** True when criu is handed one end of a new socketpair/pipe ({@code --inherit-fd}). */
        public boolean inherits() { return this == CONSOLE || this == COMMAND || this == UNIX_PATH; }
    }

    public Destination {
        if (kind == null) throw new IllegalArgumentException("kind");
        argument = argument == null ? "" : argument;
    }

    public static Destination console() { return new Destination(Kind.CONSOLE, ""); }

    public static Destination command(String commandLine) { return new Destination(Kind.COMMAND, commandLine); }

    public static Destination unixPath(String path) { return new Destination(Kind.UNIX_PATH, path); }

    public static Destination reconnect() { return new Destination(Kind.RECONNECT, ""); }

    public static Destination none() { return new Destination(Kind.NONE, ""); }

    /** In words, e.g. {@code handed to the command "cat -n"}. */
    public String describe() {
        return switch (kind) {
            case COMMAND -> argument.isBlank() ? "handed to a command (none named yet)" : "handed to the command \"" + argument + "\" (as its stdin and stdout)";
            case UNIX_PATH -> argument.isBlank() ? "relayed to a unix socket path (none named yet)" : "relayed to the unix socket " + argument;
            default -> kind.label();
        };
    }
}
