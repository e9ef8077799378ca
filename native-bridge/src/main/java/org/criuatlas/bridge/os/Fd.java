package org.criuatlas.bridge.os;

import org.criuatlas.bridge.criu.FdEvents;
import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.UnixSockets;
import org.criuatlas.model.SocketType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * An open file descriptor of this process: a pipe end, a unix socket or a file, closed exactly once.
 * The JDK cannot make seqpacket sockets, socketpairs of any type or pipes it can hand to another
 * process by number, so these come from libc; this class keeps the fd number and its kind together and
 * does the EINTR/partial-write/packet-sizing work once, so callers only say what they mean.
 *
 * <p>Every descriptor made here is close-on-exec (a child gets its copy through
 * {@link ChildProcess}'s explicit placement, which clears the flag on the copy) and blocking.
 * Thread rules: one thread reads, one writes; {@link #close()} may come from any thread but must not
 * race a blocking call on the same fd (stop the reader first, as the restore ends do).
 */
public final class Fd implements AutoCloseable {
    /** What the fd is: decides read vs recv, and whether data comes in packets. */
    public enum Kind {
        PIPE_READ_END, PIPE_WRITE_END, STREAM_SOCKET, DATAGRAM_SOCKET, SEQPACKET_SOCKET, FILE;

        /** True for sockets that keep message boundaries (datagram, seqpacket). */
        public boolean packets() { return this == DATAGRAM_SOCKET || this == SEQPACKET_SOCKET; }

        public boolean socket() { return this == STREAM_SOCKET || packets(); }

        static Kind of(SocketType t) {
            return switch (t) {
                case STREAM -> STREAM_SOCKET;
                case DGRAM -> DATAGRAM_SOCKET;
                case SEQPACKET -> SEQPACKET_SOCKET;
                case UNKNOWN -> throw new IllegalArgumentException("a socket of unknown type cannot be made");
            };
        }
    }

    /** A pipe: data written to {@link #writeEnd()} comes out of {@link #readEnd()}. */
    public record Pipe(Fd readEnd, Fd writeEnd) implements AutoCloseable {
        @Override public void close() {
            readEnd.close();
            writeEnd.close();
        }
    }

    /** Two connected unix sockets of one type (a socketpair). */
    public record Pair(Fd first, Fd second) implements AutoCloseable {
        @Override public void close() {
            first.close();
            second.close();
        }
    }

    private final AtomicInteger number;
    private final Kind kind;

    private Fd(int number, Kind kind) {
        if (number < 0) throw new IllegalArgumentException("fd " + number);
        this.number = new AtomicInteger(number);
        this.kind = kind;
    }

    /** Takes ownership of an fd this process already has open (it will be closed by {@link #close()}). */
    public static Fd adopt(int number, Kind kind) {
        return new Fd(number, kind);
    }

    /** pipe2(O_CLOEXEC). */
    public static Pipe pipe() {
        int[] p = call(() -> LibC.pipe(LibC.O_CLOEXEC));
        return new Pipe(new Fd(p[0], Kind.PIPE_READ_END), new Fd(p[1], Kind.PIPE_WRITE_END));
    }

    /** socketpair(AF_UNIX, type | SOCK_CLOEXEC). */
    public static Pair socketPair(SocketType type) {
        Kind k = Kind.of(type);
        int[] sv = call(() -> UnixSockets.socketpair(type.linuxValue | LibC.SOCK_CLOEXEC));
        return new Pair(new Fd(sv[0], k), new Fd(sv[1], k));
    }

    /** A new unix socket of {@code type} connected to the filesystem socket {@code path}. */
    public static Fd connectUnix(String path, SocketType type) {
        Kind k = Kind.of(type);
        return new Fd(callInt(() -> UnixSockets.connectUnix(path, type.linuxValue)), k);
    }

    /** Opens (creating, mode 0600) {@code file} for appending. */
    public static Fd appendTo(Path file) {
        return new Fd(callInt(() -> LibC.open(file.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC, 0600)),
                Kind.FILE);
    }

    /** Opens a directory read-only (e.g. an images dir handed to criu by number). */
    public static Fd openDirectory(Path dir) {
        return new Fd(callInt(() -> LibC.openDirectory(dir.toString())), Kind.FILE);
    }

    public Kind kind() { return kind; }

    /** The fd number while open. */
    public int number() {
        int n = number.get();
        if (n < 0) throw new IllegalStateException("fd already closed");
        return n;
    }

    public boolean isOpen() { return number.get() >= 0; }

    /**
     * Whatever data is there (waits for some): up to {@code buf.length} bytes from a pipe or stream,
     * one whole packet from a datagram/seqpacket socket (sized first, never cut). Null at end of input
     * (the other side closed).
     */
    public byte[] receive(byte[] buf) {
        int fd = number();
        if (kind.packets()) return call(() -> UnixSockets.recvPacket(fd));
        int n = callInt(() -> kind.socket() ? UnixSockets.recv(fd, buf, 0) : LibC.read(fd, buf));
        return n <= 0 ? null : Arrays.copyOf(buf, n);
    }

    /**
     * Writes all of {@code data}: as one packet on a datagram/seqpacket socket, else looping over
     * partial writes. Never raises SIGPIPE (a closed peer is an EPIPE {@link SyscallException}).
     */
    public void sendAll(byte[] data) {
        int fd = number();
        if (kind.packets()) {
            callInt(() -> UnixSockets.send(fd, data, 0));
            return;
        }
        int off = 0;
        while (off < data.length) {
            byte[] rest = off == 0 ? data : Arrays.copyOfRange(data, off, data.length);
            int n = callInt(() -> kind.socket() ? UnixSockets.send(fd, rest, 0) : LibC.write(fd, rest));
            if (n <= 0) throw new SyscallException(kind.socket() ? "send" : "write", LibC.EPIPE, "wrote nothing");
            off += n;
        }
    }

    /** Tells the peer no more data comes (shutdown(SHUT_WR)); false when it was not connected or is closed. */
    public boolean shutdownOutput() {
        int n = number.get();
        return n >= 0 && UnixSockets.shutdown(n, LibC.SHUT_WR);
    }

    /** Waits at most {@code timeout} until a read would not block (data, end of input or an error). */
    public boolean awaitReadable(Duration timeout) {
        return !readable(timeout, this).isEmpty();
    }

    /**
     * Waits at most {@code timeout} until one of {@code fds} (at most two) can be read without blocking;
     * returns those that can, empty on timeout or when a signal interrupted the wait.
     */
    public static List<Fd> readable(Duration timeout, Fd... fds) {
        if (fds.length == 0 || fds.length > 2) throw new IllegalArgumentException("one or two fds");
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        int bits = callInt(() -> FdEvents.pollIn(fds[0].number(), fds.length > 1 ? fds[1].number() : -1, ms));
        List<Fd> ready = new ArrayList<>(2);
        for (int i = 0; i < fds.length; i++) if ((bits & (1 << i)) != 0) ready.add(fds[i]);
        return ready;
    }

    /**
     * Gives up ownership: returns the number and leaves the fd open (for a caller that hands it on by
     * number, e.g. to criu). This object is closed afterwards.
     */
    public int release() {
        int n = number.getAndSet(-1);
        if (n < 0) throw new IllegalStateException("fd already closed");
        return n;
    }

    /** Closes the fd; idempotent, safe from any thread. */
    @Override
    public void close() {
        int n = number.getAndSet(-1);
        if (n >= 0) LibC.close(n);
    }

    @Override
    public String toString() {
        int n = number.get();
        return "fd " + (n < 0 ? "(closed)" : n) + " " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** Runs a libc call, turning its error into this package's type (libc lives in bridge.criu for now). */
    static <T> T call(java.util.function.Supplier<T> c) {
        try {
            return c.get();
        } catch (LibC.SyscallException e) {
            throw translate(e);
        }
    }

    static int callInt(IntSupplier c) {
        try {
            return c.getAsInt();
        } catch (LibC.SyscallException e) {
            throw translate(e);
        }
    }

    static SyscallException translate(LibC.SyscallException e) {
        SyscallException t = new SyscallException(e.syscall(), e.errno(), LibC.describe(e.errno()));
        t.initCause(e);
        return t;
    }
}
