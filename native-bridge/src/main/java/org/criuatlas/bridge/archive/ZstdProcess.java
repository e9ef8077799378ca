package org.criuatlas.bridge.archive;

import org.criuatlas.bridge.trust.ChildEnvironment;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A zstd stream decoded by the system's {@code zstd} command: the reference C decoder, about four
 * times faster here than the pure-Java one (aircompressor) on a podman archive, which decides how
 * long opening a large archive takes (every reader must decode the whole single frame). Why a child
 * process and not a native library in this JVM: the bridge runs as root and reads archives other
 * people made; zstd decodes them in a process of its own (as dpkg and apt do for packages), is never
 * unpacked into /tmp, and a crash there is an error here, not a dead bridge.
 *
 * <p>Only a root-owned binary in /usr/bin or /bin that nobody else can write is used, with the
 * allow-listed environment; the compressed bytes are fed to it through a pipe from the file this
 * reader already opened and checked (no second open by path). Its stderr becomes the message of a
 * failure: a cut stream is an {@link EOFException}, anything else an {@link IOException}. Closing
 * (also on a limit, a cancel or a bad member) ends the process. Without such a binary, or with
 * {@value #DECODER_PROPERTY}{@code =java}, the reader uses aircompressor.
 */
final class ZstdProcess extends InputStream {
    /** {@code java} forces the in-process decoder (tests run both). */
    static final String DECODER_PROPERTY = "criuatlas.archive.zstdDecoder";
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/zstd"), Path.of("/bin/zstd"));
    private static final int STDERR_KEEP = 4096;

    private final Process process;
    private final InputStream out;
    private final Thread feeder;
    private final Thread errors;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private volatile IOException feedFailure;
    private boolean ended;

    private ZstdProcess(Process process, InputStream compressed) {
        this.process = process;
        this.out = process.getInputStream();
        this.feeder = new Thread(() -> feed(compressed), "zstd-feed");
        this.errors = new Thread(this::collectErrors, "zstd-stderr");
        feeder.setDaemon(true);
        errors.setDaemon(true);
        feeder.start();
        errors.start();
    }

    /** The trusted zstd binary, if this machine has one and the in-process decoder is not asked for. */
    static Optional<Path> binary() {
        if ("java".equals(System.getProperty(DECODER_PROPERTY))) return Optional.empty();
        for (Path p : CANDIDATES) {
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                boolean othersWrite = a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                        || a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
                if (a.isRegularFile() && "root".equals(a.owner().getName()) && !othersWrite && Files.isExecutable(p)) return Optional.of(p);
            } catch (IOException | UnsupportedOperationException e) {
                // not there, or not a file we can vouch for: next
            }
        }
        return Optional.empty();
    }

    /** Starts {@code zstd} decoding {@code compressed} (read from its start). */
    static ZstdProcess start(Path zstd, InputStream compressed) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(zstd.toString(), "-d", "-c", "-q", "--no-progress");
        pb.environment().clear();
        pb.environment().putAll(ChildEnvironment.forCommand());
        return new ZstdProcess(pb.start(), compressed);
    }

    private void feed(InputStream compressed) {
        byte[] buf = new byte[1 << 16];
        try (OutputStream in = process.getOutputStream()) {
            int n;
            while ((n = compressed.read(buf)) > 0) in.write(buf, 0, n);
        } catch (IOException e) {
            // zstd stopped reading (it failed, or we closed it): its exit status says which
            if (process.isAlive()) feedFailure = e;
        }
    }

    private void collectErrors() {
        byte[] buf = new byte[1024];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buf)) > 0) {
                synchronized (stderr) {
                    if (stderr.size() < STDERR_KEEP) stderr.write(buf, 0, Math.min(n, STDERR_KEEP - stderr.size()));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) return -1;
        int n = out.read(b, off, len);
        if (n < 0) {
            ended = true;
            finish();
        }
        return n;
    }

    /** At the end of its output: zstd's exit status says whether the stream was whole. */
    private void finish() throws IOException {
        int status;
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IOException("zstd did not end after its output ended");
            errors.join(TimeUnit.SECONDS.toMillis(5));
            status = process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while zstd ended", e);
        }
        if (feedFailure != null) throw feedFailure;
        if (status == 0) return;
        String said;
        synchronized (stderr) {
            said = stderr.toString(java.nio.charset.StandardCharsets.UTF_8).strip().replace('\n', ' ');
        }
        if (said.contains("premature end") || said.contains("truncated") || said.contains("incomplete")) {
            throw new EOFException("the zstd stream is cut short (zstd: " + said + ")");
        }
        throw new IOException("zstd could not decode it (exit " + status + "): " + said);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            feeder.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            out.close();
        }
    }
}
