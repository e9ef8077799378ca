package org.criuatlas.plan;

import org.criuatlas.model.Holder;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;

import java.util.List;

/**
 * One object that crosses the boundary of the dump.
 *
 * @param kind            what kind of crossing
 * @param key             the CRIU key of the object inside ({@code socket:[INO]}, {@code pipe:[INO]}, a tty path)
 * @param ourIno          the inode of the end inside the dump (the one {@code unix[INO]} must name); 0 for ttys/sessions
 * @param outsideIno      the inode of the other end (socket peer), the same inode for pipes; 0 if none
 * @param socketType      for sockets, else null
 * @param ourName         our socket's bound name
 * @param peerName        the other end's bound name
 * @param insideHolders   processes/fds inside the dump that hold our end
 * @param outsideHolders  processes/fds outside that hold the other end (or the shared one); empty when not visible
 * @param ownerVisible    false when the scan shows nobody holding the other end (no permission, in flight)
 * @param withoutHelp     what CRIU does with no option for it
 * @param fixes           ways to deal with it; {@link Fix#works()} false for the tempting wrong ones
 * @param withDecisions   what CRIU does with the user's current decisions
 * @param obligation      what the restore must be given, when the current decisions dump it; else null
 * @param notes           extra plain-words facts (queued data lost, the outside holder keeps the old object...)
 */
public record Crossing(CrossingKind kind, String key, long ourIno, long outsideIno, SocketType socketType,
                       SocketName ourName, SocketName peerName, List<Holder> insideHolders,
                       List<Holder> outsideHolders, boolean ownerVisible, Prediction withoutHelp, List<Fix> fixes,
                       Prediction withDecisions, RestoreObligation obligation, List<String> notes) {
    public Crossing {
        insideHolders = List.copyOf(insideHolders == null ? List.of() : insideHolders);
        outsideHolders = List.copyOf(outsideHolders == null ? List.of() : outsideHolders);
        fixes = List.copyOf(fixes == null ? List.of() : fixes);
        notes = List.copyOf(notes == null ? List.of() : notes);
        ourName = ourName == null ? SocketName.NONE : ourName;
        peerName = peerName == null ? SocketName.NONE : peerName;
    }
}
