package org.criuatlas.model;

/**
 * A System V message queue (/proc/sysvipc/msg of its IPC namespace).
 *
 * @param ipcNs        inode of the IPC namespace it lives in
 * @param key          its IPC key (0 = IPC_PRIVATE)
 * @param id           msqid
 * @param mode         permission bits
 * @param bytes        bytes queued
 * @param messages     messages queued
 * @param lastSendPid  pid of the last msgsnd
 * @param lastRecvPid  pid of the last msgrcv
 * @param uid          owner uid
 * @param gid          owner gid
 */
public record SysvMessageQueue(long ipcNs, int key, int id, int mode, long bytes, long messages, int lastSendPid,
                               int lastRecvPid, int uid, int gid) {}
