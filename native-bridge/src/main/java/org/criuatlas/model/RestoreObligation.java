package org.criuatlas.model;

/**
 * Something a restore must be given, or it fails or breaks: an object whose other end was outside
 * the dump.
 *
 * @param key         the CRIU key of the object inside the dump ({@code socket:[INO]} / {@code pipe:[INO]})
 * @param kind        what has to be done
 * @param ino         the object's inode inside the dump
 * @param holder      the process/fd that held it in the dump (the first one when several)
 * @param socketType  for sockets: the type the replacement must have; null for pipes
 * @param peerName    for sockets: the outside peer's bound name, {@link SocketName#NONE} if it had none
 * @param pipeEndRead for pipes: true when the dumped end is the read end
 * @param explanation plain words for a person
 */
public record RestoreObligation(String key, Kind kind, long ino, Holder holder, SocketType socketType,
                                SocketName peerName, boolean pipeEndRead, String explanation) {
    public enum Kind {
        /** A socket whose peer had no name: only {@code --inherit-fd fd[N]:socket:[INO]} restores it. */
        INHERIT_SOCKET,
        /** A socket whose peer had a name: inherit a new one, or reconnect by name with ext_unix_sk. */
        INHERIT_OR_RECONNECT_SOCKET,
        /** A pipe with an end outside: without {@code --inherit-fd fd[N]:pipe:[INO]} it comes back broken. */
        INHERIT_PIPE,
        /** The tree was dumped with {@code --shell-job}: restore it with {@code --shell-job} too (it joins criu's session). */
        SHELL_JOB
    }

    public RestoreObligation {
        peerName = peerName == null ? SocketName.NONE : peerName;
    }
}
