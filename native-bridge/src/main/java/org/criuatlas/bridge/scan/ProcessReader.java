package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.proc.Cmdline;
import org.criuatlas.bridge.proc.FdInfoFields;
import org.criuatlas.bridge.proc.FdLink;
import org.criuatlas.bridge.proc.MapsFiles;
import org.criuatlas.bridge.proc.MapsSysv;
import org.criuatlas.bridge.proc.ProcFormatException;
import org.criuatlas.bridge.proc.ProcStat;
import org.criuatlas.bridge.proc.ProcStatus;
import org.criuatlas.bridge.sockdiag.ErrnoNames;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.DeletedMapping;
import org.criuatlas.model.FdDetail;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.Holder;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SeccompMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one process from /proc: stat, status, cmdline, its namespaces, cwd and every fd. Reads
 * fdinfo only where the fd link and statx cannot tell: pipes and FIFOs (which end), pty masters
 * (which pty) and files that /proc/locks says are locked (which fd holds the lock).
 * Never throws for what it cannot see: that becomes a {@link ScanProblem}.
 */
final class ProcessReader {
    private static final NamespaceKind[] NS = NamespaceKind.values();
    private static final String[] NS_LINKS = new String[NS.length];

    static {
        for (int i = 0; i < NS.length; i++) NS_LINKS[i] = "ns/" + NS[i].linkName;
    }

    /** A lock line of an fd's fdinfo: the lock and the fd that holds it. */
    record HeldLock(Holder holder, String path, FileLock lock) {}

    /** What reading one process gave: the process (null when gone or hidden) and its problems. */
    /** {@code shmids}: the SysV segments its maps shows attached, from the same read as its deleted mappings (null: not read). */
    record ProcessRead(int pid, ProcessInfo process, List<ScanProblem> problems, boolean hiddenOtherUser,
                       List<HeldLock> locks, List<Integer> shmids) {
        ProcessRead(int pid, ProcessInfo process, List<ScanProblem> problems, boolean hiddenOtherUser, List<HeldLock> locks) {
            this(pid, process, problems, hiddenOtherUser, locks, null);
        }
    }

    private final boolean privileged;
    private final int euid;

    ProcessReader(boolean privileged, int euid) {
        this.privileged = privileged;
        this.euid = euid;
    }

