package org.criuatlas.host;

/**
 * One end a restore kept: a console a person types into, a command's stdin/stdout, a relay. For a
 * console it is a stream the board reads ({@link Listener#received}) and writes ({@link #send}); the
 * others only describe themselves. Over a bridge it is a channel.
 */
public interface KeptEnd {
    /** The image object it replaces, {@code socket:[INO]} / {@code pipe:[INO]}. */
    String key();

    /** criu's fd number for the other end. */
    int criuFd();

    /** In words, for the board. */
    String describe();

    /** True for a console (a stream for a person); false for commands and relays. */
    boolean console();

    boolean canSend();

    boolean canReceive();

    /** What came in so far (the last {@value #TRANSCRIPT_LIMIT} characters). */
    String transcript();

    long bytesReceived();

    /** Writes text (one packet per call on dgram/seqpacket). Blocking: a full buffer waits. */
    void send(String text);

    /** Told about traffic, on the end's own threads. */
    void addListener(Listener l);

    /** Stops telling {@code l}. */
    default void removeListener(Listener l) {}

    /**
     * Adds {@code l} and returns the transcript so far, at one instant: every later read reaches {@code l} and none
     * in the returned text does (a stream that cannot promise it adds first, then reads the transcript).
     */
    default String listen(Listener l) {
        addListener(l);
        return transcript();
    }

    /** Who keeps the end when it is not this process (e.g. "the bridge on server"); null when it is. */
    default String keptBy() { return null; }

    /** Null while open; else why it ended. */
    default String ended() { return null; }

    /** Bytes written to the restored tree so far. */
    default long bytesSent() { return 0; }

    /** The same limit for an end kept here and one a bridge streams: the console view shows either the same way. */
    int TRANSCRIPT_LIMIT = org.criuatlas.restore.ConsoleEnd.TRANSCRIPT_LIMIT;

    interface Listener {
        void received(String text);

        default void counted(long bytesIn, long bytesOut) {}

        default void ended(String why) {}
    }
}
