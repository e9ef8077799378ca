package org.criuatlas.model;

/** CRIU's spelling of object keys, the same text as the /proc/PID/fd link. */
public final class ObjectKeys {
    private ObjectKeys() {}

    public static String socket(long ino) { return "socket:[" + ino + "]"; }

    public static String pipe(long ino) { return "pipe:[" + ino + "]"; }

    /** The {@code --external} key for a unix socket: the inode of the end inside the dump. */
    public static String externalUnix(long ino) { return "unix[" + ino + "]"; }

    /** Our key for a SysV shared-memory segment (not a CRIU key: CRIU dumps the whole IPC namespace). */
    public static String sysvShm(long ipcNs, int shmid) { return "sysv-shm:[" + ipcNs + ":" + shmid + "]"; }
}
