package org.criuatlas.model;

/**
 * A System V semaphore set (/proc/sysvipc/sem of its IPC namespace).
 *
 * @param ipcNs inode of the IPC namespace it lives in
 * @param key   its IPC key (0 = IPC_PRIVATE)
 * @param id    semid
 * @param mode  permission bits
 * @param count semaphores in the set
 * @param uid   owner uid
 * @param gid   owner gid
 */
public record SysvSemaphoreSet(long ipcNs, int key, int id, int mode, int count, int uid, int gid) {}
