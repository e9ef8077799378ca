package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.sockdiag.NetNamespaceSockets;
import org.criuatlas.bridge.sockdiag.SockDiagException;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.UnixSocket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A scripted kernel: sockets per net namespace, namespaces that refuse entry, SysV tables, /proc/locks. */
final class FakeKernel implements KernelObjects {
    /** The scanner's own namespaces in fake scans: every inode 1. */
    static final Namespaces OWN = new Namespaces(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);

    final Map<Long, NetNamespaceSockets.Result> sockets = new HashMap<>();
    /** Net namespaces whose entry fails with this errno. */
    final Map<Long, Integer> refuse = new HashMap<>();
    SockDiagException dumpFails;
    String locks = "";
    SysvText sysv = new SysvText(
            "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n",
            "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
            "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n");

    FakeKernel unix(long netNs, List<UnixSocket> unix) {
        return put(netNs, unix, List.of());
    }

    FakeKernel put(long netNs, List<UnixSocket> unix, List<InetSocket> inet) {
        sockets.put(netNs, new NetNamespaceSockets.Result(netNs, unix, inet, List.of(), List.of(), false, List.of()));
        return this;
    }

    @Override
    public String locks() { return locks; }

    @Override
    public NetNamespaceSockets.Result sockets(int pid, long netNs) throws NamespaceEntry.Refused {
        if (dumpFails != null) throw dumpFails;
        Integer errno = refuse.get(netNs);
        if (errno != null) throw new NamespaceEntry.Refused("setns(net namespace of pid " + pid + ")", errno);
        NetNamespaceSockets.Result r = sockets.get(netNs);
        return r != null ? r : new NetNamespaceSockets.Result(netNs, List.of(), List.of(), List.of(), List.of(), false, List.of());
    }

    @Override
    public SysvText sysvIpc(int pid) { return sysv; }

    @Override
    public void close() { }
}
