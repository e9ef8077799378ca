package org.criuatlas.model;

/** What an open file descriptor refers to, as far as the graph cares. */
public enum FdKind {
    SOCKET, PIPE, FIFO, TTY, REGULAR, DIRECTORY, DEVICE, ANON_INODE, OTHER,
    /** The fd exists but could not be read (closed mid-read, no permission). */
    UNKNOWN
}
