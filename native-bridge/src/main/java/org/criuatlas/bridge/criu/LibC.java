package org.criuatlas.bridge.criu;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.nio.charset.StandardCharsets;

/**
 * The project's one binding of the libc calls the JDK cannot do, shared by the CRIU session, the
 * restore wiring, the topology builder and the sock_diag dump: socketpair/socket/connect on unix
 * sockets, posix_spawn with file actions (placing fds at chosen numbers in the child's table), raw
 * send/sendto/recv, poll, shutdown, pipes, fcntl, waitpid, pidfd_open and kill by pid. Each native function is
 * bound once, here (the /proc walk keeps its own direct-mapped *at() calls for speed). Thin: every
 * call that fails throws {@link SyscallException} naming the syscall.
 * Constants are the x86-64 Linux values (glibc). Longer than ~400 lines on purpose: one small method
 * per syscall, and one place to look for every native call.
 */
public final class LibC {
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOCK_NONBLOCK = 0x800;

    public static final int MSG_PEEK = 0x2;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_CLOEXEC = 0x80000;

    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int FD_CLOEXEC = 1;

    public static final int WNOHANG = 1;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCONT = 18;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ECHILD = 10;
    public static final int ESRCH = 3;
    public static final int ECONNRESET = 104;
    public static final int EPIPE = 32;

    public static final short POSIX_SPAWN_SETPGROUP = 0x02;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    public static final short POSIX_SPAWN_SETSID = 0x80;
    public static final int O_CREAT = 0x40;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;

    public static final int PR_SET_CHILD_SUBREAPER = 36;

    /** x86-64 syscall number of pidfd_open (Linux 5.3); glibc 2.36 has no wrapper on every target we run. */
    static final long SYS_PIDFD_OPEN = 434;

    public static final int IN_MODIFY = 0x2;
    public static final int IN_CLOEXEC = O_CLOEXEC;
    public static final int IN_NONBLOCK = O_NONBLOCK;
    static final int SCHED_BATCH = 3;

    public static final int SHUT_WR = 1;

    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; allocate generously. */
    static final int SPAWN_FILE_ACTIONS_SIZE = 256;
    static final int SPAWNATTR_SIZE = 1024;
    static final int SIGSET_SIZE = 128;

    interface C extends Library {
        int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException;
        int socket(int domain, int type, int protocol) throws LastErrorException;
        int connect(int fd, byte[] addr, int len) throws LastErrorException;
        int shutdown(int fd, int how) throws LastErrorException;
        long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;
        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen) throws LastErrorException;
        long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;
        long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;
        long read(int fd, byte[] buf, long len) throws LastErrorException;
        long write(int fd, byte[] buf, long len) throws LastErrorException;
        int open(String path, int flags, int mode) throws LastErrorException;
        int close(int fd) throws LastErrorException;
        int pipe2(int[] fds, int flags) throws LastErrorException;
        int fcntl(int fd, int cmd, int arg) throws LastErrorException;
        int dup(int fd) throws LastErrorException;
        int waitpid(int pid, IntByReference status, int options) throws LastErrorException;
        int kill(int pid, int sig) throws LastErrorException;
        int getpid();
        int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

