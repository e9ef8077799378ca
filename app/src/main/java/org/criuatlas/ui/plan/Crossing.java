package org.criuatlas.ui.plan;

import java.util.List;

/**
 * One edge that leaves the planned subtree, as the plan panel and the graph show it.
 *
 * @param key         the CRIU key of the object inside the dump ({@code socket:[INO]}, {@code pipe:[INO]}, {@code tty})
 * @param insideIno   inode of the end inside the dump (0 for a tty)
 * @param insidePid   the process inside that holds it
 * @param insideFd    its fd number there, -1 when not applicable
 * @param peerKey     the CRIU key of the other end ({@code socket:[INO]}; the same key for pipes), null when none
 * @param outsidePid  the process outside that holds the other end, -1 when unknown or none
 * @param what        short words: "socketpair (stream)", "pipe (we read)", "dgram to /dev/log"
 * @param outsideText the other end's owner for a person: "bash (pid 812)", "unknown owner"
 * @param verdict     what happens with the current choices
 * @param explanation plain words: why, and what the restore will need
 * @param choices     the choices that apply to this edge
 * @param chosen      the choices currently ticked
 */
public record Crossing(String key, long insideIno, int insidePid, int insideFd, String peerKey, int outsidePid,
                       String what, String outsideText, Verdict verdict, String explanation,
                       List<Choice> choices, List<Choice> chosen) {
    public Crossing {
        choices = List.copyOf(choices);
        chosen = List.copyOf(chosen);
    }
}
