package org.criuatlas.model;

/**
 * A derived edge between two processes.
 *
 * @param kind      parent/child, socket peer, pipe (writer to reader), or one object shared by both
 * @param fromPid   parent, the holder of {@code objectKey}, the pipe's writer, or the first holder
 * @param toPid     child, the holder of {@code peerKey}, the pipe's reader, or the other holder
 * @param objectKey the object at the {@code from} side, null for parent/child
 * @param peerKey   the object at the {@code to} side (the peer socket; the same key for pipes and
 *                  shared objects), null for parent/child
 */
public record GraphEdge(Kind kind, int fromPid, int toPid, String objectKey, String peerKey) {
    public enum Kind { PARENT_CHILD, SOCKET_PEER, PIPE, SHARED }
}