        // posix_spawn family returns an error number instead of setting errno.
        int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);
        int posix_spawn_file_actions_init(Pointer fa);
        int posix_spawn_file_actions_destroy(Pointer fa);
        int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);
        int posix_spawn_file_actions_addclose(Pointer fa, int fd);
        int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int oflag, int mode);
        int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);
        int posix_spawnattr_init(Pointer attr);
        int posix_spawnattr_destroy(Pointer attr);
        int posix_spawnattr_setflags(Pointer attr, short flags);
        int posix_spawnattr_setpgroup(Pointer attr, int pgroup);
        int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);
        int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);
        int sigemptyset(Pointer set);
        int sigfillset(Pointer set);
        int sigdelset(Pointer set, int sig);
        String strerror(int errnum);
        int poll(int[] pollfds, long nfds, int timeoutMs) throws LastErrorException;
        // syscall(2) is variadic and reads its arguments as longs: pass longs.
        long syscall(long number, long a, long b) throws LastErrorException;
        int inotify_init1(int flags) throws LastErrorException;
        int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
        long gettid();
    }

    // "libc.so.6", not "c": dlopen("libc.so") fails here (a linker script), after which JNA searches
    // its path list for "c". (JNA's NativeLibrary still runs `ldconfig -p` once when it is loaded;
    // CriuSession.prepare lets a command do that on another thread.)
    static final C C = Native.load("libc.so.6", C.class);

    private LibC() {}

    /** A failed libc call: names the syscall and the errno. */
    public static final class SyscallException extends RuntimeException {
        private final String syscall;
        private final int errno;

        public SyscallException(String syscall, int errno) {
            super(syscall + " failed: " + describe(errno) + " (errno " + errno + ")");
            this.syscall = syscall;
            this.errno = errno;
        }

        public String syscall() { return syscall; }
        public int errno() { return errno; }
    }

    public static String describe(int errno) {
        try {
            return C.strerror(errno);
        } catch (RuntimeException e) {
            return "errno " + errno;
        }
    }

    /** Two connected unix sockets of {@code type} (SOCK_* possibly or'ed with SOCK_CLOEXEC). */
    public static int[] socketpair(int type) {
        int[] sv = new int[2];
        try {
            C.socketpair(AF_UNIX, type, 0, sv);
        } catch (LastErrorException e) {
            throw new SyscallException("socketpair", e.getErrorCode());
        }
        return sv;
    }

    /** socket(2): a new socket of any family (unix, netlink, ...). */
    public static int socket(int domain, int type, int protocol) {
        try {
            return C.socket(domain, type, protocol);
        } catch (LastErrorException e) {
            throw new SyscallException("socket", e.getErrorCode());
        }
    }

    /**
     * A new unix socket of {@code type} (any type; the JDK does stream only) connected to the
     * filesystem {@code path}; blocking, close-on-exec.
     */
    public static int connectUnix(String path, int type) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length > 107) throw new IllegalArgumentException("socket path longer than 107 bytes: " + path);
        byte[] addr = new byte[110];
        addr[0] = (byte) AF_UNIX; // sa_family_t, little-endian
        System.arraycopy(p, 0, addr, 2, p.length);
        int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
        try {
            C.connect(fd, addr, 2 + p.length + 1);
            return fd;
        } catch (LastErrorException e) {
            close(fd);
            throw new SyscallException("connect(" + path + ")", e.getErrorCode());
        }
    }

    /** shutdown(2); false when it fails (already closed or not connected: nothing more to tell the peer). */
    public static boolean shutdown(int fd, int how) {
        try {
            C.shutdown(fd, how);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /** sendto(2) of one datagram to {@code addr} (a raw struct sockaddr); retries on EINTR. */
    public static int sendto(int fd, byte[] data, int flags, byte[] addr) {
        while (true) {
            try {
                return (int) C.sendto(fd, data, data.length, flags, addr, addr.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("sendto", e.getErrorCode());
            }
        }
    }

    /** send(2) of a whole packet; retries on EINTR. */
    public static int send(int fd, byte[] data, int flags) {
        while (true) {
            try {
                return (int) C.send(fd, data, data.length, flags | MSG_NOSIGNAL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("send", e.getErrorCode());
            }
        }
    }

    /** recv(2) into buf; returns the byte count (or the full packet size with MSG_TRUNC). */
    public static int recv(int fd, byte[] buf, int flags) {
        while (true) {
            try {
                return (int) C.recv(fd, buf, buf.length, flags);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("recv", e.getErrorCode());
            }
        }
    }

    /** recv(2) into native memory; returns the byte count; retries on EINTR. */
    public static long recv(int fd, Pointer buf, long len, int flags) {
        while (true) {
            try {
                return C.recv(fd, buf, len, flags);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("recv", e.getErrorCode());
            }
        }
    }

    /** One whole SEQPACKET/DGRAM packet, sized with MSG_PEEK|MSG_TRUNC first; null on EOF. */
    public static byte[] recvPacket(int fd) {
        int size = recv(fd, new byte[1], MSG_PEEK | MSG_TRUNC);
        if (size == 0) {
            // Either EOF or a zero-length packet: consume it to tell which.
            int n = recv(fd, new byte[1], 0);
            return n == 0 ? null : new byte[0];
        }
        byte[] buf = new byte[size];
        int n = recv(fd, buf, 0);
        if (n == size) return buf;
        byte[] cut = new byte[n];
        System.arraycopy(buf, 0, cut, 0, n);
        return cut;
    }

    public static final short POLLIN = 0x1;

    /**
     * poll(2) on one fd for input; true when readable, hung up or in error (a recv will not block),
     * false on timeout.
     */
    public static boolean pollIn(int fd, int timeoutMs) {
        return pollIn(fd, -1, timeoutMs) != 0;
    }

    /**
     * poll(2) for input on up to two fds ({@code b} = -1 for one); returns a bit set (1 = first,
     * 2 = second) of fds that are readable, hung up or in error; 0 on timeout or EINTR.
     */
    public static int pollIn(int a, int b, int timeoutMs) {
        // struct pollfd {int fd; short events; short revents;} little-endian
        int[] pfd = b < 0 ? new int[] {a, POLLIN} : new int[] {a, POLLIN, b, POLLIN};
        try {
            int r = C.poll(pfd, pfd.length / 2, timeoutMs);
            if (r <= 0) return 0;
            int bits = (pfd[1] >>> 16) != 0 ? 1 : 0;
            if (b >= 0 && (pfd[3] >>> 16) != 0) bits |= 2;
            return bits;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR) return 0;
            throw new SyscallException("poll", e.getErrorCode());
        }
    }

    /**
     * poll(2) for input on any number of fds, waiting at most {@code timeoutMs} (-1 = no limit);
     * returns a bit set (bit i = {@code fds[i]}) of fds that are readable, hung up or in error; 0 on
     * timeout or EINTR. At most 31 fds.
     */
    public static int pollInAny(int timeoutMs, int... fds) {
        if (fds.length > 31) throw new IllegalArgumentException("at most 31 fds");
        int[] pfd = new int[fds.length * 2];
        for (int i = 0; i < fds.length; i++) {
            pfd[2 * i] = fds[i];
            pfd[2 * i + 1] = POLLIN;
        }
        try {
            if (C.poll(pfd, fds.length, timeoutMs) <= 0) return 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR) return 0;
            throw new SyscallException("poll", e.getErrorCode());
        }
        int bits = 0;
        for (int i = 0; i < fds.length; i++) if ((pfd[2 * i + 1] >>> 16) != 0) bits |= 1 << i;
        return bits;
    }

    /**
     * pidfd_open(2): an fd (close-on-exec) that polls readable once process {@code pid} has exited,
     * so a waiter sleeps in poll(2) instead of retrying waitpid on a timer. While the pid is our
     * unreaped child it cannot be recycled, so the fd names the right process.
     */
    public static int pidfdOpen(int pid) {
        try {
            return (int) C.syscall(SYS_PIDFD_OPEN, pid, 0);
        } catch (LastErrorException e) {
            throw new SyscallException("pidfd_open(" + pid + ")", e.getErrorCode());
        }
    }

    /** inotify_init1(2): a close-on-exec, non-blocking inotify instance. */
    public static int inotifyInit() {
        try {
            return C.inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        } catch (LastErrorException e) {
            throw new SyscallException("inotify_init1", e.getErrorCode());
        }
    }

    /** inotify_add_watch(2) on {@code path} for the events in {@code mask}; returns the watch descriptor. */
    public static int inotifyAddWatch(int fd, String path, int mask) {
        try {
            return C.inotify_add_watch(fd, path, mask);
        } catch (LastErrorException e) {
            throw new SyscallException("inotify_add_watch(" + path + ")", e.getErrorCode());
        }
    }

    /** The calling thread's id (gettid(2)). */
    public static int gettid() {
        return (int) C.gettid();
    }

    /**
     * Puts the calling thread under SCHED_BATCH: it keeps its fair share of the CPU but no longer
     * preempts a running task each time it wakes up (sched(7)). Returns false when that is refused.
     */
    public static boolean scheduleThisThreadAsBatch() {
        try {
            C.sched_setscheduler(gettid(), SCHED_BATCH, new int[] {0});
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    public static int read(int fd, byte[] buf) {
        while (true) {
            try {
                return (int) C.read(fd, buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("read", e.getErrorCode());
            }
        }
    }

    public static int write(int fd, byte[] buf) {
        while (true) {
            try {
                return (int) C.write(fd, buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("write", e.getErrorCode());
            }
        }
    }

    public static int open(String path, int flags) {
        return open(path, flags, 0);
    }

    public static int open(String path, int flags, int mode) {
        try {
            return C.open(path, flags, mode);
        } catch (LastErrorException e) {
            throw new SyscallException("open(" + path + ")", e.getErrorCode());
        }
    }

    /** An fd on a directory, close-on-exec (criu reads it through /proc/<our pid>/fd/N). */
    public static int openDirectory(String path) {
        return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }

    /** close(2); errors are ignored except they are reported by the return value. */
    public static boolean close(int fd) {
        if (fd < 0) return false;
        try {
            C.close(fd);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    public static int[] pipe(int flags) {
        int[] fds = new int[2];
        try {
            C.pipe2(fds, flags);
        } catch (LastErrorException e) {
            throw new SyscallException("pipe2", e.getErrorCode());
        }
        return fds;
    }

    public static int fcntl(int fd, int cmd, int arg) {
        try {
            return C.fcntl(fd, cmd, arg);
        } catch (LastErrorException e) {
            throw new SyscallException("fcntl", e.getErrorCode());
        }
    }

    /** dup(2): a new fd on the same open file (not close-on-exec). */
    public static int dup(int fd) {
        try {
            return C.dup(fd);
        } catch (LastErrorException e) {
            throw new SyscallException("dup", e.getErrorCode());
        }
    }

    /** True when {@code fd} is open in this process. */
    public static boolean isOpen(int fd) {
        try {
            C.fcntl(fd, F_GETFD, 0);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    public static int getpid() {
        return C.getpid();
    }

    /** kill(2); returns false if the process no longer exists (ESRCH). */
    public static boolean kill(int pid, int sig) {
        try {
            C.kill(pid, sig);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) return false;
            throw new SyscallException("kill(" + pid + ", " + sig + ")", e.getErrorCode());
        }
    }

    /**
     * waitpid(2). Returns null when {@code WNOHANG} was given and the child has not changed state,
     * else the raw wait status.
     */
    public static Integer waitpid(int pid, int options) {
        IntByReference st = new IntByReference();
        while (true) {
            try {
                int r = C.waitpid(pid, st, options);
                return r == 0 ? null : st.getValue();
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) throw new SyscallException("waitpid(" + pid + ")", e.getErrorCode());
            }
        }
    }

    /** Orphaned descendants are re-parented to this process instead of PID 1, so we can reap them. */
    public static void becomeChildSubreaper() {
        try {
            C.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new SyscallException("prctl(PR_SET_CHILD_SUBREAPER)", e.getErrorCode());
        }
    }

    /** Human text of a raw wait status: "exit 1" / "killed by signal 9". */
    public static String describeWaitStatus(int status) {
        int sig = status & 0x7f;
        if (sig == 0) return "exit " + ((status >> 8) & 0xff);
        if (sig == 0x7f) return "stopped by signal " + ((status >> 8) & 0xff);
        return "killed by signal " + sig;
    }

    /**
     * posix_spawn {@code argv[0]} with the given fds placed at chosen numbers in the child's table.
     * {@code placements[i] = {ourFd, childFd}}. Every other fd above 2 is closed in the child, stdin
     * is /dev/null, stdout and stderr go to {@code outputFd}. The child runs in its own process group
     * (so a terminal's Ctrl+C meant for us does not hit it) with default signal dispositions and an
     * empty signal mask (the JVM blocks some signals in its threads).
     */
    public static int spawn(String[] argv, String[] envp, int[][] placements, int outputFd) {
        return spawn(argv, envp, placements, outputFd, false);
    }

    /**
     * Like {@link #spawn(String[], String[], int[][], int)}; with {@code newSession} the child starts
     * a session of its own (setsid: no controlling terminal) instead of just a process group.
     */
    public static int spawn(String[] argv, String[] envp, int[][] placements, int outputFd, boolean newSession) {
        int[][] all = java.util.Arrays.copyOf(placements, placements.length + 2);
        all[placements.length] = new int[] {outputFd, 1};
        all[placements.length + 1] = new int[] {outputFd, 2};
        return spawnPlaced("posix_spawn(" + argv[0] + ")", argv, envp, all, newSession);
    }

    /**
     * posix_spawn {@code /bin/sh -c command} in a process group of its own, with default signal
     * handling; {@code stdin}/{@code stdout}/{@code stderr} are our fds to place at 0/1/2, -1 for
     * /dev/null. Nothing else of ours leaks into it.
     */
    public static int spawnShell(String command, String[] envp, int stdin, int stdout, int stderr) {
        String[] argv = {"/bin/sh", "-c", command};
        int[][] placements = {{stdin, 0}, {stdout, 1}, {stderr, 2}};
        return spawnPlaced("posix_spawn(/bin/sh -c " + command + ")", argv, envp, placements, false);
    }

    /**
     * The spawn both of the above use. {@code placements[i] = {ourFd, childFd}}, ourFd -1 = /dev/null;
     * 0/1/2 not placed are /dev/null; every other fd is closed in the child. {@code what} names the
     * call in the error.
     */
    private static int spawnPlaced(String what, String[] argv, String[] envp, int[][] placements, boolean newSession) {
        // Two-step dup2 through temporaries above every fd involved: a source may sit on another
        // placement's target number, and dup2(n, n) would not clear FD_CLOEXEC on older glibc.
        int max = 2;
        for (int[] p : placements) max = Math.max(max, Math.max(p[0], p[1]));
        int maxTarget = 2;
        for (int[] p : placements) maxTarget = Math.max(maxTarget, p[1]);
        int tempBase = max + 1;

        Memory fa = new Memory(SPAWN_FILE_ACTIONS_SIZE);
        Memory attr = new Memory(SPAWNATTR_SIZE);
        Memory sigs = new Memory(SIGSET_SIZE);
        fa.clear();
        attr.clear();
        check("posix_spawn_file_actions_init", C.posix_spawn_file_actions_init(fa));
        try {
            check("posix_spawnattr_init", C.posix_spawnattr_init(attr));
            try {
                for (int i = 0; i < placements.length; i++)
                    if (placements[i][0] >= 0)
                        check("posix_spawn_file_actions_adddup2", C.posix_spawn_file_actions_adddup2(fa, placements[i][0], tempBase + i));
                for (int i = 0; i < placements.length; i++) {
                    int target = placements[i][1];
                    if (placements[i][0] >= 0)
                        check("posix_spawn_file_actions_adddup2", C.posix_spawn_file_actions_adddup2(fa, tempBase + i, target));
                    else
                        check("posix_spawn_file_actions_addopen", C.posix_spawn_file_actions_addopen(fa, target, "/dev/null",
                                target == 0 ? O_RDONLY : O_WRONLY, 0));
                }
                for (int fd = 0; fd <= maxTarget; fd++) {
                    boolean target = false;
                    for (int[] p : placements) target |= p[1] == fd;
                    if (target) continue;
                    if (fd <= 2)
                        check("posix_spawn_file_actions_addopen", C.posix_spawn_file_actions_addopen(fa, fd, "/dev/null",
                                fd == 0 ? O_RDONLY : O_WRONLY, 0));
                    else
                        check("posix_spawn_file_actions_addclose", C.posix_spawn_file_actions_addclose(fa, fd));
                }
                // Everything the JVM has open (and our temporaries) stays out of the child.
                check("posix_spawn_file_actions_addclosefrom_np", C.posix_spawn_file_actions_addclosefrom_np(fa, maxTarget + 1));

                check("posix_spawnattr_setflags", C.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGDEF
                        | POSIX_SPAWN_SETSIGMASK | (newSession ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP))));
                if (!newSession) check("posix_spawnattr_setpgroup", C.posix_spawnattr_setpgroup(attr, 0));
                C.sigemptyset(sigs);
                check("posix_spawnattr_setsigmask", C.posix_spawnattr_setsigmask(attr, sigs));
                C.sigfillset(sigs);
                C.sigdelset(sigs, SIGKILL);
                C.sigdelset(sigs, 19); // SIGSTOP cannot be reset either
                check("posix_spawnattr_setsigdefault", C.posix_spawnattr_setsigdefault(attr, sigs));

                IntByReference pid = new IntByReference();
                int rc = C.posix_spawn(pid, argv[0], fa, attr, argv, envp);
                if (rc != 0) throw new SyscallException(what, rc);
                return pid.getValue();
            } finally {
                C.posix_spawnattr_destroy(attr);
            }
        } finally {
            C.posix_spawn_file_actions_destroy(fa);
        }
    }

    private static void check(String call, int rc) {
        if (rc != 0) throw new SyscallException(call, rc);
    }
}