    /**
     * @param withFds      false: only stat (enough to find a subtree)
     * @param lockedInodes inodes of files /proc/locks lists: their fds get their fdinfo read
     */
    ProcessRead read(ProcFs f, int pid, boolean withFds, Set<Long> lockedInodes) {
        List<ScanProblem> problems = new ArrayList<>(0);
        ProcFs.Dir d;
        try {
            d = f.open(pid);
        } catch (ProcError e) {
            return gone(pid, e, "process");
        }
        try (d) {
            ProcStat st;
            try {
                byte[] b = d.read("stat");
                st = ProcStat.parse(b, b.length);
            } catch (ProcError e) {
                return gone(pid, e, "stat");
            } catch (ProcFormatException e) {
                return new ProcessRead(pid, null, List.of(new ScanProblem(pid, "stat", e.getMessage(), ScanProblem.Kind.MALFORMED)),
                        false, List.of());
            }
            if (!withFds) {
                return new ProcessRead(pid, new ProcessInfo(pid, st.ppid(), st.comm(), List.of(), -1, st.state(),
                        st.pgid(), st.sid(), st.ttyNr(), 0, List.of(), false), List.of(), false, List.of());
            }
            if (st.kernelThread()) {
                // no files, no command line, root, untraced, unfiltered: what stat says is all there is
                // (a desktop has a few hundred of them; reading the rest would double their cost)
                return new ProcessRead(pid, new ProcessInfo(pid, st.ppid(), st.comm(), List.of(), 0, st.state(), st.pgid(),
                        st.sid(), st.ttyNr(), 0, List.of(), true, st.tpgid(), 0, st.threads(), SeccompMode.DISABLED,
                        Namespaces.UNKNOWN, ""), List.of(), false, List.of());
            }
            ProcStatus status = new ProcStatus(-1, -1, st.threads(), SeccompMode.UNKNOWN);
            try {
                byte[] b = d.read("status");
                status = ProcStatus.parse(b, b.length);
            } catch (ProcError | ProcFormatException e) {
                if (e instanceof ProcError pe && pe.vanished()) return gone(pid, pe, "status", st.ppid());
                problems.add(problem(pid, "status", e));
            }
            int uid = status.uid();
            List<String> cmdline = List.of();
            try {
                byte[] b = d.read("cmdline");
                cmdline = Cmdline.parse(b, b.length);
            } catch (ProcError e) {
                if (e.vanished()) return gone(pid, e, "cmdline", st.ppid());
                problems.add(problem(pid, "cmdline", e));
            }
            long[] ns = new long[NS.length];
            for (int i = 0; i < NS.length; i++) {
                try {
                    ns[i] = d.namespaceInode(NS_LINKS[i]);
                } catch (ProcError e) {
                    // ENOENT: a zombie (it has no namespaces left) or a namespace type this kernel does
                    // not have; EACCES: another user's process
                    if (!e.denied() && !e.vanished()) problems.add(problem(pid, NS_LINKS[i], e));
                }
            }
            Namespaces namespaces = Namespaces.fromArray(ns);
            String cwd = "";
            try {
                cwd = d.readlink("cwd");
            } catch (ProcError e) {
                // ENOENT: a zombie has no cwd; whether the process is gone, fd/ tells next
                if (!e.denied() && !e.vanished()) problems.add(problem(pid, "cwd", e));
            }
            int[] fdNumbers;
            try {
                fdNumbers = d.fds();
            } catch (ProcError e) {
                if (e.vanished()) return gone(pid, e, "fds", st.ppid());
                if (e.denied() && !privileged && uid != euid) return new ProcessRead(pid, null, List.of(), true, List.of());
                problems.add(problem(pid, "fds", e));
                return new ProcessRead(pid, process(pid, st, cmdline, status, namespaces, cwd, List.of(), false), problems,
                        false, List.of());
            }
            List<FdInfo> fds = new ArrayList<>(fdNumbers.length);
            List<HeldLock> locks = new ArrayList<>(0);
            boolean readable = true;
            for (int n : fdNumbers) {
                FdInfo fi;
                try {
                    fi = readFd(d, pid, n, problems, lockedInodes, locks);
                } catch (ProcError e) {
                    // the fd table is listed but its links are refused (a process we may not ptrace)
                    problems.add(problem(pid, "fds", e));
                    fds.clear();
                    locks.clear();
                    readable = false;
                    break;
                }
                if (fi != null) fds.add(fi);
            }
            MapsFiles.Unnamed maps = readable ? readMaps(d, pid, problems) : null;
            List<DeletedMapping> deleted = maps == null ? List.of() : deletedMappings(d, maps.deleted());
            return new ProcessRead(pid, process(pid, st, cmdline, status, namespaces, cwd, fds, readable, deleted), problems, false, locks,
                    maps == null ? null : maps.shmids());
        }
    }

    private static ProcessInfo process(int pid, ProcStat st, List<String> cmdline, ProcStatus status, Namespaces ns,
                                       String cwd, List<FdInfo> fds, boolean readable) {
        return process(pid, st, cmdline, status, ns, cwd, fds, readable, List.of());
    }

    private static ProcessInfo process(int pid, ProcStat st, List<String> cmdline, ProcStatus status, Namespaces ns,
                                       String cwd, List<FdInfo> fds, boolean readable, List<DeletedMapping> deleted) {
        return new ProcessInfo(pid, st.ppid(), st.comm(), cmdline, status.uid(), st.state(), st.pgid(), st.sid(),
                st.ttyNr(), ns.net(), fds, readable, st.tpgid(), status.tracerPid(),
                status.threads() > 0 ? status.threads() : st.threads(), status.seccomp(), ns, cwd, deleted);
    }

