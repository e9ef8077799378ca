package org.criuatlas.restore;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.criuatlas.bridge.criu.LibC;

import java.nio.charset.StandardCharsets;

/**
 * The libc calls the wiring needs beyond the bridge's {@link LibC}: a unix socket connected to a
 * path (any type; the JDK does stream only), shutdown, poll on two fds, and posix_spawn of a command
 * with a chosen fd as its stdin/stdout. Thin; failures throw {@link LibC.SyscallException} naming the call.
 */
final class WiringLibC {
    interface C extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;
        int connect(int fd, byte[] addr, int len) throws LastErrorException;
        int shutdown(int fd, int how) throws LastErrorException;
        int poll(int[] pollfds, long nfds, int timeoutMs) throws LastErrorException;
        int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);
        int posix_spawn_file_actions_init(Pointer fa);
        int posix_spawn_file_actions_destroy(Pointer fa);
        int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);
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
    }

    private static final C C = Native.load("c", C.class);
    static final int SHUT_WR = 1;
    static final short POLLIN = 0x1;

    private WiringLibC() {}

    /** A new unix socket of {@code type} connected to {@code path} (blocking, close-on-exec). */
    static int connectUnix(String path, int type) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length > 107) throw new IllegalArgumentException("socket path longer than 107 bytes: " + path);
        byte[] addr = new byte[110];
        addr[0] = (byte) LibC.AF_UNIX; // sa_family_t, little-endian
        System.arraycopy(p, 0, addr, 2, p.length);
        int fd;
        try {
            fd = C.socket(LibC.AF_UNIX, type | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new LibC.SyscallException("socket", e.getErrorCode());
        }
        try {
            C.connect(fd, addr, 2 + p.length + 1);
            return fd;
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new LibC.SyscallException("connect(" + path + ")", e.getErrorCode());
        }
    }

    static void shutdownWrite(int fd) {
        try {
            C.shutdown(fd, SHUT_WR);
        } catch (LastErrorException ignored) {
            // already closed or not connected: nothing more to tell the other side
        }
    }

    /**
     * poll(2) for input on up to two fds; returns a bit set (1 = first, 2 = second) of fds that are
     * readable, hung up or in error; 0 on timeout.
     */
    static int pollIn(int a, int b, int timeoutMs) {
        int[] pfd = b < 0 ? new int[] {a, POLLIN} : new int[] {a, POLLIN, b, POLLIN};
        try {
            int r = C.poll(pfd, pfd.length / 2, timeoutMs);
            if (r <= 0) return 0;
            int bits = (pfd[1] >>> 16) != 0 ? 1 : 0;
            if (b >= 0 && (pfd[3] >>> 16) != 0) bits |= 2;
            return bits;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) return 0;
            throw new LibC.SyscallException("poll", e.getErrorCode());
        }
    }

    /**
     * posix_spawn {@code /bin/sh -c command} in a process group of its own, with default signal
     * handling; {@code stdin}/{@code stdout}/{@code stderr} are our fds to place at 0/1/2, -1 for
     * /dev/null. Nothing else of ours leaks into it.
     */
    static int spawnShell(String command, String[] envp, int stdin, int stdout, int stderr) {
        String[] argv = {"/bin/sh", "-c", command};
        int[] src = {stdin, stdout, stderr};
        int tempBase = 3;
        for (int s : src) tempBase = Math.max(tempBase, s + 1);
        Memory fa = new Memory(256), attr = new Memory(1024), sigs = new Memory(128);
        fa.clear();
        attr.clear();
        check("posix_spawn_file_actions_init", C.posix_spawn_file_actions_init(fa));
        try {
            check("posix_spawnattr_init", C.posix_spawnattr_init(attr));
            try {
                // via temporaries above every source: a source may sit on 0, 1 or 2
                for (int i = 0; i < 3; i++)
                    if (src[i] >= 0) check("posix_spawn_file_actions_adddup2", C.posix_spawn_file_actions_adddup2(fa, src[i], tempBase + i));
                for (int i = 0; i < 3; i++) {
                    if (src[i] >= 0) check("posix_spawn_file_actions_adddup2", C.posix_spawn_file_actions_adddup2(fa, tempBase + i, i));
                    else check("posix_spawn_file_actions_addopen", C.posix_spawn_file_actions_addopen(fa, i, "/dev/null",
                            i == 0 ? LibC.O_RDONLY : LibC.O_WRONLY, 0));
                }
                check("posix_spawn_file_actions_addclosefrom_np", C.posix_spawn_file_actions_addclosefrom_np(fa, 3));
                check("posix_spawnattr_setflags", C.posix_spawnattr_setflags(attr,
                        (short) (LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETPGROUP)));
                check("posix_spawnattr_setpgroup", C.posix_spawnattr_setpgroup(attr, 0));
                C.sigemptyset(sigs);
                check("posix_spawnattr_setsigmask", C.posix_spawnattr_setsigmask(attr, sigs));
                C.sigfillset(sigs);
                C.sigdelset(sigs, LibC.SIGKILL);
                C.sigdelset(sigs, 19);
                check("posix_spawnattr_setsigdefault", C.posix_spawnattr_setsigdefault(attr, sigs));
                IntByReference pid = new IntByReference();
                int rc = C.posix_spawn(pid, argv[0], fa, attr, argv, envp);
                if (rc != 0) throw new LibC.SyscallException("posix_spawn(/bin/sh -c " + command + ")", rc);
                return pid.getValue();
            } finally {
                C.posix_spawnattr_destroy(attr);
            }
        } finally {
            C.posix_spawn_file_actions_destroy(fa);
        }
    }

    private static void check(String call, int rc) {
        if (rc != 0) throw new LibC.SyscallException(call, rc);
    }
}
