package org.criuatlas.bridge.scan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts src/test/resources/scan/topology.pl: real processes with socketpairs of each type, a
 * named listener with an accepted and a pending client, an abstract dgram server with a client,
 * a shared socket, a pipe and a FIFO. Knows what it built from the script's own report
 * (fstat inodes, fd numbers). Closing ends every process it started.
 */
final class PerlTopology implements AutoCloseable {
    record End(int pid, int fd, long ino) {}

    final Path dir;
    final Process parent;
    final Map<String, List<End>> ends = new HashMap<>();
    final Map<Integer, Integer> parentOf = new HashMap<>();

    PerlTopology() throws IOException {
        dir = Files.createTempDirectory("atlas-scan-test");
        Path script = dir.resolve("topology.pl");
        try (InputStream in = PerlTopology.class.getResourceAsStream("/scan/topology.pl")) {
            Files.copy(in, script);
        }
        parent = new ProcessBuilder("perl", script.toString(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                if (f[0].equals("ready")) return;
                if (f[0].equals("proc")) parentOf.put(Integer.parseInt(f[1]), Integer.parseInt(f[2]));
                if (f[0].equals("fd")) {
                    ends.computeIfAbsent(f[4], k -> new ArrayList<>())
                            .add(new End(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3])));
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        close();
        throw new IOException("topology.pl ended before it was ready");
    }

    End one(String label) {
        List<End> e = ends.get(label);
        if (e == null || e.size() != 1) throw new IllegalStateException(label + ": " + e);
        return e.get(0);
    }

    int pid() { return (int) parent.pid(); }

    @Override
    public void close() {
        List<ProcessHandle> kids = parent.toHandle().descendants().toList();
        try {
            parent.getOutputStream().close(); // the script kills and reaps its children on EOF
            parent.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // fall through to the forced kill
        }
        kids.forEach(ProcessHandle::destroyForcibly);
        parent.destroyForcibly();
        try {
            parent.waitFor(5, TimeUnit.SECONDS);
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | InterruptedException ignored) {
            // a leftover temp dir is harmless
        }
    }
}
