package org.criuatlas.bridge.criu;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The project's one binding of the libc calls the JDK cannot do, shared by the CRIU session, the
 * restore wiring, the topology builder and the sock_diag dump. Each native function is bound once,
 * here, in {@link C} (the /proc walk keeps its own direct-mapped *at() calls for speed); the calls
 * themselves are grouped by area: this class holds the constants, the errors and the calls on fds
 * and processes (read/write/open/close, pipes, fcntl, kill, waitpid, the child subreaper);
 * {@link UnixSockets} the socket calls, {@link FdEvents} the waiting on fds (poll, pidfd)
 * and {@link PosixSpawn} posix_spawn with file actions. Thin: every call that fails throws
 * {@link SyscallException} naming the syscall.
 * Constants are the x86-64 Linux values (glibc).
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

    public static final int O_CREAT = 0x40;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;

    public static final int PR_SET_CHILD_SUBREAPER = 36;

    static final int SCHED_BATCH = 3;

    public static final int SHUT_WR = 1;

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
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
        long gettid();
    }

    // "libc.so.6", not "c": dlopen("libc.so") fails here (a linker script), after which JNA searches
    // its path list for "c". JnaStart gives JNA that list, so it does not run `ldconfig -p` to find it.
    static final C C;
    static {
        org.criuatlas.bridge.jna.JnaStart.prepare();
        C = Native.load("libc.so.6", C.class);
    }

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

}