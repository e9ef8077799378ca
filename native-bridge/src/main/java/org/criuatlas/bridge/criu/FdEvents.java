package org.criuatlas.bridge.criu;

import com.sun.jna.LastErrorException;
import org.criuatlas.bridge.criu.LibC.SyscallException;

import static org.criuatlas.bridge.criu.LibC.C;
import static org.criuatlas.bridge.criu.LibC.EINTR;

/**
 * Waiting on fds, the {@link LibC} calls a waiter sleeps in instead of retrying on a timer: poll(2)
 * for input and pidfd_open(2) (an fd that turns readable when a process exits). Every call
 * that fails throws {@link SyscallException} naming the syscall.
 */
public final class FdEvents {
    public static final short POLLIN = 0x1;

    /** x86-64 syscall number of pidfd_open (Linux 5.3); glibc 2.36 has no wrapper on every target we run. */
    static final long SYS_PIDFD_OPEN = 434;

    private FdEvents() {}

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
}
