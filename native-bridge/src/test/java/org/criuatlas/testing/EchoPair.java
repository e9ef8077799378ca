package org.criuatlas.testing;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.UnixSockets;

import java.util.List;
import java.util.Map;

/**
 * The seed scenario of the CRIU tests: a python echo worker holding one end of a stream socketpair
 * at its fd 3 while this JVM keeps the other end, so the worker's socket has a peer outside any
 * dump of it. close() kills and reaps the worker, then closes our end.
 */
public final class EchoPair implements AutoCloseable {
    /** The worker (its own session; stdio on /dev/null). */
    public final TestProcs.Proc echo;
    /** Inode of the worker's end (inside a dump of it) and of ours (outside). */
    public final long inside, outside;
    private int ours;

    private EchoPair(TestProcs.Proc echo, long inside, long outside, int ours) {
        this.echo = echo;
        this.inside = inside;
        this.outside = outside;
        this.ours = ours;
    }

    /** Starts the worker; our copy of its end is closed, so only the worker holds it. */
    public static EchoPair start() {
        int[] sp = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        try {
            TestProcs.Proc echo = TestProcs.python(TestProcs.ECHO_FD3, List.of(), Map.of(3, sp[1]), null);
            return new EchoPair(echo, TestProcs.inode(sp[1]), TestProcs.inode(sp[0]), sp[0]);
        } catch (RuntimeException e) {
            LibC.close(sp[0]);
            throw e;
        } finally {
            LibC.close(sp[1]);
        }
    }

    /** Our end of the socketpair, -1 once closed. */
    public int ours() {
        return ours;
    }

    /** Closes our end (the worker sees EOF); idempotent. */
    public void closeOurs() {
        LibC.close(ours);
        ours = -1;
    }

    @Override
    public void close() {
        echo.close();
        closeOurs();
    }
}
