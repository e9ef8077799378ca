package org.criuatlas.bridge.criu.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a CRIU run failed (or what it warned about), in plain words, with the objects it concerns so a
 * graph can pin it: inodes of sockets/pipes and pids of processes.
 *
 * @param kind         what kind of problem
 * @param what         what happened, in plain words
 * @param fix          what fixes it
 * @param dumpedInode  the inode of the socket inside the dumped tree (the one for {@code unix[INO]} and
 *                     {@code socket:[INO]}), null when not about a socket
 * @param outsideInode the inode of the peer outside the tree, null when unknown
 * @param pids         processes concerned
 * @param logLine      line number of the log line that shows it (0 if it came from elsewhere)
 * @param evidence     that log line's message
 */
public record CriuDiagnosis(Kind kind, String what, String fix, Long dumpedInode, Long outsideInode,
                           List<Integer> pids, int logLine, String evidence) {

    public enum Kind {
        /** Dump: a socket in the tree is connected to a socket outside it. */
        EXTERNAL_SOCKET_USED,
        /** Dump with ext-unix-sk: a stream/seqpacket connection leaves the tree. */
        HALF_STREAM_CONNECTION,
        /** Dump with ext-unix-sk: a datagram socket whose outside peer has no name. */
        NAMELESS_EXTERNAL_SOCKET,
        /** Dump: a socket's peer cannot be found or does not point back. */
        UNIX_PEER_MISSING,
        /** Restore: the images hold an external socket and nothing says how to reconnect it. */
        EXTERNAL_SOCKET_IN_IMAGE,
        /** Restore: a file descriptor could not be re-opened. */
        UNABLE_TO_OPEN_FD,
        /** Restore: a pid the images need is in use. */
        PID_TAKEN,
        /** The tree belongs to a terminal session (shell job). */
        SHELL_JOB,
        /** Dump: more than 1,024 pipes with data. */
        TOO_MANY_PIPES,
        /** Restore: an inherit-fd argument is malformed or the fd is not open in criu. */
        BAD_INHERIT_FD,
        /** Restore: a restored task crashed (seen with a socketpair end restored via ext-unix-sk). */
        RESTORED_TASK_CRASHED,
        /** Any other error CRIU logged on a failed run. */
        OTHER_ERROR
    }

    public CriuDiagnosis {
        pids = List.copyOf(pids);
    }

    /** Every inode this diagnosis names: the dumped task's first. */
    public List<Long> inodes() {
        List<Long> l = new ArrayList<>(2);
        if (dumpedInode != null) l.add(dumpedInode);
        if (outsideInode != null) l.add(outsideInode);
        return l;
    }

    /** One paragraph: what, then the fix. */
    public String text() {
        return what + " " + fix;
    }
}
