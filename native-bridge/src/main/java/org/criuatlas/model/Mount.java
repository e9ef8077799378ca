package org.criuatlas.model;

import java.util.List;

/**
 * One line of /proc/PID/mountinfo.
 *
 * @param id         mount id (what fdinfo's {@code mnt_id:} and statx's mount id refer to)
 * @param parentId   id of the parent mount (itself for the root of the tree)
 * @param devMajor   device major of the file system
 * @param devMinor   device minor
 * @param root       the directory of the file system mounted here ("/" unless it is a bind mount of a subtree)
 * @param mountPoint where it is mounted, relative to the reading process's root
 * @param options    per-mount options (rw, nosuid, ...)
 * @param tags       optional fields ({@code shared:N}, {@code master:N}, {@code propagate_from:N}, {@code unbindable})
 * @param fsType     file system type (ext4, tmpfs, proc, ...)
 * @param source     mount source (a device, "tmpfs", "none", ...)
 */
public record Mount(int id, int parentId, int devMajor, int devMinor, String root, String mountPoint, String options,
                    List<String> tags, String fsType, String source) {
    public Mount {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** Mounts only a part of its file system: a bind mount of a directory (or a file). */
    public boolean isBindOfSubtree() { return !root.equals("/"); }
}
