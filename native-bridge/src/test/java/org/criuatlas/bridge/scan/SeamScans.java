package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.sockdiag.NetNamespaceSockets;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.testing.TestProcs;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Live scans of the real /proc and kernel with one failure put in through the scanner's seams, for
 * tests in other modules (the planner's, the window's) that need the snapshot a bad moment gives:
 * <ul>
 *   <li>{@link #refusingFds}: the fd links of one process answer EACCES (what a process we may not
 *       ptrace gives a scanner without root);</li>
 *   <li>{@link #killingAfterStat}: one process is killed and reaped right after its stat was read
 *       (a process that exits in the middle of the scan, for real);</li>
 *   <li>{@link #refusingNetNamespace}: entering one net namespace fails with the given errno, as
 *       setns(2) does without CAP_SYS_ADMIN (the process and its namespace are real; only the
 *       refusal is put in, since a root scanner is always allowed in).</li>
 * </ul>
 * Everything else is read from the real system.
 */
public final class SeamScans {
    private SeamScans() {}

    public static final int EACCES = ProcSyscalls.EACCES, EPERM = ProcSyscalls.EPERM;

    private static IpcGraph scan(Supplier<ProcFs> fs, KernelObjects kernel) {
        try (LiveScanner s = new LiveScanner(fs, kernel, ProcSyscalls.geteuid(), 1, LiveScanner.ownNamespaces())) {
            return s.scan();
        }
    }

    /** The fd links of {@code victim} answer EACCES. */
    public static IpcGraph refusingFds(int victim) {
        return scan(() -> new Wrapped(victim) {
            @Override
            public String fdLink(Dir d, int fd) throws ProcError {
                throw new ProcError("readlink(/proc/" + victim + "/fd/" + fd + ")", ProcSyscalls.EACCES);
            }
        }, new NativeKernelObjects());
    }

    /** {@code victim} is killed (SIGKILL) and reaped by its parent right after its stat was read. */
    public static IpcGraph killingAfterStat(int victim) {
        return scan(() -> new Wrapped(victim) {
            @Override
            public byte[] read(Dir d, String name) throws ProcError {
                byte[] b = d.read(name);
                if (name.equals("stat")) {
                    LibC.kill(victim, LibC.SIGKILL);
                    // an Error, so no per-process catch in the scanner can turn a victim that was not reaped into a scan problem
                    if (!TestProcs.waitGone(victim, Duration.ofSeconds(10))) throw new AssertionError("the victim " + victim + " was not reaped");
                }
                return b;
            }
        }, new NativeKernelObjects());
    }

    /** Entering the net namespace {@code netNs} fails with {@code errno}. */
    public static IpcGraph refusingNetNamespace(long netNs, int errno) {
        NativeKernelObjects real = new NativeKernelObjects();
        KernelObjects k = new KernelObjects() {
            @Override public String locks() throws ProcError { return real.locks(); }

            @Override
            public NetNamespaceSockets.Result sockets(int pid, long ns) throws NamespaceEntry.Refused {
                if (ns == netNs && pid != 0) throw new NamespaceEntry.Refused("setns(net of pid " + pid + ")", errno);
                return real.sockets(pid, ns);
            }

            @Override public SysvText sysvIpc(int pid) throws NamespaceEntry.Refused, ProcError { return real.sysvIpc(pid); }

            @Override public void close() { real.close(); }
        };
        return scan(NativeProcFs::new, k);
    }

    /** The real /proc, with the directory of one process answering through {@link #read} and {@link #fdLink}. */
    private abstract static class Wrapped implements ProcFs {
        final NativeProcFs real = new NativeProcFs();
        final int victim;

        Wrapped(int victim) { this.victim = victim; }

        byte[] read(Dir d, String name) throws ProcError { return d.read(name); }

        String fdLink(Dir d, int fd) throws ProcError { return d.fdLink(fd); }

        @Override public int[] pids() throws ProcError { return real.pids(); }

        @Override public byte[] readProc(String name) throws ProcError { return real.readProc(name); }

        @Override
        public Dir open(int pid) throws ProcError {
            Dir d = real.open(pid);
            if (pid != victim) return d;
            return new Dir() {
                @Override public byte[] read(String name) throws ProcError { return Wrapped.this.read(d, name); }
                @Override public String readlink(String name) throws ProcError { return d.readlink(name); }
                @Override public int[] fds() throws ProcError { return d.fds(); }
                @Override public String fdLink(int fd) throws ProcError { return Wrapped.this.fdLink(d, fd); }
                @Override public FileStat fdStat(int fd) throws ProcError { return d.fdStat(fd); }
                @Override public byte[] fdinfo(int fd) throws ProcError { return d.fdinfo(fd); }
                @Override public String socketProtocol(int fd) throws ProcError { return d.socketProtocol(fd); }
                @Override public void close() { d.close(); }
            };
        }

        @Override public void close() { real.close(); }
    }
}
