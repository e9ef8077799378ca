package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.proc.ProcFormatException;
import org.criuatlas.bridge.proc.ProcNetInet;
import org.criuatlas.bridge.sockdiag.DiagSocket;
import org.criuatlas.bridge.sockdiag.NetNamespaceSockets;
import org.criuatlas.bridge.sockdiag.SockDiagException;
import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The live kernel: sock_diag, /proc/PID/net, /proc/sysvipc and /proc/locks; used from one thread. */
final class NativeKernelObjects implements KernelObjects {
    private final NativeProcFs fs = new NativeProcFs();

    @Override
    public String locks() throws ProcError {
        return new String(fs.readProc("locks"), StandardCharsets.UTF_8);
    }

    @Override
    public NetNamespaceSockets.Result sockets(int pid, long netNs) throws NamespaceEntry.Refused {
        NetNamespaceSockets.Result r;
        if (pid == 0) {
            try (DiagSocket s = DiagSocket.open()) {
                r = NetNamespaceSockets.dump(s, netNs);
            }
        } else {
            DiagSocket s;
            try {
                s = NamespaceEntry.runIn(pid, NamespaceEntry.Kind.NET, DiagSocket::open);
            } catch (NamespaceEntry.Refused | SockDiagException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("entering the net namespace of pid " + pid, e);
            }
            try (s) {
                r = NetNamespaceSockets.dump(s, netNs);
            }
        }
        return withRawAndPing(r, pid == 0 ? "thread-self" : Integer.toString(pid), netNs);
    }

    /** sock_diag has no handler for ping sockets, and raw_diag is an optional module: read their /proc/net tables. */
    private NetNamespaceSockets.Result withRawAndPing(NetNamespaceSockets.Result r, String proc, long netNs) {
        List<InetSocket> inet = new ArrayList<>(r.inet());
        List<NetNamespaceSockets.Failure> failures = new ArrayList<>();
        for (NetNamespaceSockets.Failure f : r.failures()) {
            boolean rawCovered = f.unsupported() && f.what().startsWith("raw/");
            if (!rawCovered) failures.add(f);
        }
        for (InetFamily fam : InetFamily.values()) {
            String v6 = fam == InetFamily.IPV6 ? "6" : "";
            if (r.rawUnsupported(fam)) readTable(proc + "/net/raw" + v6, InetProtocol.RAW, fam, netNs, inet, failures);
            readTable(proc + "/net/icmp" + v6, InetProtocol.PING, fam, netNs, inet, failures);
        }
        return new NetNamespaceSockets.Result(netNs, r.unix(), inet, r.netlink(), r.packet(), r.interrupted(), failures);
    }

    private void readTable(String name, InetProtocol p, InetFamily fam, long netNs, List<InetSocket> into,
                           List<NetNamespaceSockets.Failure> failures) {
        String what = p.label() + "/" + fam.label();
        try {
            String text = new String(fs.readProc(name), StandardCharsets.UTF_8);
            into.addAll(ProcNetInet.parse(text, p, fam, netNs, ByteOrder.nativeOrder()));
        } catch (ProcError e) {
            // no IPv6, or the process exited: say so, as for a failed dump
            failures.add(new NetNamespaceSockets.Failure(what, new SockDiagException("read(/proc/" + name + ")", e.errno)));
        } catch (ProcFormatException e) {
            failures.add(new NetNamespaceSockets.Failure(what, new SockDiagException("read(/proc/" + name + ")", e.getMessage())));
        }
    }

    @Override
    public SysvText sysvIpc(int pid) throws NamespaceEntry.Refused, ProcError {
        if (pid == 0) return readSysv(fs);
        try {
            // /proc/sysvipc answers for the IPC namespace of the thread that opens it: read it in there
            return NamespaceEntry.runIn(pid, NamespaceEntry.Kind.IPC, () -> {
                try (NativeProcFs there = new NativeProcFs()) {
                    return readSysv(there);
                }
            });
        } catch (NamespaceEntry.Refused | ProcError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("entering the IPC namespace of pid " + pid, e);
        }
    }

    private static SysvText readSysv(NativeProcFs f) throws ProcError {
        return new SysvText(text(f, "sysvipc/shm"), text(f, "sysvipc/sem"), text(f, "sysvipc/msg"));
    }

    private static String text(NativeProcFs f, String name) throws ProcError {
        return new String(f.readProc(name), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        fs.close();
    }
}
