package org.criuatlas.testing;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.bridge.criu.PosixSpawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A python3 program started for a scan test that reports what it holds on stdout, one
 * {@code NAME VALUE} line per object, then {@code ready}. {@link #value} reads those lines;
 * {@link #close} kills its whole tree.
 */
public final class ScriptProcs implements AutoCloseable {
    private final TestProcs.Proc proc;
    private final Path out;
    private final Map<String, String> values = new LinkedHashMap<>();

    private ScriptProcs(TestProcs.Proc proc, Path out) {
        this.proc = proc;
        this.out = out;
    }

    /**
     * Starts {@code python3 -c code args...} with stdout to {@code dir/NAME.out} and waits (up to
     * 20 s) for its {@code ready} line.
     */
    public static ScriptProcs start(Path dir, String name, String code, String... args) throws IOException {
        return start(dir, name, List.of(), code, args);
    }

    /**
     * As {@link #start(Path, String, String, String...)}, run through {@code wrapper} (a command
     * that execs what follows it in the same process, e.g. {@code unshare -n}, {@code setpriv ...}).
     */
    public static ScriptProcs start(Path dir, String name, List<String> wrapper, String code, String... args) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(name + ".out");
        Files.deleteIfExists(out);
        TestProcs.Proc p;
        if (wrapper.isEmpty()) {
            p = TestProcs.python(code, List.of(args), Map.of(), out);
        } else {
            TestProcs.becomeSubreaper();
            List<String> argv = new ArrayList<>(wrapper);
            argv.set(0, onPath(argv.get(0))); // posix_spawn does not search PATH
            argv.addAll(List.of(TestProcs.PYTHON, "-c", code));
            argv.addAll(List.of(args));
            int fd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC, 0644);
            try {
                p = new TestProcs.Proc(PosixSpawn.spawn(argv.toArray(new String[0]),
                        new String[] {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "PYTHONDONTWRITEBYTECODE=1"}, new int[0][], fd, true));
            } finally {
                LibC.close(fd);
            }
        }
        ScriptProcs s = new ScriptProcs(p, out);
        try {
            s.awaitLine("ready", Duration.ofSeconds(20));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Waits until a line equal to {@code line} was printed; reads every {@code NAME VALUE} line before it. */
    public void awaitLine(String line, Duration max) throws IOException {
        String[] last = {""};
        try {
            org.awaitility.Awaitility.await().atMost(max).pollInterval(Duration.ofMillis(20)).until(() -> {
                List<String> lines = Files.exists(out) ? Files.readAllLines(out) : List.of();
                for (String l : lines) {
                    int sp = l.indexOf(' ');
                    if (sp > 0) values.put(l.substring(0, sp), l.substring(sp + 1));
                }
                last[0] = String.join("\n", lines);
                if (lines.contains(line)) return true;
                if (!proc.alive()) throw new IOException("the script exited before '" + line + "': " + last[0]);
                return false;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException("no '" + line + "' within " + max + ": " + last[0]);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }

    private static String onPath(String cmd) throws IOException {
        if (cmd.startsWith("/")) return cmd;
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(d, cmd))) return d + "/" + cmd;
        }
        throw new IOException(cmd + " not found");
    }

    public int pid() { return proc.pid; }

    /** Every pid of its tree (it and its children). */
    public List<Integer> tree() { return new ArrayList<>(proc.tree()); }

    /** The VALUE of the line {@code NAME VALUE}. */
    public String value(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("the script printed no '" + name + "' line; it printed " + values.keySet());
        return v;
    }

    public int intValue(String name) { return Integer.parseInt(value(name).trim()); }

    @Override
    public void close() {
        proc.close();
    }
}
