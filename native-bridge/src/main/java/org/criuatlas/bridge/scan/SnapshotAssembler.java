package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.scan.ProcessReader.HeldLock;
import org.criuatlas.bridge.scan.ProcessReader.ProcessRead;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.Holder;
import org.criuatlas.model.InetPeers;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.model.PacketSocket;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.UnixSocket;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Joins what the per-process reads found (fds) with what the kernel listed per namespace
 * (sockets, locks): holders by inode, inet peers by endpoints, pipes by their ends, locks by the
 * fdinfo lines of the fds that hold them. Pure: tested with fakes through {@link LiveScanner}.
 */
final class SnapshotAssembler {
    final List<ProcessInfo> processes = new ArrayList<>();
    final List<ScanProblem> problems;
    /** Every socket fd seen, by inode. */
    final Map<Long, List<Holder>> socketHolders = new HashMap<>();
    private final Map<Long, PipeEnds> pipes = new TreeMap<>();
    private final List<HeldLock> heldLocks = new ArrayList<>();
    int hidden;
    /** How many held socket inodes some dump described (when all were, no fd needs a second look). */
    int matched;

    SnapshotAssembler(List<ScanProblem> problems) {
        this.problems = problems;
    }

    private static final class PipeEnds {
        String fifoPath;
        final List<Holder> readers = new ArrayList<>(1);
        final List<Holder> writers = new ArrayList<>(1);
        final List<Holder> unknown = new ArrayList<>(0);
    }

    void addAll(ProcessRead[] reads) {
        for (ProcessRead r : reads) {
            if (r == null) continue;
            problems.addAll(r.problems());
            if (r.hiddenOtherUser()) hidden++;
            heldLocks.addAll(r.locks());
            ProcessInfo p = r.process();
            if (p == null) continue;
            processes.add(p);
            for (FdInfo f : p.fds()) {
                switch (f.kind()) {
                    case SOCKET -> socketHolders.computeIfAbsent(f.inode(), k -> new ArrayList<>(1)).add(new Holder(p.pid(), f.fd()));
                    case PIPE, FIFO -> {
                        Holder h = new Holder(p.pid(), f.fd());
                        PipeEnds e = pipes.computeIfAbsent(f.inode(), k -> new PipeEnds());
                        if (f.kind() == FdKind.FIFO) e.fifoPath = f.target();
                        if (f.mode().canRead()) e.readers.add(h);
                        if (f.mode().canWrite()) e.writers.add(h);
                        if (f.mode() == AccessMode.UNKNOWN) e.unknown.add(h);
                    }
                    default -> { }
                }
            }
        }
        if (hidden > 0) {
            problems.add(new ScanProblem(0, "processes of other users",
                    hidden + " not shown: no permission (run as root to see them and the owners of their sockets)",
                    ScanProblem.Kind.NO_PERMISSION));
        }
    }

    List<UnixSocket> unix(Collection<UnixSocket> dumped) {
        List<UnixSocket> out = new ArrayList<>(dumped.size());
        for (UnixSocket s : dumped) {
            List<Holder> h = socketHolders.get(s.ino());
            if (h != null) matched++;
            out.add(h == null ? s : s.withHolders(h));
        }
        return out;
    }

    List<InetSocket> inet(Collection<InetSocket> dumped) {
        List<InetSocket> out = new ArrayList<>(dumped.size());
        for (InetSocket s : dumped) {
            List<Holder> h = s.ino() == 0 ? null : socketHolders.get(s.ino());
            if (h != null) matched++;
            out.add(h == null ? s : s.withHolders(h));
        }
        return InetPeers.link(out);
    }

    List<NetlinkSocket> netlink(Collection<NetlinkSocket> dumped) {
        List<NetlinkSocket> out = new ArrayList<>(dumped.size());
        for (NetlinkSocket s : dumped) {
            List<Holder> h = socketHolders.get(s.ino());
            if (h != null) matched++;
            out.add(h == null ? s : s.withHolders(h));
        }
        return out;
    }

    List<PacketSocket> packet(Collection<PacketSocket> dumped) {
        List<PacketSocket> out = new ArrayList<>(dumped.size());
        for (PacketSocket s : dumped) {
            List<Holder> h = socketHolders.get(s.ino());
            if (h != null) matched++;
            out.add(h == null ? s : s.withHolders(h));
        }
        return out;
    }

    List<Pipe> pipes() {
        List<Pipe> out = new ArrayList<>(pipes.size());
        for (Map.Entry<Long, PipeEnds> e : pipes.entrySet()) {
            PipeEnds pe = e.getValue();
            if (!pe.unknown.isEmpty()) {
                String key = pe.fifoPath != null ? "fifo " + pe.fifoPath : ObjectKey.ofPipe(e.getKey()).text();
                problems.add(new ScanProblem(pe.unknown.get(0).pid(), key, "read/write end unknown for " + pe.unknown.size() + " fd(s)"));
            }
            out.add(new Pipe(e.getKey(), pe.fifoPath, pe.readers, pe.writers, -1));
        }
        return out;
    }

    /**
     * The locks of /proc/locks with their holders from fdinfo. A POSIX lock's fdinfo line carries
     * the owner's pid like /proc/locks; OFD locks show pid -1 in both, flock locks the taker's pid,
     * so a line matches when kind, access, file, range and pid agree. Locks fdinfo shows that
     * /proc/locks did not (taken between the two reads) are added with id 0.
     */
    List<FileLock> locks(List<FileLock> procLocks) {
        List<FileLock> out = new ArrayList<>(procLocks.size());
        boolean[] used = new boolean[heldLocks.size()];
        for (FileLock l : procLocks) {
            List<Holder> holders = new ArrayList<>(1);
            String path = null;
            if (!l.waiting()) {
                for (int i = 0; i < heldLocks.size(); i++) {
                    HeldLock h = heldLocks.get(i);
                    if (h.lock().sameLockAs(l) && h.lock().pid() == l.pid()) {
                        holders.add(h.holder());
                        if (path == null) path = h.path();
                        used[i] = true;
                    }
                }
            }
            out.add(holders.isEmpty() ? l : l.withHolders(holders, path));
        }
        Map<String, List<HeldLock>> extra = new TreeMap<>();
        for (int i = 0; i < heldLocks.size(); i++) {
            if (used[i]) continue;
            HeldLock h = heldLocks.get(i);
            FileLock l = h.lock();
            String k = l.kind() + " " + l.access() + " " + l.pid() + " " + l.deviceHex() + ":" + l.ino() + " " + l.start() + " " + l.end();
            extra.computeIfAbsent(k, x -> new ArrayList<>()).add(h);
        }
        for (List<HeldLock> hs : extra.values()) {
            FileLock l = hs.get(0).lock();
            List<Holder> holders = new ArrayList<>();
            for (HeldLock h : hs) holders.add(h.holder());
            out.add(new FileLock(0, l.kind(), l.access(), false, l.pid(), l.devMajor(), l.devMinor(), l.ino(), l.start(), l.end(),
                    hs.get(0).path(), holders));
        }
        return out;
    }

    /** Inodes of the files /proc/locks lists (whose fds get their fdinfo read). */
    static Set<Long> lockedInodes(List<FileLock> locks) {
        Set<Long> s = new HashSet<>(locks.size() * 2);
        for (FileLock l : locks) if (l.ino() != 0) s.add(l.ino());
        return s;
    }
}
