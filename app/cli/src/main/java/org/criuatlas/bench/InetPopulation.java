package org.criuatlas.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Processes holding TCP and UDP sockets for {@code bench scan}: each one a loopback listener with
 * connections to itself (client and accepted ends, as a server with local clients would) and a few
 * UDP sockets. A python3 program, because the topology builder (atlas-topo) builds unix sockets,
 * pipes and ptys only; it leads a session of its own and is killed with all its children on close.
 */
final class InetPopulation implements AutoCloseable {
    private static final String SCRIPT = """
            import os, socket, sys, time
            procs, per = int(sys.argv[1]), int(sys.argv[2])
            os.setsid()
            for i in range(procs):
                r, w = os.pipe()
                if os.fork() == 0:
                    os.close(r)
                    keep = []
                    l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(per); keep.append(l)
                    udp = max(1, per // 10)
                    for _ in range(udp):
                        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0)); keep.append(u)
                    for _ in range((per - 1 - udp) // 2):
                        c = socket.create_connection(l.getsockname()); a, _ = l.accept(); keep += [c, a]
                    os.write(w, b'k'); os.close(w)
                    while True: time.sleep(3600)
                os.close(w); os.read(r, 1); os.close(r)
            print('ready', flush=True)
            while True: time.sleep(3600)
            """;

    private final Process process;
    final int processes;
    final int sockets;

    private InetPopulation(Process process, int processes, int sockets) {
        this.process = process;
        this.processes = processes;
        this.sockets = sockets;
    }

    /**
     * {@code processes} processes (plus their parent) holding about {@code sockets} inet sockets
     * in all; returns once every one holds its sockets.
     */
    static InetPopulation start(int processes, int sockets) throws IOException {
        int per = Math.max(3, sockets / Math.max(1, processes));
        Process p = new ProcessBuilder("python3", "-c", SCRIPT, Integer.toString(processes), Integer.toString(per))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        InetPopulation pop = new InetPopulation(p, processes + 1, processes * per);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            if (!"ready".equals(line)) throw new IOException("the inet population did not start (python3 said: " + line + ")");
        } catch (IOException e) {
            pop.close();
            throw e;
        }
        return pop;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
