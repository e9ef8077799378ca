package org.criuatlas.host.bridge;

import org.criuatlas.bridge.AtlasVersion;
import org.criuatlas.bridge.server.BridgeServer;
import org.criuatlas.bridge.server.FrameChannel;
import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.bridge.server.proto.BridgeProto.Reply;
import org.criuatlas.bridge.server.proto.BridgeProto.Request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The client's end of a bridge: sends requests, matches replies to them by id (several may be in
 * flight), hands progress events to their listener, and turns a broken link into a
 * {@link BridgeException} that says what happened on the other side (the bridge's stderr, its exit
 * status, a missing or older {@code criu-atlas} on a remote host).
 */
public final class BridgeLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BridgeLink.class.getName());

    private final FrameChannel ch;
    private final String where;
    private final Process process;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final StderrTail stderr;
    private final Thread reader;
    private volatile BridgeException broken;
    private volatile BridgeProto.HelloReply hello;

    private record Pending(CompletableFuture<Reply> result, Consumer<Reply> events) {}

    /**
     * A link over a bridge's stdout ({@code in}) and stdin ({@code out}).
     *
     * @param where   the host in words ("root@server through ssh", "this machine through pkexec")
     * @param process the bridge process, when this side started it (its stderr and exit tell why a link broke); may be null
     */
    public BridgeLink(InputStream in, OutputStream out, String where, Process process) {
        this.ch = new FrameChannel(in, out);
        this.where = Objects.requireNonNull(where);
        this.process = process;
        this.stderr = process == null ? null : new StderrTail(process.getErrorStream());
        this.reader = new Thread(this::readLoop, "bridge-link-" + where);
        reader.setDaemon(true);
        reader.start();
    }

    public String where() { return where; }

    public Process process() { return process; }

    public long bytesIn() { return ch.bytesIn(); }

    public long bytesOut() { return ch.bytesOut(); }

    /** Says hello (protocol 1) and remembers the bridge's answer; a bridge that cannot is a failed host with a clear reason. */
    public BridgeProto.HelloReply hello(Duration timeout) {
        Reply r;
        try {
            r = send(Request.newBuilder().setHello(BridgeProto.HelloRequest.newBuilder().setProtocol(BridgeServer.PROTOCOL)
                    .setClientVersion(AtlasVersion.version())), null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new BridgeException("no answer from the bridge on " + where + " within " + timeout.toSeconds() + " s" + said(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BridgeException("interrupted while connecting to " + where, e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
        if (r.hasError()) {
            BridgeProto.Error err = r.getError();
            if (err.getCode() == BridgeProto.Error.Code.UNSUPPORTED_PROTOCOL) {
                throw new BridgeException(err.getCode(), "criu-atlas on " + where + " speaks another bridge protocol: "
                        + err.getMessage() + ". Install the same CRIU Atlas version (" + AtlasVersion.version() + ") there.", true);
            }
            throw BridgeException.of(err.getCode(), "hello refused by " + where + ": " + err.getMessage());
        }
        hello = r.getHello();
        return hello;
    }

    /** The bridge's hello, null before {@link #hello}. */
    public BridgeProto.HelloReply helloReply() { return hello; }

    /**
     * Sends {@code request} (its id is assigned here); the future completes with the last reply
     * (an error reply completes it exceptionally with a {@link BridgeException}); {@code events}
     * gets the replies before it (may be null).
     */
    public CompletableFuture<Reply> send(Request.Builder request, Consumer<Reply> events) {
        return start(request, events).reply();
    }

    /** A request sent: its id (to cancel it) and its last reply. */
    public record Sent(long id, CompletableFuture<Reply> reply) {}

    /** {@link #send}, with the id the request was given. */
    public Sent start(Request.Builder request, Consumer<Reply> events) {
        long id = ids.incrementAndGet();
        CompletableFuture<Reply> f = new CompletableFuture<>();
        BridgeException b = broken;
        if (b != null) {
            f.completeExceptionally(b);
            return new Sent(id, f);
        }
        pending.put(id, new Pending(f, events));
        try {
            ch.write(request.setId(id).build());
        } catch (IOException e) {
            pending.remove(id);
            // a bridge that is gone already: say why it went (its stderr and exit), not just "broken pipe"
            f.completeExceptionally(brokenBecause(process != null ? ended() : "cannot write to the bridge on " + where + ": "
                    + e.getMessage(), e));
        }
        return new Sent(id, f);
    }

    /** Sends and waits; an error reply becomes a {@link BridgeException}. */
    public Reply call(Request.Builder request) {
        try {
            Reply r = send(request, null).get();
            if (r.hasError()) throw BridgeException.of(r.getError().getCode(), r.getError().getMessage());
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BridgeException("interrupted waiting for " + where, e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** Asks the bridge to cancel request {@code id}. */
    public void cancel(long id) {
        send(Request.newBuilder().setCancel(BridgeProto.CancelRequest.newBuilder().setTarget(id)), null);
    }

    private static BridgeException unwrap(ExecutionException e) {
        if (e.getCause() instanceof BridgeException b) return b;
        return new BridgeException(String.valueOf(e.getCause()), e.getCause());
    }

    private void readLoop() {
        try {
            while (true) {
                Reply r = ch.read(Reply.parser());
                if (r == null) {
                    brokenBecause(ended(), null);
                    return;
                }
                if (r.getId() == 0 && r.hasError()) {
                    // about a frame of ours that the bridge could not read: the link is no longer trustworthy
                    brokenBecause("the bridge on " + where + " could not read a request: " + r.getError().getCode() + " "
                            + r.getError().getMessage(), null);
                    return;
                }
                Pending p = pending.get(r.getId());
                if (p == null) {
                    LOG.log(System.Logger.Level.DEBUG, "a reply to no request ({0}) from {1}", r.getId(), where);
                    continue;
                }
                if (!r.getLast()) {
                    if (p.events() != null) {
                        try {
                            p.events().accept(r);
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.WARNING, "a bridge event listener failed", e);
                        }
                    }
                    continue;
                }
                pending.remove(r.getId());
                p.result().complete(r);
            }
        } catch (FrameChannel.FrameException e) {
            brokenBecause(garbled(e), e);
        } catch (IOException e) {
            brokenBecause("the link to " + where + " broke: " + e.getMessage() + said(), e);
        }
    }

    /** What to say when the bridge's stream ended. */
    private String ended() {
        Integer exit = exitStatus();
        if (exit != null && stderr != null) stderr.awaitEnd(2000);
        String err = stderr == null ? "" : stderr.text();
        if (hello == null) {
            if (exit != null && exit == 127 || err.contains("not found") || err.contains("No such file")) {
                return "criu-atlas is not installed on " + where + " (or not on the PATH of a non-interactive session): install CRIU Atlas "
                        + AtlasVersion.version() + " there (the .deb from installers/, or a checkout with ./criu-atlas)" + said();
            }
            if (err.contains("Unmatched argument") || err.contains("Unknown subcommand")) {
                return "criu-atlas on " + where + " is older than " + AtlasVersion.version() + " and has no bridge command:"
                        + " install CRIU Atlas " + AtlasVersion.version() + " there" + said();
            }
            return "the bridge on " + where + " ended before it answered" + (exit == null ? "" : " (exit status " + exit + ")") + said();
        }
        return "the bridge on " + where + " ended" + (exit == null ? "" : " (exit status " + exit + ")") + said();
    }

    private String garbled(FrameChannel.FrameException e) {
        if (hello == null) {
            return "what " + where + " sent is not the bridge protocol (" + e.getMessage() + "): criu-atlas there is missing,"
                    + " older than " + AtlasVersion.version() + ", or something in the login prints text (check the remote shell's"
                    + " startup files)" + said();
        }
        return "the bridge on " + where + " broke the protocol: " + e.getMessage() + said();
    }

    private Integer exitStatus() {
        if (process == null) return null;
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private String said() {
        if (stderr == null) return "";
        if (process != null && !process.isAlive()) stderr.awaitEnd(2000);
        String t = stderr.text().strip();
        return t.isEmpty() ? "" : ". It said: " + t;
    }

    private BridgeException brokenBecause(String why, Throwable cause) {
        BridgeException b = broken;
        if (b == null) {
            b = new BridgeException(why, cause);
            broken = b;
        }
        for (Long id : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) p.result().completeExceptionally(b);
        }
        return b;
    }

    /** Why the link is unusable, null while it works. */
    public BridgeException broken() { return broken; }

    @Override
    public void close() {
        ch.close();
        if (process != null) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        brokenBecause("the link to " + where + " was closed", null);
    }

    /** The last few KiB of the bridge's stderr, read on its own thread (a full pipe would block the bridge). */
    private static final class StderrTail {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread reader;

        StderrTail(InputStream in) {
            Thread t = new Thread(() -> {
                byte[] b = new byte[4096];
                try (in) {
                    int n;
                    while ((n = in.read(b)) > 0) {
                        synchronized (buf) {
                            buf.write(b, 0, n);
                            if (buf.size() > 64 * 1024) {
                                byte[] all = buf.toByteArray();
                                buf.reset();
                                buf.write(all, all.length - 8192, 8192);
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the bridge ended
                }
            }, "bridge-stderr");
            t.setDaemon(true);
            t.start();
            reader = t;
        }

        /**
         * Waits (up to {@code millis}) until all the bridge wrote to stderr is read: once it has ended,
         * its last words may still be in the pipe (seen in CI: "ended before it answered" without the
         * "Unmatched argument" line that says why).
         */
        void awaitEnd(long millis) {
            try {
                reader.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String text() {
            synchronized (buf) {
                String s = buf.toString(StandardCharsets.UTF_8);
                List<String> lines = new ArrayList<>(List.of(s.split("\n")));
                if (lines.size() > 6) lines = lines.subList(lines.size() - 6, lines.size());
                return String.join(" / ", lines);
            }
        }
    }
}
