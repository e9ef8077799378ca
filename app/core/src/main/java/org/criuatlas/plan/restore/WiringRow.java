package org.criuatlas.plan.restore;

/**
 * One line of the wiring board: an image object and how it is handed to the restore.
 *
 * @param key         the image object's key, {@code socket:[INO]} / {@code pipe:[INO]}
 * @param object      the object in words: who held it at which fd, its type, what its peer was
 * @param replacement the new socketpair/pipe built for it
 * @param criuFd      the fd number in criu's table for {@code --inherit-fd fd[N]:KEY}
 * @param destination where the other end goes
 * @param peerNamed   for sockets: the outside peer had a name (reconnect by name is possible)
 * @param obligation  true when the row came from a restore obligation of the image (false: added by the user)
 */
public record WiringRow(String key, String object, Replacement replacement, int criuFd, Destination destination,
                        boolean peerNamed, boolean obligation) {
    public WiringRow withCriuFd(int fd) { return new WiringRow(key, object, replacement, fd, destination, peerNamed, obligation); }

    public WiringRow withDestination(Destination d) { return new WiringRow(key, object, replacement, criuFd, d, peerNamed, obligation); }

    /** The {@code --inherit-fd} argument, e.g. {@code fd[10]:socket:[1234]}. */
    public String inheritArgument() { return "fd[" + criuFd + "]:" + key; }
}
