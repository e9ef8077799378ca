package org.criuatlas.bridge.topo;

/** A topology could not be started, read or torn down; the message carries the director's own words. */
public final class TopologyException extends RuntimeException {
    public TopologyException(String message) {
        super(message);
    }

    public TopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
