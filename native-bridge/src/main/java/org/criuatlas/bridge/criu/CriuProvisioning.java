package org.criuatlas.bridge.criu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One run of the project's {@code provision-criu.sh}: the same verified route the scripts and CI
 * use (a private prefix with CRIU from Debian's archive, or a criu the user points to, accepted
 * only at version 4 or later and, as root, after {@code criu check}). The script records the path
 * where {@link CriuLocator} finds it next time. Progress lines (the script's stderr) go to a
 * listener as they come; {@link #cancel()} stops the script and everything it started.
 *
 * <p>The work is a shell script, not Java, on purpose: the launchers, the tests and CI run the same
 * file, so what the window does is what CI verified.
 */
public final class CriuProvisioning {
    /** System property naming the folder that holds provision-criu.sh (set by the launchers). */
    public static final String SCRIPTS_PROPERTY = "criuatlas.scripts";
    public static final String SCRIPT = "provision-criu.sh";
    private static final int TAIL = 12;

    private final Process process;
    private final Thread stderrReader;
    private final Deque<String> tail = new ArrayDeque<>();
    private final StringBuilder stdout = new StringBuilder();
    private volatile boolean cancelled;

    /** Why a run did not give a usable criu; {@link #tail()} holds the script's last lines. */
    public static final class ProvisioningException extends Exception {
        private final List<String> tail;

        public ProvisioningException(String message, List<String> tail) {
            super(message);
            this.tail = List.copyOf(tail);
        }

        public List<String> tail() { return tail; }
    }

    private CriuProvisioning(Process process, Consumer<String> progress) {
        this.process = process;
        this.stderrReader = new Thread(() -> pump(process.getErrorStream(), line -> {
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > TAIL) tail.removeFirst();
            }
            progress.accept(line);
        }), "provision-criu-stderr");
        stderrReader.setDaemon(true);
        stderrReader.start();
    }

    /**
     * The provisioning script: in the folder named by {@value #SCRIPTS_PROPERTY}, else in a
     * {@code scripts/} folder above the code's own location (a source checkout).
     */
    /** The private folder the script installs CRIU into (nothing outside it changes). */
    public static Path installFolder() {
        return CriuLocator.atlasHome();
    }

    public static Optional<Path> script() {
        String dir = System.getProperty(SCRIPTS_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir, SCRIPT);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        try {
            var src = CriuProvisioning.class.getProtectionDomain().getCodeSource();
            if (src == null) return Optional.empty();
            Path at = Path.of(src.getLocation().toURI()).toAbsolutePath();
            for (Path d = at.getParent(); d != null; d = d.getParent()) {
                Path p = d.resolve("scripts").resolve(SCRIPT);
                if (Files.isRegularFile(p)) return Optional.of(p);
            }
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Starts the script. With {@code userCriu}, the script checks that binary instead of
     * downloading one (and records it if it passes).
     */
    public static CriuProvisioning start(Path script, Path userCriu, Consumer<String> progress) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        if (userCriu != null) pb.environment().put(CriuLocator.ENV, userCriu.toAbsolutePath().toString());
        else pb.environment().remove(CriuLocator.ENV);
        Process p = pb.start();
        p.getOutputStream().close();
        return new CriuProvisioning(p, progress);
    }

    /** Waits for the script; the path of a criu that passed its checks, now recorded. */
    public Path await() throws ProvisioningException, InterruptedException {
        pump(process.getInputStream(), l -> stdout.append(l).append('\n'));
        int code = process.waitFor();
        stderrReader.join();
        List<String> last;
        synchronized (tail) {
            last = new ArrayList<>(tail);
        }
        if (cancelled) throw new ProvisioningException("cancelled", last);
        String out = stdout.toString().strip();
        if (code != 0 || out.isEmpty() || out.contains("\n"))
            throw new ProvisioningException(SCRIPT + " failed (exit " + code + ")", last);
        Path criu = Path.of(out);
        if (!Files.isExecutable(criu))
            throw new ProvisioningException(SCRIPT + " printed '" + out + "', which is not an executable file", last);
        return criu;
    }

    /** Whether this process runs with effective uid 0 (then the script also runs `criu check`). */
    public static boolean asRoot() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) return l.split("\\s+")[2].equals("0");
            }
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
        return false;
    }

    /** Stops the script and everything it started (apt-get, dpkg); {@link #await()} then fails with "cancelled". */
    public void cancel() {
        cancelled = true;
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    private static void pump(InputStream in, Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) sink.accept(line);
        } catch (IOException e) {
            // the process went away (cancelled or died): its exit code tells the rest
        }
    }
}
