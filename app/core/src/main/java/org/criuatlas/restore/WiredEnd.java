package org.criuatlas.restore;

/** The end of a replacement that CRIU Atlas keeps or hands on after criu got the other one. */
public sealed interface WiredEnd extends AutoCloseable permits ConsoleEnd, CommandEnd, RelayEnd {
    /** The image object it replaces, {@code socket:[INO]} / {@code pipe:[INO]}. */
    String key();

    /** criu's fd number for the other end. */
    int criuFd();

    /** In words, for the board. */
    String describe();

    /** Starts its threads / process; called once, after criu has the other end. */
    void start();

    /** Stops threads and processes and closes every fd it holds; idempotent. */
    @Override
    void close();
}
