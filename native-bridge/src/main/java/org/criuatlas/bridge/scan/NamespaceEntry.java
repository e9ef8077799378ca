package org.criuatlas.bridge.scan;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import org.criuatlas.bridge.sockdiag.ErrnoNames;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a task inside another process's net or IPC namespace: on a fresh thread that enters the
 * namespace with setns(2) (namespaces are per thread, so the rest of the JVM stays where it is),
 * runs the task, moves back and ends. What the task opens there (a sock_diag socket, a
 * /proc/sysvipc file) keeps answering for that namespace after the thread has gone.
 */
final class NamespaceEntry {
    private NamespaceEntry() {}

    /** Why a namespace could not be entered: the step and its errno. */
    static final class Refused extends Exception {
        final String step;
        final int errno;

        Refused(String step, int errno) {
            super(step + " failed: " + ErrnoNames.describe(errno), null, false, false);
            this.step = step;
            this.errno = errno;
        }

        /** The process whose namespace it was exited first. */
        boolean vanished() { return errno == ProcSyscalls.ENOENT || errno == ProcSyscalls.ESRCH; }
    }

    enum Kind {
        NET("net", ProcSyscalls.CLONE_NEWNET), IPC("ipc", ProcSyscalls.CLONE_NEWIPC);

        final String link;
        final int flag;

        Kind(String link, int flag) {
            this.link = link;
            this.flag = flag;
        }
    }

    /**
     * Runs {@code task} in the {@code kind} namespace of {@code pid}.
     *
     * @throws Refused when the namespace file cannot be opened or setns fails (EPERM without
     *                 CAP_SYS_ADMIN, ENOENT when the process exited)
     * @throws Exception whatever the task throws
     */
    static <T> T runIn(int pid, Kind kind, Callable<T> task) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(enterRunAndLeave(pid, kind, task));
            } catch (Exception | Error e) {
                result.set(e);
            }
        }, "scan-in-" + kind.link + "-ns-of-" + pid);
        t.setDaemon(true);
        t.start();
        t.join();
        Object r = result.get();
        if (r instanceof Exception e) throw e;
        if (r instanceof Error e) throw e;
        @SuppressWarnings("unchecked") T out = (T) r;
        return out;
    }

    private static <T> T enterRunAndLeave(int pid, Kind kind, Callable<T> task) throws Exception {
        int own = open("/proc/thread-self/ns/" + kind.link);
        try {
            int target;
            try {
                target = open("/proc/" + pid + "/ns/" + kind.link);
            } catch (Refused e) {
                throw new Refused("open(/proc/" + pid + "/ns/" + kind.link + ")", e.errno);
            }
            try {
                ProcSyscalls.setns(target, kind.flag);
            } catch (LastErrorException e) {
                throw new Refused("setns(" + kind.link + " namespace of pid " + pid + ")", e.getErrorCode());
            } finally {
                close(target);
            }
            try {
                return task.call();
            } finally {
                try {
                    ProcSyscalls.setns(own, kind.flag);
                } catch (LastErrorException e) {
                    // this thread ends right after the task, so staying in the other namespace harms nobody
                }
            }
        } finally {
            close(own);
        }
    }

    private static int open(String path) throws Refused {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        try (Memory m = new Memory(b.length + 1)) {
            m.write(0, b, 0, b.length);
            m.setByte(b.length, (byte) 0);
            return ProcSyscalls.openat(ProcSyscalls.AT_FDCWD, m, ProcSyscalls.O_RDONLY | ProcSyscalls.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new Refused("open(" + path + ")", e.getErrorCode());
        }
    }

    private static void close(int fd) {
        try {
            ProcSyscalls.close(fd);
        } catch (LastErrorException ignored) {
            // a namespace file: nothing to lose
        }
    }
}
