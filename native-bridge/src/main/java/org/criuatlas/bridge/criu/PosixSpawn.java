package org.criuatlas.bridge.criu;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import org.criuatlas.bridge.criu.LibC.SyscallException;

import static org.criuatlas.bridge.criu.LibC.C;
import static org.criuatlas.bridge.criu.LibC.O_RDONLY;
import static org.criuatlas.bridge.criu.LibC.O_WRONLY;
import static org.criuatlas.bridge.criu.LibC.SIGKILL;

/**
 * posix_spawn through {@link LibC}'s binding, with file actions that place fds at chosen numbers in
 * the child's table and close everything else, in a process group (or session) of its own with
 * default signal handling. A failed step throws {@link SyscallException} naming the call.
 */
public final class PosixSpawn {
    public static final short POSIX_SPAWN_SETPGROUP = 0x02;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    public static final short POSIX_SPAWN_SETSID = 0x80;

    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; allocate generously. */
    static final int SPAWN_FILE_ACTIONS_SIZE = 256;
    static final int SPAWNATTR_SIZE = 1024;
    static final int SIGSET_SIZE = 128;

    private PosixSpawn() {}

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
