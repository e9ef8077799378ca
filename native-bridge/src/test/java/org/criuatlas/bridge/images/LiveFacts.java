package org.criuatlas.bridge.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What /proc and {@code ss -xapn} say about a set of live processes, collected just before a dump
 * (until the project's LiveScanner is merged, the tests compare the images against these facts).
 */
record LiveFacts(Map<Integer, Proc> procs, Map<Long, Sock> sockets) {
    record Fd(int fd, String target, int accMode) {}

    record Proc(int pid, int ppid, int pgid, int sid, char state, String comm, Map<Integer, Fd> fds) {}

    /** One line of {@code ss -xapn}. */
    record Sock(long ino, String netid, String state, String name, long peer, long recvQ, long sendQ) {}

    static LiveFacts collect(Collection<Integer> pids) throws IOException, InterruptedException {
        Map<Integer, Proc> procs = new TreeMap<>();
        for (int pid : pids) procs.put(pid, proc(pid));
        return new LiveFacts(procs, ss());
    }

    static Proc proc(int pid) throws IOException {
        Path d = Path.of("/proc", String.valueOf(pid));
        String stat = Files.readString(d.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String comm = Files.readString(d.resolve("comm")).strip();
        Map<Integer, Fd> fds = new TreeMap<>();
        Path fdDir = d.resolve("fd");
        if (f[0].charAt(0) != 'Z') {
            try (var s = Files.list(fdDir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    int n = Integer.parseInt(p.getFileName().toString());
                    String target = Files.readSymbolicLink(p).toString();
                    int acc = 3;
                    for (String line : Files.readAllLines(d.resolve("fdinfo").resolve(String.valueOf(n)))) {
                        if (line.startsWith("flags:")) acc = Integer.parseInt(line.substring(6).trim(), 8) & 3;
                    }
                    fds.put(n, new Fd(n, target, acc));
                }
            }
        }
        return new Proc(pid, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[0].charAt(0), comm, fds);
    }

    static Map<Long, Sock> ss() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-xapnH").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("ss failed: " + out);
        Map<Long, Sock> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] t = line.trim().split("\\s+");
            if (t.length < 8 || !t[0].startsWith("u_")) continue;
            m.put(Long.parseLong(t[5]), new Sock(Long.parseLong(t[5]), t[0], t[1], t[4].equals("*") ? "" : t[4],
                    Long.parseLong(t[7]), Long.parseLong(t[2]), Long.parseLong(t[3])));
        }
        return m;
    }

    static List<Integer> pidsOf(Map<Integer, Proc> m) { return new ArrayList<>(m.keySet()); }
}
