package org.criuatlas.host;

/**
 * A kept end that only describes itself: a command or a relay, which runs by itself, or an end whose bytes stay
 * on another host. It takes no text and reports none; the board shows what it is.
 */
public interface DescribedEnd extends KeptEnd {
    @Override default boolean console() { return false; }
    @Override default boolean canSend() { return false; }
    @Override default boolean canReceive() { return false; }
    @Override default String transcript() { return ""; }
    @Override default long bytesReceived() { return 0; }
    @Override default void send(String text) { throw new UnsupportedOperationException(describe() + " takes no text"); }
    @Override default void addListener(Listener l) { }
}
