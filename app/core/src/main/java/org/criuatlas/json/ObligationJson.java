package org.criuatlas.json;

import org.criuatlas.model.RestoreObligation;

import java.util.List;

/**
 * What a restore must be handed ({@code show}, {@code plan}): {@code key} as {@code --inherit-fd fd[N]:KEY}
 * takes it, {@code kind} one of INHERIT_SOCKET, INHERIT_OR_RECONNECT_SOCKET, INHERIT_PIPE, SHELL_JOB;
 * {@code dumpedEnd} ("read"/"write") for pipes only.
 */
public record ObligationJson(String key, String kind, long ino, GraphJson.HolderJson holder, String socketType, String peerName,
                             String dumpedEnd, String explanation) {
    static ObligationJson of(RestoreObligation o) {
        return new ObligationJson(o.key(), o.kind().name(), o.ino(),
                o.holder() == null ? null : new GraphJson.HolderJson(o.holder().pid(), o.holder().fd()),
                o.socketType() == null ? null : o.socketType().label(), GraphJson.name(o.peerName()),
                o.kind() == RestoreObligation.Kind.INHERIT_PIPE ? (o.pipeEndRead() ? "read" : "write") : null, o.explanation());
    }

    static List<ObligationJson> of(List<RestoreObligation> os) {
        return os.stream().map(ObligationJson::of).toList();
    }
}
