package org.criuatlas.model;

import java.util.List;

/**
 * The mounts of one mount namespace, read from the mountinfo of one process in it.
 *
 * @param mntNs    inode of the mount namespace
 * @param readFrom the pid whose /proc/PID/mountinfo was read
 * @param mounts   in the order the kernel lists them
 */
public record MountTable(long mntNs, int readFrom, List<Mount> mounts) {
    public MountTable {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    public Mount byId(int id) {
        for (Mount m : mounts) if (m.id() == id) return m;
        return null;
    }
}
