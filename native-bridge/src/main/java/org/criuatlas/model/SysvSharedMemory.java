package org.criuatlas.model;

import java.util.List;

/**
 * A System V shared-memory segment (/proc/sysvipc/shm of its IPC namespace).
 *
 * @param ipcNs       inode of the IPC namespace it lives in
 * @param key         its IPC key (0 = IPC_PRIVATE)
 * @param id          shmid
 * @param mode        permission bits (and SHM_DEST 01000 once removed while attached)
 * @param size        bytes
 * @param creatorPid  pid that created it
 * @param lastPid     pid of the last shmat/shmdt
 * @param attachCount attachments the kernel counts (nattch)
 * @param uid         owner uid
 * @param gid         owner gid
 * @param attachedPids processes that have it mapped (from /proc/PID/maps), ascending; may be fewer
 *                    than {@code attachCount} when some attachers were not visible
 */
public record SysvSharedMemory(long ipcNs, int key, int id, int mode, long size, int creatorPid, int lastPid,
                               int attachCount, int uid, int gid, List<Integer> attachedPids) {
    public SysvSharedMemory {
        attachedPids = attachedPids == null ? List.of() : attachedPids.stream().sorted().distinct().toList();
    }

    public SysvSharedMemory withAttached(List<Integer> pids) {
        return new SysvSharedMemory(ipcNs, key, id, mode, size, creatorPid, lastPid, attachCount, uid, gid, pids);
    }

    /** Marked for removal (IPC_RMID) but still attached. */
    public boolean removed() { return (mode & 01000) != 0; }

    /** The graph key of this segment (our own key, not a CRIU one: CRIU dumps the whole IPC namespace). */
    public String objectKey() { return "sysv-shm:[" + ipcNs + ":" + id + "]"; }
}
