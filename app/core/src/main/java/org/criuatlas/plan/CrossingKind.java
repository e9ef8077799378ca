package org.criuatlas.plan;

/** The kinds of object that cross the boundary of a dump, in the user's words. */
public enum CrossingKind {
    SOCKETPAIR("socketpair / unnamed peer outside",
            "a connected unix socket whose other end has no name and is held by a process outside the dump"),
    DGRAM_TO_NAMED("datagram client of a named socket outside",
            "a datagram socket connected to a named socket (like /dev/log) that a process outside the dump owns"),
    STREAM_TO_NAMED_LISTENER("client of a named listener outside",
            "a stream/seqpacket connection to a server outside the dump that listens on a name"),
    LISTENER_CLIENT_OUTSIDE("listener inside, client outside",
            "a connection accepted by a listener inside the dump whose client is a process outside"),
    PENDING_CLIENT_OUTSIDE("pending connection from outside",
            "a connection from a process outside, waiting in the accept queue of a listener inside the dump"),
    DGRAM_SERVER_CLIENTS_OUTSIDE("datagram server inside, clients outside",
            "a named datagram socket inside the dump that processes outside are connected to"),
    PEER_NOT_VISIBLE("peer not in the snapshot",
            "a connected unix socket whose peer socket the scan could not see"),
    PIPE_WRITER_OUTSIDE("pipe: write end outside",
            "a pipe read inside the dump and written by a process outside"),
    PIPE_READER_OUTSIDE("pipe: read end outside",
            "a pipe written inside the dump and read by a process outside"),
    FIFO_END_OUTSIDE("FIFO with an end outside",
            "a named pipe (FIFO) opened both inside and outside the dump"),
    SHARED_FD("fd shared with a process outside",
            "one open socket or pipe end held both by a process inside the dump and by one outside"
                    + " (inherited across fork or passed over a socket)"),
    SESSION_OUTSIDE("session leader outside",
            "the root of the dump is not the leader of its session; the leader is outside"),
    TTY_OUTSIDE("terminal outside",
            "a terminal (pty) opened inside the dump whose other side belongs to a process outside");

    public final String label;
    public final String description;

    CrossingKind(String label, String description) {
        this.label = label;
        this.description = description;
    }
}
