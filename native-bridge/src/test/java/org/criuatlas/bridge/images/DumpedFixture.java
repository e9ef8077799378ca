package org.criuatlas.bridge.images;

import org.criuatlas.bridge.criu.TempDirs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real process tree (src/test/resources/images/ipc-fixture.py) with every IPC kind, its live
 * facts taken just before the dump, and a real CRIU dump of it. The launcher stays outside the
 * dump and holds the far ends of an external socketpair, a named DGRAM server and a pipe.
 * {@link #close()} kills everything it started, even when the dump failed.
 */
final class DumpedFixture implements AutoCloseable {
    final Path dir;
    final Path images;
    final Process launcher;
    int rootPid, extPairIno, extDgramIno, childPid, zombiePid;
    LiveFacts live;

    private DumpedFixture(Path dir, Process launcher) {
        this.dir = dir;
        this.images = dir.resolve("img");
        this.launcher = launcher;
    }

    static DumpedFixture dump(Path criu) throws Exception {
        Path dir = Files.createTempDirectory("atlas-img-");
        Process p = new ProcessBuilder("/usr/bin/python3", "-u", script().toString(), dir.toString())
                .redirectErrorStream(true).start();
        DumpedFixture f = new DumpedFixture(dir, p);
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("READY ")) throw new IllegalStateException("fixture did not start: " + line);
            String[] t = line.split(" ");
            f.rootPid = Integer.parseInt(t[1]);
            f.extPairIno = Integer.parseInt(t[2]);
            f.extDgramIno = Integer.parseInt(t[3]);
            f.childPid = Integer.parseInt(t[4]);
            f.zombiePid = Integer.parseInt(t[5]);
            f.live = LiveFacts.collect(List.of(f.rootPid, f.zombiePid, f.childPid));
            Files.createDirectories(f.images);
            runCriu(criu, f.images, "dump", "-t", String.valueOf(f.rootPid), "-D", f.images.toString(), "-o", "dump.log",
                    "-v4", "--external", "unix[" + f.extPairIno + "]", "--ext-unix-sk");
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    static void runCriu(Path criu, Path images, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(criu.toString());
        cmd.addAll(List.of(args));
        Process c = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(images.resolve("criu.out").toFile()).start();
        if (!c.waitFor(120, TimeUnit.SECONDS)) {
            c.destroyForcibly();
            throw new IllegalStateException("criu " + args[0] + " hung");
        }
        if (c.exitValue() != 0) {
            Path log = images.resolve("dump.log");
            String tail = Files.exists(log) ? String.join("\n", lastLines(Files.readAllLines(log), 30)) : "";
            throw new IllegalStateException("criu " + args[0] + " failed (" + c.exitValue() + "):\n" + tail);
        }
    }

    private static List<String> lastLines(List<String> l, int n) { return l.subList(Math.max(0, l.size() - n), l.size()); }

    static Path script() throws URISyntaxException {
        return Path.of(DumpedFixture.class.getResource("/images/ipc-fixture.py").toURI());
    }

    @Override
    public void close() {
        for (int pid : new int[] {childPid, zombiePid, rootPid}) {
            if (pid > 0) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        launcher.destroyForcibly();
        try {
            launcher.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.deleteQuietly(dir); // a temp dir left behind is harmless
    }
}