    /**
     * The files this process maps whose name is gone (maps; their size and links through map_files,
     * which needs privilege: -1 without). A process gone meanwhile has none; a kernel thread maps nothing.
     */
    private static List<DeletedMapping> deletedMappings(ProcFs.Dir d, List<MapsFiles.Deleted> found) {
        if (found.isEmpty()) return List.of();
        List<DeletedMapping> out = new ArrayList<>(found.size());
        for (MapsFiles.Deleted m : found) {
            long size = -1;
            int nlink = -1;
            try {
                ProcFs.FileStat s = d.stat("map_files/" + m.range());
                size = s.size();
                nlink = s.nlink();
            } catch (ProcError e) {
                // EPERM without CAP_SYS_ADMIN, ENOENT when it was unmapped meanwhile: unknown
            }
            out.add(new DeletedMapping(m.path(), m.ino(), size, nlink));
        }
        return out;
    }

    /** One fd; throws only when its link is refused, which means the whole fd table is. */
    private static FdInfo readFd(ProcFs.Dir d, int pid, int n, List<ScanProblem> problems, Set<Long> lockedInodes,
                                 List<HeldLock> locks) throws ProcError {
        String target;
        try {
            target = d.fdLink(n);
        } catch (ProcError e) {
            if (e.vanished()) {
                problems.add(closed(pid, n));
                return null;
            }
            if (e.denied()) throw e;
            problems.add(problem(pid, "fd " + n, e));
            return new FdInfo(n, FdKind.UNKNOWN, "", 0, AccessMode.UNKNOWN, -1);
        }
        FdLink link;
        try {
            link = FdLink.parse(target);
        } catch (ProcFormatException e) {
            problems.add(new ScanProblem(pid, "fd " + n, e.getMessage(), ScanProblem.Kind.MALFORMED));
            return new FdInfo(n, FdKind.OTHER, target, 0, AccessMode.UNKNOWN, -1);
        }
        FdKind kind = link.kind();
        long ino = link.inode();
        FdDetail detail = null;
        ProcFs.FileStat st = null;
        if (kind == FdKind.ANON_INODE) {
            FdDetail.AnonInode a = FdLink.anonInode(target);
            detail = a;
            if (a != null && a.kind() == org.criuatlas.model.AnonInodeKind.PIDFD) {
                // CRIU refuses a pidfd of a process outside the dump: the target is in fdinfo's Pid: line
                try {
                    byte[] b = d.fdinfo(n);
                    detail = new FdDetail.AnonInode(a.kind(), a.name(), FdInfoFields.pidfdPid(b, b.length));
                } catch (ProcError e) {
                    if (e.vanished()) {
                        problems.add(closed(pid, n));
                        return null;
                    }
                    problems.add(problem(pid, "fdinfo " + n, e));
                }
            }
        } else if (link.needsStat()) {
            try {
                st = d.fdStat(n);
                kind = FdLink.kindOfMode(st.mode());
                if (kind == FdKind.FIFO) ino = st.ino();
            } catch (ProcError e) {
                if (e.vanished()) {
                    problems.add(closed(pid, n));
                    return null;
                }
                // a path we may not stat (e.g. another user's file): still show the path
            }
            detail = st == null
                    ? new FdDetail.File(-1, -1, 0, -1, FdLink.deleted(target), FdLink.flavor(target))
                    : new FdDetail.File(st.devMajor(), st.devMinor(), st.ino(), st.mntId(),
                            FdLink.deleted(target) && !target.startsWith("/memfd:"), FdLink.flavor(target), st.nlink(), st.size());
        }
        boolean ptmx = kind == FdKind.TTY && (target.equals("/dev/ptmx") || target.equals("/dev/pts/ptmx"));
        boolean locked = st != null && !lockedInodes.isEmpty() && lockedInodes.contains(st.ino());
        long flags = -1;
        if (kind == FdKind.PIPE || kind == FdKind.FIFO || ptmx || locked) {
            try {
                byte[] b = d.fdinfo(n);
                FdInfoFields fi = FdInfoFields.parse(b, b.length);
                flags = fi.flags();
                if (ptmx) detail = FdLink.terminal(target, fi.ttyIndex());
                for (FileLock l : fi.locks()) locks.add(new HeldLock(new Holder(pid, n), target, l));
            } catch (ProcError e) {
                if (e.vanished()) {
                    problems.add(closed(pid, n));
                    return null;
                }
                problems.add(problem(pid, "fdinfo " + n, e));
            } catch (ProcFormatException e) {
                problems.add(new ScanProblem(pid, "fdinfo " + n, e.getMessage(), ScanProblem.Kind.MALFORMED));
            }
        }
        if (kind == FdKind.TTY && detail == null) detail = FdLink.terminal(target, -1);
        return new FdInfo(n, kind, target, ino, AccessMode.fromFlags(flags), flags, detail);
    }

