package org.criuatlas.bridge.scan;

import org.criuatlas.model.AnonInodeKind;
import org.criuatlas.model.FdDetail;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Mount;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SeccompMode;
import org.criuatlas.model.Session;
import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.ScriptProcs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One python process tree holding one of everything the scan tells apart, each checked against
 * what /proc says when read here directly: anon inodes of every kind, memfd, a deleted file, a
 * POSIX shm file, a file on another mount, a deleted cwd, a pty master and slave with a session
 * that has it as controlling terminal and /dev/tty open, SysV IPC with an attachment shared by a
 * child, and children that are stopped, traced, a zombie, multi-threaded and under a seccomp filter.
 */
class LiveScannerKindsTest {
    static final String KINDS = """
            import ctypes, os, select, signal, socket, struct, sys, threading, time
            libc = ctypes.CDLL(None, use_errno=True)
            libc.shmat.restype = ctypes.c_void_p
            d = sys.argv[1]
            def show(name, fd): print(name, fd, flush=True)
            show('eventfd', os.eventfd(0))
            ep = select.epoll(); show('epoll', ep.fileno())
            ino = libc.inotify_init1(0); libc.inotify_add_watch(ino, d.encode(), 0x100); show('inotify', ino)
            show('fanotify', libc.fanotify_init(0, 0))
            show('timerfd', libc.timerfd_create(1, 0))
            mask = (ctypes.c_ulong * 16)(); show('signalfd', libc.signalfd(-1, ctypes.byref(mask), 0))
            params = (ctypes.c_ubyte * 120)(); show('io_uring', libc.syscall(425, 4, ctypes.byref(params)))
            show('userfaultfd', libc.syscall(323, 0))
            show('pidfd', os.pidfd_open(os.getpid()))
            class MapAttr(ctypes.Structure):
                _fields_ = [('map_type', ctypes.c_uint), ('key_size', ctypes.c_uint), ('value_size', ctypes.c_uint),
                            ('max_entries', ctypes.c_uint), ('pad', ctypes.c_char * 100)]
            a = MapAttr(2, 4, 4, 1); show('bpf_map', libc.syscall(321, 0, ctypes.byref(a), ctypes.sizeof(a)))
            class PerfAttr(ctypes.Structure):
                _fields_ = [('type', ctypes.c_uint), ('size', ctypes.c_uint), ('config', ctypes.c_ulonglong), ('pad', ctypes.c_char * 120)]
            pa = PerfAttr(1, 128, 0); show('perf_event', libc.syscall(298, ctypes.byref(pa), 0, -1, -1, 0))
            show('memfd', os.memfd_create('atlas-kinds'))
            gone = os.open(os.path.join(d, 'deleted'), os.O_CREAT | os.O_RDWR); os.unlink(os.path.join(d, 'deleted')); show('deleted', gone)
            shm = '/dev/shm/atlas-kinds-%d' % os.getpid(); show('posix_shm', os.open(shm, os.O_CREAT | os.O_RDWR)); os.unlink(shm)
            show('plain', os.open(os.path.join(d, 'plain'), os.O_CREAT | os.O_RDWR))
            seg = libc.shmget(0x41544c53, 4096, 0o1600); libc.shmat(seg, None, 0); libc.shmctl(seg, 0, None); print('shmid', seg, flush=True)  # IPC_RMID: gone once detached
            print('semid', libc.semget(0, 2, 0o1600), flush=True)
            print('msqid', libc.msgget(0, 0o1600), flush=True)
            master, slave = os.openpty(); show('master', master); print('slave', os.ttyname(slave), flush=True)
            os.mkdir(os.path.join(d, 'cwd')); os.chdir(os.path.join(d, 'cwd')); os.rmdir(os.path.join(d, 'cwd'))
            r, w = os.pipe()
            def child(name, fn):
                pid = os.fork()
                if pid == 0:
                    try: fn()
                    finally: os._exit(0)
                print(name, pid, flush=True); return pid
            def leader():                          # a session with the pty as controlling terminal, /dev/tty open
                os.setsid(); t = os.open(os.ttyname(slave), os.O_RDWR); tty = os.open('/dev/tty', os.O_RDWR)
                print('ttyfd', tty, flush=True); os.read(r, 1)
            child('leader', leader)
            stopped = child('stopped', lambda: os.read(r, 1)); os.kill(stopped, signal.SIGSTOP)
            def threads():
                for _ in range(3): threading.Thread(target=lambda: os.read(r, 1), daemon=True).start()
                os.read(r, 1)
            child('threads', threads)
            def seccomp():                         # an allow-everything filter: mode 2 without changing behaviour
                prog = struct.pack('HBBI', 0x06, 0, 0, 0x7fff0000)   # BPF_RET|BPF_K, SECCOMP_RET_ALLOW
                buf = ctypes.create_string_buffer(prog)
                fprog = struct.pack('HxxxxxxQ', 1, ctypes.addressof(buf))
                libc.prctl(38, 1, 0, 0, 0)                           # PR_SET_NO_NEW_PRIVS
                fb = ctypes.create_string_buffer(fprog)
                if libc.prctl(22, 2, ctypes.c_ulong(ctypes.addressof(fb)), 0, 0) != 0: print('seccomp-failed', ctypes.get_errno(), flush=True)
                os.read(r, 1)
            child('seccomp', seccomp)
            traced = child('traced', lambda: os.read(r, 1))
            if libc.ptrace(0x4206, traced, 0, 0) != 0: print('seize-failed', ctypes.get_errno(), flush=True)   # PTRACE_SEIZE
            child('zombie', lambda: None)
            child('attached', lambda: os.read(r, 1))     # inherits the SysV attachment
            time.sleep(0.2)
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void everyKindIsToldApartAsProcSaysIt() throws Exception {
        Requirements.requireRoot(); // fanotify, bpf, perf and userfaultfd need privileges
        Path dir = Path.of("target", "scan-tests", "kinds").toAbsolutePath();
        Files.createDirectories(dir);
        List<String> ipcrm = new java.util.ArrayList<>(List.of("ipcrm"));
        try (ScriptProcs py = ScriptProcs.start(dir.getParent(), "kinds", KINDS, dir.toString()); LiveScanner scanner = new LiveScanner()) {
            ipcrm.addAll(List.of("-s", py.value("semid"), "-q", py.value("msqid")));
            py.awaitLine("ready", java.time.Duration.ofSeconds(5));
            int zombie = py.intValue("zombie");
            waitFor(() -> state(zombie) == 'Z');
            IpcGraph g = scanner.scan();
            int pid = py.pid();
            ProcessInfo p = g.process(pid);

            Map<String, AnonInodeKind> anon = Map.ofEntries(Map.entry("eventfd", AnonInodeKind.EVENTFD),
                    Map.entry("epoll", AnonInodeKind.EPOLL), Map.entry("inotify", AnonInodeKind.INOTIFY),
                    Map.entry("fanotify", AnonInodeKind.FANOTIFY), Map.entry("timerfd", AnonInodeKind.TIMERFD),
                    Map.entry("signalfd", AnonInodeKind.SIGNALFD), Map.entry("io_uring", AnonInodeKind.IO_URING),
                    Map.entry("userfaultfd", AnonInodeKind.USERFAULTFD), Map.entry("pidfd", AnonInodeKind.PIDFD),
                    Map.entry("bpf_map", AnonInodeKind.BPF_MAP), Map.entry("perf_event", AnonInodeKind.PERF_EVENT));
            for (Map.Entry<String, AnonInodeKind> e : anon.entrySet()) {
                int fd = py.intValue(e.getKey());
                assertTrue(fd >= 0, e.getKey() + " could not be created here");
                FdInfo f = p.fd(fd);
                assertEquals(link(pid, fd), f.target(), e.getKey());
                assertEquals(FdKind.ANON_INODE, f.kind(), e.getKey());
                assertEquals(e.getValue(), f.anonInode().kind(), e.getKey() + ": " + f.target());
            }

            FdDetail.File memfd = p.fd(py.intValue("memfd")).file();
            assertEquals(FdDetail.FileFlavor.MEMFD, memfd.flavor());
            assertFalse(memfd.deleted(), "a memfd was never linked");
            FdInfo deleted = p.fd(py.intValue("deleted"));
            assertTrue(deleted.file().deleted(), deleted.target());
            assertEquals(Files.getAttribute(Path.of("/proc", "" + pid, "fd", "" + py.intValue("deleted")), "unix:ino"), deleted.file().ino());
            FdInfo shm = p.fd(py.intValue("posix_shm"));
            assertEquals(FdDetail.FileFlavor.POSIX_SHM, shm.file().flavor());
            assertTrue(shm.file().deleted());
            // the mount each file was opened through is the one fdinfo names, and mountinfo knows it
            for (String name : List.of("plain", "posix_shm", "deleted", "memfd")) {
                int fd = py.intValue(name);
                FdDetail.File f = p.fd(fd).file();
                assertEquals(fdinfoField(pid, fd, "mnt_id"), (long) f.mntId(), name);
            }
            Mount shmMount = g.mountOf(pid, shm);
            assertNotNull(shmMount, "the /dev/shm mount is in the mount table");
            assertEquals("/dev/shm", shmMount.mountPoint());
            assertEquals("tmpfs", shmMount.fsType());
            Mount plain = g.mountOf(pid, p.fd(py.intValue("plain")));
            assertNotEquals(shmMount.id(), plain.id(), "files on two mounts");
            assertTrue(p.cwdDeleted(), p.cwd());

            // terminals and the session that has the pty as controlling terminal
            FdDetail.Terminal master = p.fd(py.intValue("master")).terminal();
            String slave = py.value("slave");
            assertEquals(FdDetail.TtyRole.PTY_MASTER, master.role());
            assertEquals("/dev/pts/" + master.index(), slave, "fdinfo's tty-index names the slave");
            ProcessInfo leader = g.process(py.intValue("leader"));
            assertTrue(leader.isSessionLeader());
            assertEquals(slave, leader.controllingTty().path());
            assertEquals(FdDetail.TtyRole.CURRENT_TTY, leader.fd(py.intValue("ttyfd")).terminal().role());
            Session session = g.sessions().stream().filter(s -> s.sid() == leader.pid()).findFirst().orElseThrow();
            assertEquals(slave, session.controllingTty().path());
            assertEquals(leader.pid(), session.foregroundPgid());
            assertTrue(leader.fds().stream().anyMatch(f -> f.terminal() != null && f.terminal().role() == FdDetail.TtyRole.PTY_SLAVE
                    && f.target().equals(slave)));

            // process state, each as /proc/PID/status says it
            ProcessInfo stopped = g.process(py.intValue("stopped"));
            assertTrue(stopped.isStopped(), "state " + stopped.state());
            ProcessInfo traced = g.process(py.intValue("traced"));
            assertEquals(pid, traced.tracerPid());
            assertEquals(statusField(traced.pid(), "TracerPid"), traced.tracerPid());
            assertTrue(g.process(zombie).isZombie());
            ProcessInfo threads = g.process(py.intValue("threads"));
            assertEquals(4, threads.threads());
            assertEquals(statusField(threads.pid(), "Threads"), threads.threads());
            ProcessInfo filtered = g.process(py.intValue("seccomp"));
            assertEquals(SeccompMode.FILTER, filtered.seccomp());
            assertEquals(SeccompMode.DISABLED, p.seccomp());

            // SysV IPC, and who has the segment mapped
            int shmid = py.intValue("shmid");
            SysvSharedMemory seg = g.sysvShm().stream().filter(s -> s.id() == shmid).findFirst().orElseThrow();
            assertEquals(0, seg.key(), "removed while attached: the kernel shows key 0 (IPC_PRIVATE) from then on");
            assertTrue(seg.removed());
            assertEquals(4096, seg.size());
            assertEquals(p.namespaces().ipc(), seg.ipcNs());
            int attached = py.intValue("attached");
            assertTrue(seg.attachedPids().containsAll(List.of(pid, attached)), seg.toString());
            assertEquals(seg.attachCount(), nattch(shmid), "nattch as /proc/sysvipc/shm has it");
            assertTrue(seg.attachedPids().size() <= seg.attachCount());
            assertTrue(g.edges().stream().anyMatch(e -> e.objectKey() != null && e.objectKey().equals(seg.objectKey())),
                    "a segment mapped by two processes joins them");
            int semid = py.intValue("semid");
            SysvSemaphoreSet sem = g.sysvSemaphores().stream().filter(s -> s.id() == semid).findFirst().orElseThrow();
            assertEquals(2, sem.count());
            int msqid = py.intValue("msqid");
            assertTrue(g.sysvMessageQueues().stream().map(SysvMessageQueue::id).anyMatch(id -> id == msqid));

            // kernel threads are not read beyond stat: they hold nothing, as /proc says
            ProcessInfo kthreadd = g.process(2);
            if (kthreadd != null && kthreadd.comm().equals("kthreadd")) {
                try (var fds = Files.list(Path.of("/proc/2/fd"))) {
                    assertEquals(0, fds.count());
                }
                assertTrue(kthreadd.fdsReadable());
                assertEquals(List.of(), kthreadd.fds());
                assertEquals(List.of(), kthreadd.cmdline());
            }

            // namespaces: the same as the scanner's (it runs in ours)
            assertEquals(java.util.Set.of(), p.namespaces().differentFrom(g.meta().scanner()));
            assertEquals(nsInode(pid, "mnt"), p.namespaces().inode(NamespaceKind.MNT));
        } finally {
            // semaphores and message queues outlive their processes (the segment was removed already: it goes with its last detach)
            if (ipcrm.size() > 1) new ProcessBuilder(ipcrm).redirectErrorStream(true).start().waitFor();
        }
    }

    static String link(int pid, int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", "" + pid, "fd", "" + fd)).toString();
    }

    static long fdinfoField(int pid, int fd, String name) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", "" + pid, "fdinfo", "" + fd))) {
            if (l.startsWith(name + ":")) return Long.parseLong(l.substring(name.length() + 1).strip());
        }
        throw new AssertionError("no " + name + " in fdinfo " + fd);
    }

    static int statusField(int pid, String name) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", "" + pid, "status"))) {
            if (l.startsWith(name + ":")) return Integer.parseInt(l.substring(name.length() + 1).strip());
        }
        throw new AssertionError("no " + name + " in status");
    }

    static int nattch(int shmid) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/sysvipc/shm"));
        List<String> head = List.of(lines.get(0).strip().split("\\s+"));
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.strip().split("\\s+");
            if (Integer.parseInt(c[head.indexOf("shmid")]) == shmid) return Integer.parseInt(c[head.indexOf("nattch")]);
        }
        throw new AssertionError("no segment " + shmid);
    }

    static long nsInode(int pid, String kind) throws IOException {
        String t = Files.readSymbolicLink(Path.of("/proc", "" + pid, "ns", kind)).toString();
        return Long.parseLong(t.substring(t.indexOf('[') + 1, t.length() - 1));
    }

    static char state(int pid) {
        try {
            String s = Files.readString(Path.of("/proc", "" + pid, "stat"));
            return s.charAt(s.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    static void waitFor(java.util.function.BooleanSupplier cond) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(20))
                .until(cond::getAsBoolean);
    }
}
