package org.criuatlas.bridge.criu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The libc bindings the session stands on: seqpacket framing, fd placement, errno mapping. */
class CriuLibCTest {
    @TempDir
    Path tmp;

    @Test
    void seqpacketKeepsMessageBoundariesAndReportsEof() {
        int[] sp = UnixSockets.socketpair(LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC);
        try {
            UnixSockets.send(sp[0], new byte[] {1, 2, 3}, 0);
            UnixSockets.send(sp[0], new byte[5000], 0);
            assertArrayEquals(new byte[] {1, 2, 3}, UnixSockets.recvPacket(sp[1]));
            assertEquals(5000, UnixSockets.recvPacket(sp[1]).length, "sized with MSG_PEEK|MSG_TRUNC");
            LibC.close(sp[0]);
            sp[0] = -1;
            assertNull(UnixSockets.recvPacket(sp[1]), "EOF");
        } finally {
            LibC.close(sp[0]);
            LibC.close(sp[1]);
        }
    }

    @Test
    void spawnPlacesFdsEvenWhenNumbersClashAndLeaksNothing() throws Exception {
        int[] a = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        int[] b = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        Path out = tmp.resolve("out");
        int outFd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_CLOEXEC, 0644);
        try {
            // Swap-like placement: a[1] goes where b[1] sits and b[1] to a fixed number; both CLOEXEC.
            int[][] placements = {{a[1], b[1]}, {b[1], 9}};
            int pid = PosixSpawn.spawn(new String[] {"/bin/bash", "-c",
                    "echo A >&" + b[1] + "; echo B >&9; ls /proc/self/fd"}, new String[] {"PATH=/usr/bin:/bin"}, placements, outFd);
            int st = LibC.waitpid(pid, 0);
            assertEquals("exit 0", LibC.describeWaitStatus(st));
            assertEquals("A\n", read(a[0]));
            assertEquals("B\n", read(b[0]));
            Set<Integer> fds = Arrays.stream(Files.readString(out).trim().split("\\s+")).map(Integer::parseInt)
                    .collect(Collectors.toCollection(TreeSet::new));
            // 0-2, the two placed fds and the one ls opens for the directory: nothing of the JVM's.
            assertEquals(new TreeSet<>(Set.of(0, 1, 2, 3, b[1], 9)), fds);
        } finally {
            for (int fd : new int[] {a[0], a[1], b[0], b[1], outFd}) LibC.close(fd);
        }
    }

    @Test
    void spawnShellPlacesStdioAndDevNullAndLeaksNothing() throws Exception {
        int[] in = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        Path out = tmp.resolve("shell-out");
        int outFd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_CLOEXEC, 0644);
        try {
            LibC.write(in[0], "hello\n".getBytes());
            UnixSockets.shutdown(in[0], LibC.SHUT_WR);
            // stderr -1 = /dev/null: the message to stderr must not reach the output file
            int pid = PosixSpawn.spawnShell("cat; echo lost >&2; ls /proc/self/fd", new String[] {"PATH=/usr/bin:/bin"},
                    in[1], outFd, -1);
            assertEquals("exit 0", LibC.describeWaitStatus(LibC.waitpid(pid, 0)));
            String[] lines = Files.readString(out).trim().split("\\s+");
            assertEquals("hello", lines[0]);
            Set<Integer> fds = Arrays.stream(lines).skip(1).map(Integer::parseInt).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(Set.of(0, 1, 2, 3)), fds, "only stdio and ls's own directory fd");
        } finally {
            for (int fd : new int[] {in[0], in[1], outFd}) LibC.close(fd);
        }
    }

    @Test
    void pollInTellsWhichOfTwoFdsIsReadable() {
        int[] a = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        int[] b = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        try {
            assertEquals(0, FdEvents.pollIn(a[1], b[1], 10), "nothing to read: timeout");
            UnixSockets.send(b[0], new byte[] {1}, 0);
            assertEquals(2, FdEvents.pollIn(a[1], b[1], 1000));
            assertTrue(UnixSockets.shutdown(a[0], LibC.SHUT_WR));
            assertEquals(3, FdEvents.pollIn(a[1], b[1], 1000), "a hung up counts as readable");
            assertTrue(FdEvents.pollIn(a[1], 1000));
        } finally {
            for (int fd : new int[] {a[0], a[1], b[0], b[1]}) LibC.close(fd);
        }
    }

    @Test
    void pollInAnyReportsEachReadyFdByItsPosition() {
        int[] a = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        int[] b = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        int[] c = LibC.pipe(LibC.O_CLOEXEC);
        try {
            assertEquals(0, FdEvents.pollInAny(0, a[1], b[1], c[0]), "nothing to read: timeout");
            LibC.write(c[1], new byte[] {1});
            assertEquals(4, FdEvents.pollInAny(1000, a[1], b[1], c[0]));
            UnixSockets.send(a[0], new byte[] {1}, 0);
            assertEquals(5, FdEvents.pollInAny(-1, a[1], b[1], c[0]), "no limit: returns as soon as one is ready");
        } finally {
            for (int fd : new int[] {a[0], a[1], b[0], b[1], c[0], c[1]}) LibC.close(fd);
        }
    }

    @Test
    void pidfdPollsReadableOnceTheChildHasExitedAndLeavesItToBeReaped() {
        int[] in = LibC.pipe(LibC.O_CLOEXEC);
        // the child blocks reading its stdin until we close the write end: it cannot exit before we say so
        int pid = PosixSpawn.spawnShell("read x; exit 7", new String[] {"PATH=/usr/bin:/bin"}, in[0], -1, -1);
        LibC.close(in[0]);
        int pidfd = FdEvents.pidfdOpen(pid);
        try {
            assertEquals(0, FdEvents.pollInAny(50, pidfd), "still running");
            LibC.close(in[1]);
            in[1] = -1;
            assertEquals(1, FdEvents.pollInAny(10_000, pidfd), "readable once it exited");
            assertTrue(Files.exists(Path.of("/proc/" + pid)), "exited but not reaped: a zombie keeps its pid");
            assertEquals("exit 7", LibC.describeWaitStatus(LibC.waitpid(pid, LibC.WNOHANG)), "reaped at once, no wait");
        } finally {
            LibC.close(pidfd);
            LibC.close(in[1]);
        }
        LibC.SyscallException e = assertThrows(LibC.SyscallException.class, () -> FdEvents.pidfdOpen(pid));
        assertTrue(e.getMessage().startsWith("pidfd_open(" + pid + ") failed"), e.getMessage());
    }

    @Test
    void aThreadCanPutItselfUnderSchedBatch() throws Exception {
        int[] policy = {-1};
        Thread t = new Thread(() -> {
            assertTrue(LibC.scheduleThisThreadAsBatch());
            try {
                // field 41 of /proc/self/task/TID/stat is the policy; SCHED_BATCH = 3
                String stat = Files.readString(Path.of("/proc/self/task/" + LibC.gettid() + "/stat"));
                policy[0] = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[38]);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.start();
        t.join();
        assertEquals(3, policy[0]);
        String mine = Files.readString(Path.of("/proc/self/task/" + LibC.gettid() + "/stat"));
        assertEquals(0, Integer.parseInt(mine.substring(mine.lastIndexOf(')') + 2).split(" ")[38]), "only that thread");
    }

    @Test
    void connectUnixNamesThePathWhenNobodyListens() {
        String path = tmp.resolve("no-listener.sock").toString();
        LibC.SyscallException e = assertThrows(LibC.SyscallException.class, () -> UnixSockets.connectUnix(path, LibC.SOCK_DGRAM));
        assertTrue(e.getMessage().startsWith("connect(" + path + ") failed"), e.getMessage());
    }

    private static String read(int fd) {
        assertTrue(FdEvents.pollIn(fd, 5000));
        byte[] buf = new byte[100];
        int n = UnixSockets.recv(fd, buf, LibC.MSG_DONTWAIT);
        return new String(buf, 0, n);
    }

    @Test
    void errnoBecomesANamedError() {
        LibC.SyscallException e = assertThrows(LibC.SyscallException.class, () -> LibC.openDirectory("/nonexistent/dir"));
        assertTrue(e.getMessage().startsWith("open(/nonexistent/dir) failed: No such file or directory"), e.getMessage());
        assertEquals(2, e.errno());
        LibC.SyscallException sp = assertThrows(LibC.SyscallException.class, () -> PosixSpawn.spawn(new String[] {"/nonexistent"}, new String[0], new int[0][], 1));
        assertTrue(sp.getMessage().startsWith("posix_spawn(/nonexistent)"), sp.getMessage());
    }
}