    /** One read of maps: its deleted files and SysV attachments; null when it cannot be read (gone, refused, malformed). */
    private static MapsFiles.Unnamed readMaps(ProcFs.Dir d, int pid, List<ScanProblem> problems) {
        try {
            byte[] b = d.read("maps");
            return MapsFiles.deletedAndShm(b, b.length);
        } catch (ProcError e) {
            if (!e.vanished() && !e.denied()) problems.add(problem(pid, "maps", e));
            return null;
        } catch (ProcFormatException e) {
            problems.add(new ScanProblem(pid, "maps", e.getMessage(), ScanProblem.Kind.MALFORMED));
            return null;
        }
    }

    /** The shmids of this process's SysV shared-memory mappings (from maps); null when it exited. */
    List<Integer> shmAttachments(ProcFs f, int pid, List<ScanProblem> problems) {
        try (ProcFs.Dir d = f.open(pid)) {
            byte[] b = d.read("maps");
            return MapsSysv.shmids(b, b.length);
        } catch (ProcError e) {
            if (!e.vanished()) problems.add(problem(pid, "maps", e));
            return null;
        } catch (ProcFormatException e) {
            problems.add(new ScanProblem(pid, "maps", e.getMessage(), ScanProblem.Kind.MALFORMED));
            return null;
        }
    }

    static ScanProblem closed(int pid, int fd) {
        return new ScanProblem(pid, "fd " + fd, "closed during the scan", ScanProblem.Kind.VANISHED);
    }

    static ProcessRead gone(int pid, ProcError e, String what) {
        return gone(pid, e, what, 0);
    }

    /** As {@link #gone(int, ProcError, String)} once its stat was read: a vanished process names its parent. */
    static ProcessRead gone(int pid, ProcError e, String what, int ppid) {
        ScanProblem p = e.vanished() ? ScanProblem.exited(pid, ppid) : problem(pid, what, e);
        return new ProcessRead(pid, null, List.of(p), false, List.of());
    }

    static ScanProblem problem(int pid, String what, Exception e) {
        if (e instanceof ProcError pe) {
            if (pe.denied()) return new ScanProblem(pid, what, "no permission (" + ErrnoNames.describe(pe.errno) + ")",
                    ScanProblem.Kind.NO_PERMISSION);
            if (pe.vanished()) return new ScanProblem(pid, what, "gone during the scan", ScanProblem.Kind.VANISHED);
            return new ScanProblem(pid, what, pe.syscall + " failed: " + ErrnoNames.describe(pe.errno), ScanProblem.Kind.OTHER);
        }
        return new ScanProblem(pid, what, e.getMessage(), ScanProblem.Kind.MALFORMED);
    }
}
