package org.criuatlas.bridge.proc;

import org.criuatlas.model.AnonInodeKind;
import org.criuatlas.model.FdDetail;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.FileLock.LockAccess;
import org.criuatlas.model.FileLock.LockKind;
import org.criuatlas.model.InetFamily;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;
import org.criuatlas.model.Mount;
import org.criuatlas.model.SeccompMode;
import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The /proc parsers on text the kernel (6.18, x86_64) wrote, captured into src/test/resources/proc:
 * <ul>
 *   <li>locks.txt: a python process holding a read lease, an OFD write lock from byte 100 to EOF, a
 *       shared flock and a POSIX write lock on bytes 5-14 that its child waits for (bytes 7-7),
 *       next to the locks other processes held then; fdinfo-lock-*.txt: the fdinfo of those four fds;</li>
 *   <li>sysvipc-*.txt and maps-sysv.txt: a process in a fresh IPC namespace with segment 0x1234abcd
 *       (8 KiB, attached twice, once read-only), a private segment removed while attached, a set of 3
 *       semaphores and a message queue holding one 11-byte message;</li>
 *   <li>mountinfo.txt: a mount namespace with a bind mount of "/tmp/scratch/fx/src dir/sub" and a
 *       tmpfs over it; mountinfo-shared.txt: a shared mount;</li>
 *   <li>net-raw.txt, net-raw6.txt, net-icmp.txt: an ICMP raw socket, an ICMPv6 raw socket and a ping
 *       socket bound to 127.0.0.1 in a fresh net namespace;</li>
 *   <li>fdinfo-*.txt: an eventfd (count 3), an epoll watching it, an inotify watch, a timerfd, a pty
 *       master and both ends of a pipe.</li>
 * </ul>
 */
