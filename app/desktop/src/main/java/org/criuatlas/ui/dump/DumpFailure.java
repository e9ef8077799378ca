package org.criuatlas.ui.dump;

import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.model.ObjectKeys;

import java.util.ArrayList;
import java.util.List;

/**
 * One reason a dump failed, ready for the window: the title, the plain-words text, what to pin on
 * the graph and the fix button (null when no single click fixes it).
 */
public record DumpFailure(CriuDiagnosis diagnosis, String title, String what, String fixText, FixAction fix,
                          List<String> pinKeys, List<Integer> pinPids) {
    public DumpFailure {
        pinKeys = List.copyOf(pinKeys);
        pinPids = List.copyOf(pinPids);
    }

    /** Pure mapping from a typed diagnosis. */
    public static DumpFailure of(CriuDiagnosis d) {
        List<String> keys = new ArrayList<>();
        for (long ino : d.inodes()) keys.add(ObjectKeys.socket(ino));
        FixAction fix = null;
        String title;
        switch (d.kind()) {
            case EXTERNAL_SOCKET_USED -> {
                title = "A connection leaves the dumped tree";
                if (d.dumpedInode() != null) fix = FixAction.markExternal(d.dumpedInode());
            }
            case HALF_STREAM_CONNECTION -> {
                title = "A stream connection leaves the dumped tree";
                if (d.dumpedInode() != null) fix = FixAction.markExternal(d.dumpedInode());
            }
            case NAMELESS_EXTERNAL_SOCKET -> {
                title = "A datagram socket talks to an unnamed socket outside";
                if (d.dumpedInode() != null) fix = FixAction.markExternal(d.dumpedInode());
            }
            case UNIX_PEER_MISSING -> {
                title = "A socket's peer cannot be found";
                fix = d.dumpedInode() != null ? FixAction.markExternal(d.dumpedInode()) : FixAction.RETRY_ACTION;
            }
            case SHELL_JOB -> {
                title = "The tree belongs to a terminal session";
                fix = FixAction.SHELL_JOB_ACTION;
            }
            case TOO_MANY_PIPES -> title = "Too many pipes with data";
            default -> title = "CRIU reported an error";
        }
        return new DumpFailure(d, title, d.what(), d.fix(), fix, keys, d.pids());
    }
}
