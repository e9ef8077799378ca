package org.criuatlas.bridge.criu.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a CRIU run failed (or what it warned about), in plain words, with the objects it concerns so a
 * graph can pin it: inodes of sockets/pipes and pids of processes.
 *
 * @param kind         which CRIU error it is (the one vocabulary shared with the dump planner)
 * @param what         what happened, in plain words
 * @param fix          what fixes it
 * @param dumpedInode  the inode of the socket inside the dumped tree (the one for {@code unix[INO]} and
 *                     {@code socket:[INO]}), null when not about a socket
 * @param outsideInode the inode of the peer outside the tree, null when unknown
 * @param pids         processes concerned
 * @param logLine      line number of the log line that shows it (0 if it came from elsewhere)
 * @param evidence     that log line's message
 */
public record CriuDiagnosis(CriuErrorKind kind, String what, String fix, Long dumpedInode, Long outsideInode,
                           List<Integer> pids, int logLine, String evidence) {

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
