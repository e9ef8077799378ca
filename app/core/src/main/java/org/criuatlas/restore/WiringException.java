package org.criuatlas.restore;

/** The wiring for one object could not be built (socketpair, pipe, connect to a path, spawn). */
public final class WiringException extends RuntimeException {
    private final String key;

    public WiringException(String key, String message, Throwable cause) {
        super(key + ": " + message + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""), cause);
        this.key = key;
    }

    public String key() { return key; }
}
