package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.sockdiag.NetNamespaceSockets;

/**
 * What a scan asks the kernel beyond each process's /proc directory: sockets per net namespace,
 * SysV IPC per IPC namespace, /proc/locks. An interface so tests can script refusals.
 */
interface KernelObjects extends AutoCloseable {
    /** The text of /proc/locks. */
    String locks() throws ProcError;

    /**
     * Every socket of the net namespace of {@code pid} (0: the scanner's own), raw and ping
     * sockets included (from /proc/PID/net where sock_diag cannot).
     *
     * @param netNs the namespace's inode, recorded on each socket
     * @throws NamespaceEntry.Refused when that namespace cannot be entered
     */
    NetNamespaceSockets.Result sockets(int pid, long netNs) throws NamespaceEntry.Refused;

    /** The three /proc/sysvipc tables of the IPC namespace of {@code pid} (0: the scanner's own). */
    SysvText sysvIpc(int pid) throws NamespaceEntry.Refused, ProcError;

    record SysvText(String shm, String sem, String msg) {}

    @Override
    void close();
}
