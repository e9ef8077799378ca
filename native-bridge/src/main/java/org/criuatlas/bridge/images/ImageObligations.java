package org.criuatlas.bridge.images;

import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.RestoreObligation.Kind;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.UnixSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * What a restore of an image directory must be handed: every object whose other end was outside
 * the dump. Pure function of a graph read from images.
 */
public final class ImageObligations {
    private ImageObligations() {}

    public static List<RestoreObligation> of(IpcGraph g) {
        List<RestoreObligation> out = new ArrayList<>();
        for (UnixSocket s : g.sockets().values()) {
            if (s.externalPeer() || s.holders().isEmpty() || !s.hasPeer()) continue;
            UnixSocket peer = g.peerOf(s);
            Holder h = s.holders().get(0);
            if (peer == null) {
                out.add(new RestoreObligation(s.key(), Kind.INHERIT_SOCKET, s.ino(), h, s.type(), SocketName.NONE, false,
                        "the peer socket " + s.peer() + " is not in the dump at all: CRIU cannot reconnect it; "
                                + "hand in a replacement with --inherit-fd fd[N]:" + s.key()));
                continue;
            }
            if (!peer.externalPeer()) continue;
            if (peer.name().isNamed()) {
                out.add(new RestoreObligation(s.key(), Kind.INHERIT_OR_RECONNECT_SOCKET, s.ino(), h, s.type(), peer.name(), false,
                        "connected to " + peer.name().display() + " outside the dump: hand in a new connected "
                                + s.type().label() + " socket with --inherit-fd fd[N]:" + s.key()
                                + ", or restore with --ext-unix-sk to reconnect by name"
                                + (s.type().isConnectionOriented() ? " (a fresh connection: the server must accept again, protocol state is lost)" : "")));
            } else {
                out.add(new RestoreObligation(s.key(), Kind.INHERIT_SOCKET, s.ino(), h, s.type(), SocketName.NONE, false,
                        "the other end (inode " + peer.ino() + ", no name) was outside the dump: only --inherit-fd fd[N]:"
                                + s.key() + " with a new " + s.type().label() + " socket restores it (--ext-unix-sk crashes the task)"));
            }
        }
        for (Pipe p : g.pipes().values()) {
            if (p.isFifo()) continue; // a FIFO is reopened by its path
            boolean noReaders = p.readers().isEmpty(), noWriters = p.writers().isEmpty();
            if (noReaders == noWriters) continue;
            Holder h = noReaders ? p.writers().get(0) : p.readers().get(0);
            boolean readEnd = noWriters;
            out.add(new RestoreObligation(p.key(), Kind.INHERIT_PIPE, p.ino(), h, null, SocketName.NONE, readEnd,
                    "only the " + (readEnd ? "read" : "write") + " end is in the dump; the "
                            + (readEnd ? "writer" : "reader") + " was outside (or had closed it): without --inherit-fd fd[N]:"
                            + p.key() + " the restored " + (readEnd ? "reader sees end-of-file" : "writer gets EPIPE")));
        }
        return out;
    }
}