class ProcFixturesTest {
    static String fixture(String name) throws Exception {
        try (InputStream in = ProcFixturesTest.class.getResourceAsStream("/proc/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void procLocksEveryKindAndAWaiter() throws Exception {
        List<FileLock> locks = ProcLocks.parse(fixture("locks.txt"));
        assertEquals(11, locks.size());
        assertEquals(new FileLock(4, LockKind.LEASE, LockAccess.READ, false, 23483, 0xfe, 0, 2154567, 0, -1, null, List.of()),
                locks.get(3));
        assertEquals(new FileLock(5, LockKind.OFD, LockAccess.WRITE, false, -1, 0xfe, 0, 2154566, 100, -1, null, List.of()),
                locks.get(4));
        assertEquals(new FileLock(6, LockKind.FLOCK, LockAccess.READ, false, 23483, 0xfe, 0, 2154565, 0, -1, null, List.of()),
                locks.get(5));
        assertEquals(new FileLock(7, LockKind.POSIX, LockAccess.WRITE, false, 23483, 0xfe, 0, 2154564, 5, 14, null, List.of()),
                locks.get(6));
        FileLock waiter = locks.get(7);
        assertTrue(waiter.waiting());
        assertEquals(7, waiter.id(), "a waiter carries the id of the lock it waits for");
        assertEquals(23578, waiter.pid());
        assertEquals(7, waiter.start());
        assertEquals(7, waiter.end());
        // a lock on a file of device 00:27 (a tmpfs)
        assertEquals(0x27, locks.get(1).devMinor());
        assertEquals("fe:00", locks.get(0).deviceHex());
    }

    @Test
    void badLockLinesAreTypedErrorsNamingTheLine() {
        ProcFormatException e = assertThrows(ProcFormatException.class, () -> ProcLocks.parse("1: POSIX ADVISORY WRITE 1 fe:00:5 0 EOF\n2: nonsense\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(ProcFormatException.class, () -> ProcLocks.parseLine("1: POSIX ADVISORY WRITE x fe:00:5 0 EOF"));
        assertThrows(ProcFormatException.class, () -> ProcLocks.parseLine("1: POSIX ADVISORY WRITE 1 fe00 0 EOF"));
        FileLock none = ProcLocks.parseLine("1: POSIX  ADVISORY  WRITE 77 <none>:0 0 EOF");
        assertEquals(0, none.ino());
        assertEquals(-1, none.devMajor());
    }

    @Test
    void fdinfoLockLinesNameTheSameLocks() throws Exception {
        List<FileLock> all = ProcLocks.parse(fixture("locks.txt"));
        FdInfoFields posix = FdInfoFields.parse(fixture("fdinfo-lock-posix.txt"));
        assertEquals(1, posix.locks().size());
        assertTrue(posix.locks().get(0).sameLockAs(all.get(6)));
        assertEquals(all.get(6).pid(), posix.locks().get(0).pid());
        FdInfoFields ofd = FdInfoFields.parse(fixture("fdinfo-lock-ofd.txt"));
        assertEquals(-1, ofd.locks().get(0).pid(), "OFD locks show no pid in fdinfo either");
        assertTrue(ofd.locks().get(0).sameLockAs(all.get(4)));
        assertEquals(2154566, ofd.ino());
        assertEquals(26, ofd.mntId());
        assertTrue(FdInfoFields.parse(fixture("fdinfo-lock-flock.txt")).locks().get(0).sameLockAs(all.get(5)));
        assertEquals(LockKind.LEASE, FdInfoFields.parse(fixture("fdinfo-lock-lease.txt")).locks().get(0).kind());
    }

    @Test
    void fdinfoOfOtherKinds() throws Exception {
        FdInfoFields ptmx = FdInfoFields.parse(fixture("fdinfo-ptmx.txt"));
        assertTrue(ptmx.ttyIndex() >= 0);
        assertEquals(List.of(), ptmx.locks());
        for (String k : List.of("eventfd", "epoll", "inotify", "timerfd")) {
            FdInfoFields f = FdInfoFields.parse(fixture("fdinfo-" + k + ".txt"));
            assertEquals(-1, f.ttyIndex(), k);
            assertTrue(f.ino() > 0, k);
        }
        assertEquals(org.criuatlas.model.AccessMode.READ, FdInfoFields.parse(fixture("fdinfo-pipe-read.txt")).mode());
        assertEquals(org.criuatlas.model.AccessMode.WRITE, FdInfoFields.parse(fixture("fdinfo-pipe-write.txt")).mode());
    }

    @Test
    void sysvTables() throws Exception {
        List<SysvSharedMemory> shm = SysvIpcTables.parseShm(fixture("sysvipc-shm.txt"), 42);
        assertEquals(2, shm.size());
        SysvSharedMemory named = shm.get(0);
        assertEquals(new SysvSharedMemory(42, 0x1234abcd, 0, 0640, 8192, 23722, 23722, 2, 0, 0, List.of()), named);
        assertFalse(named.removed());
        assertTrue(shm.get(1).removed(), "IPC_RMID while attached sets SHM_DEST");
        assertEquals(0, shm.get(1).key());
        List<SysvSemaphoreSet> sem = SysvIpcTables.parseSem(fixture("sysvipc-sem.txt"), 42);
        assertEquals(List.of(new SysvSemaphoreSet(42, 0x5151, 0, 0600, 3, 0, 0)), sem);
        List<SysvMessageQueue> msg = SysvIpcTables.parseMsg(fixture("sysvipc-msg.txt"), 42);
        assertEquals(List.of(new SysvMessageQueue(42, 0x6161, 0, 0600, 11, 1, 23722, 0, 0, 0)), msg);
        assertThrows(ProcFormatException.class, () -> SysvIpcTables.parseShm("", 1));
        assertThrows(ProcFormatException.class, () -> SysvIpcTables.parseShm("key shmid\n1 2\n", 1), "a header without perms");
        assertEquals(List.of(), SysvIpcTables.parseSem(fixture("sysvipc-sem.txt").lines().findFirst().orElseThrow(), 1));
    }

    @Test
    void sysvAttachmentsInMaps() throws Exception {
        // segment 1 (private) once, segment 0 twice (attached twice): what nattch counts
        assertEquals(List.of(1, 0, 0), MapsSysv.shmids(fixture("maps-sysv.txt")));
        assertEquals(List.of(), MapsSysv.shmids("559235cbc000-559235cbd000 r--p 00000000 fe:00 26723 /usr/bin/python3\n"));
    }

    @Test
    void mountinfoWithABindMountOfASubtree() throws Exception {
        List<Mount> mounts = MountInfo.parse(fixture("mountinfo.txt"));
        assertEquals(23, mounts.size());
        Mount root = mounts.get(0);
        assertEquals(46, root.id());
        assertEquals("/", root.mountPoint());
        assertFalse(root.isBindOfSubtree());
        Mount bind = mounts.get(21);
        assertEquals(67, bind.id());
        assertEquals("/tmp/scratch/fx/src dir/sub", bind.root(), "\\040 is a space");
        assertEquals("/tmp/scratch/fx/mnt", bind.mountPoint());
        assertTrue(bind.isBindOfSubtree());
        assertEquals("ext4", bind.fsType());
        assertEquals(254, bind.devMajor());
        Mount over = mounts.get(22);
        assertEquals(67, over.parentId());
        assertEquals("tmpfs", over.fsType());
        assertEquals("tmp", over.source());
        Mount shared = MountInfo.parse(fixture("mountinfo-shared.txt")).get(0);
        assertEquals(List.of("shared:1"), shared.tags());
        assertEquals(List.of(), bind.tags());
        assertThrows(ProcFormatException.class, () -> MountInfo.parse("1 2 3\n"));
        assertEquals("a\\b c", MountInfo.unescape("a\\134b\\040c"));
    }

    @Test
    void rawAndPingSocketsFromProcNet() throws Exception {
        List<InetSocket> raw = ProcNetInet.parse(fixture("net-raw.txt"), InetProtocol.RAW, InetFamily.IPV4, 7, ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, raw.size());
        assertEquals(1, raw.get(0).ipProtocol(), "ICMP");
        assertEquals(InetState.CLOSE, raw.get(0).state());
        assertEquals("0.0.0.0", raw.get(0).local().address());
        assertEquals(1754968, raw.get(0).ino());
        assertEquals(7, raw.get(0).netNs());
        List<InetSocket> raw6 = ProcNetInet.parse(fixture("net-raw6.txt"), InetProtocol.RAW, InetFamily.IPV6, 7, ByteOrder.LITTLE_ENDIAN);
        assertEquals(58, raw6.get(0).ipProtocol(), "ICMPv6");
        assertEquals("::", raw6.get(0).local().address());
        List<InetSocket> ping = ProcNetInet.parse(fixture("net-icmp.txt"), InetProtocol.PING, InetFamily.IPV4, 7, ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, ping.size());
        assertEquals("127.0.0.1:58643", ping.get(0).local().display());
        assertEquals(1754970, ping.get(0).ino());
        assertThrows(ProcFormatException.class, () -> ProcNetInet.parse("h\n 1: zz\n", InetProtocol.RAW, InetFamily.IPV4, 0, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void statusFieldsForProcessState() {
        String status = "Name:\tcat\nState:\tt (tracing stop)\nTgid:\t99\nPid:\t99\nPPid:\t1\nTracerPid:\t1234\n"
                + "Uid:\t1000\t1000\t1000\t1000\nThreads:\t3\nSeccomp:\t2\nSeccomp_filters:\t1\n";
        ProcStatus s = ProcStatus.parse(status);
        assertEquals(new ProcStatus(1000, 1234, 3, SeccompMode.FILTER), s);
        assertEquals(new ProcStatus(-1, -1, 0, SeccompMode.UNKNOWN), ProcStatus.parse("Name:\tx\n"));
        assertThrows(ProcFormatException.class, () -> ProcStatus.parse("TracerPid:\tx\n"));
    }

    @Test
    void fdLinkDetails() {
        assertEquals(new FdDetail.AnonInode(AnonInodeKind.EVENTFD, "eventfd"), FdLink.anonInode("anon_inode:[eventfd]"));
        assertEquals(AnonInodeKind.EPOLL, FdLink.anonInode("anon_inode:[eventpoll]").kind());
        assertEquals(AnonInodeKind.INOTIFY, FdLink.anonInode("anon_inode:inotify").kind());
        assertEquals(AnonInodeKind.IO_URING, FdLink.anonInode("anon_inode:[io_uring]").kind());
        assertEquals(AnonInodeKind.PIDFD, FdLink.anonInode("anon_inode:[pidfd]").kind());
        assertEquals(AnonInodeKind.BPF_MAP, FdLink.anonInode("anon_inode:bpf-map").kind());
        assertEquals(AnonInodeKind.BPF_PROG, FdLink.anonInode("anon_inode:bpf-prog").kind());
        assertEquals(AnonInodeKind.PERF_EVENT, FdLink.anonInode("anon_inode:[perf_event]").kind());
        assertEquals(new FdDetail.AnonInode(AnonInodeKind.OTHER, "secretmem"), FdLink.anonInode("anon_inode:[secretmem]"));
        assertNull(FdLink.anonInode("/tmp/x"));
        assertEquals(new FdDetail.Terminal(FdDetail.TtyRole.PTY_SLAVE, 12), FdLink.terminal("/dev/pts/12", -1));
        assertEquals(new FdDetail.Terminal(FdDetail.TtyRole.PTY_MASTER, 4), FdLink.terminal("/dev/ptmx", 4));
        assertEquals(FdDetail.TtyRole.CURRENT_TTY, FdLink.terminal("/dev/tty", -1).role());
        assertEquals(new FdDetail.Terminal(FdDetail.TtyRole.VIRTUAL_CONSOLE, 2), FdLink.terminal("/dev/tty2", -1));
        assertEquals(FdDetail.TtyRole.SERIAL, FdLink.terminal("/dev/ttyS0", -1).role());
        assertEquals(FdDetail.FileFlavor.MEMFD, FdLink.flavor("/memfd:mymem (deleted)"));
        assertEquals(FdDetail.FileFlavor.POSIX_SHM, FdLink.flavor("/dev/shm/sem.x"));
        assertEquals(FdDetail.FileFlavor.ORDINARY, FdLink.flavor("/tmp/x"));
        assertTrue(FdLink.deleted("/tmp/deleteme (deleted)"));
        assertFalse(FdLink.deleted("/tmp/x"));
    }
}
