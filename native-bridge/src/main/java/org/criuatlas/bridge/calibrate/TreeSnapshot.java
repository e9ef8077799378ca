package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.criu.CriuSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a process tree holds, read from /proc in a form that survives a faithful restore: per pid,
 * its state letter, thread count, seccomp mode, and per fd what it points to with inode numbers
 * masked, TCP/UDP sockets described by protocol, addresses and state (from the process's own
 * /proc/PID/net tables, so other network namespaces are covered) and the locks fdinfo shows
 * (type and mode). A restore that brings back the same tree gives an equal snapshot.
 */
record TreeSnapshot(Map<Integer, String> processes) {
    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    static TreeSnapshot of(int root) {
        Map<Integer, String> out = new TreeMap<>();
        for (var e : CriuSession.treeStates(root).entrySet()) out.put(e.getKey(), describe(e.getKey(), e.getValue()));
        return new TreeSnapshot(out);
    }

    /**
     * The differences, in words (empty when equal), e.g. {@code pid 12: fd 4 (tcp 127.0.0.1:80 ->
     * 127.0.0.1:5000 ESTABLISHED) is gone}.
     */
    List<String> differences(TreeSnapshot after) {
        List<String> d = new ArrayList<>();
        for (var e : processes.entrySet()) {
            String now = after.processes.get(e.getKey());
            if (now == null) {
                d.add("pid " + e.getKey() + " is missing");
                continue;
            }
            Map<String, String> a = items(e.getValue()), b = items(now);
            for (var i : a.entrySet()) {
                String y = b.get(i.getKey());
                if (y == null) d.add("pid " + e.getKey() + ": " + i.getKey() + " (" + i.getValue() + ") is gone");
                else if (!y.equals(i.getValue())) d.add("pid " + e.getKey() + ": " + i.getKey() + " was " + i.getValue() + ", is " + y);
            }
            for (var i : b.entrySet())
                if (!a.containsKey(i.getKey())) d.add("pid " + e.getKey() + ": " + i.getKey() + " (" + i.getValue() + ") is new");
        }
        for (int pid : after.processes.keySet())
            if (!processes.containsKey(pid)) d.add("pid " + pid + " is new");
        return d;
    }

    /** "fd 4 tcp ..." → key "fd 4", value "tcp ..."; "state running" → "state" / "running". */
    private static Map<String, String> items(String description) {
        Map<String, String> m = new TreeMap<>();
        for (String line : description.split("\n")) {
            if (line.isEmpty()) continue;
            String[] w = line.split(" ", line.startsWith("fd ") ? 3 : 2);
            if (line.startsWith("fd ")) m.put("fd " + w[1], w.length > 2 ? w[2] : "");
            else m.put(w[0], w.length > 1 ? w[1] : "");
        }
        return m;
    }

    private static String describe(int pid, char state) {
        Path proc = Path.of("/proc", Integer.toString(pid));
        StringBuilder s = new StringBuilder();
        s.append("state ").append(state == 'S' || state == 'R' || state == 'D' ? "running" : String.valueOf(state)).append('\n');
        Map<Long, String> inet = inetSockets(proc);
        try {
            for (String l : Files.readAllLines(proc.resolve("status"))) {
                if (l.startsWith("Threads:") || l.startsWith("Seccomp:")) s.append(l.replaceAll("\\s+", " ")).append('\n');
            }
            Map<Integer, String> fds = new TreeMap<>();
            try (Stream<Path> list = Files.list(proc.resolve("fd"))) {
                for (Path p : (Iterable<Path>) list::iterator) {
                    int fd = Integer.parseInt(p.getFileName().toString());
                    String link;
                    try {
                        link = Files.readSymbolicLink(p).toString();
                    } catch (IOException e) {
                        continue;
                    }
                    String what = link;
                    if (link.startsWith("socket:[")) {
                        long ino = Long.parseLong(link.substring(8, link.length() - 1));
                        what = inet.getOrDefault(ino, "socket");
                    } else {
                        what = link.replaceAll("\\[\\d+]", "[N]").replaceAll("/dev/pts/\\d+", "/dev/pts/N");
                    }
                    fds.put(fd, what + locks(proc, fd));
                }
            }
            fds.forEach((fd, w) -> s.append("fd ").append(fd).append(' ').append(w).append('\n'));
        } catch (IOException | RuntimeException e) {
            s.append("unreadable: ").append(e.getClass().getSimpleName()).append('\n');
        }
        return s.toString();
    }

    private static String locks(Path proc, int fd) {
        try {
            StringBuilder l = new StringBuilder();
            for (String line : Files.readAllLines(proc.resolve("fdinfo").resolve(Integer.toString(fd)))) {
                if (!line.startsWith("lock:")) continue;
                String[] w = line.substring(5).trim().split("\\s+");
                if (w.length >= 4) l.append(" lock ").append(w[1]).append(' ').append(w[3]); // e.g. "POSIX WRITE"
            }
            return l.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** inode → "tcp 127.0.0.1:80 -> 127.0.0.1:5000 ESTABLISHED" from the process's own net tables. */
    private static Map<Long, String> inetSockets(Path proc) {
        Map<Long, String> out = new HashMap<>();
        for (String proto : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
            try {
                List<String> lines = Files.readAllLines(proc.resolve("net").resolve(proto));
                for (int i = 1; i < lines.size(); i++) {
                    String[] w = lines.get(i).trim().split("\\s+");
                    if (w.length < 10) continue;
                    int st = Integer.parseInt(w[3], 16);
                    String state = proto.startsWith("tcp") ? (st < TCP_STATES.length ? TCP_STATES[st] : "state " + st) : (st == 1 ? "connected" : "unconnected");
                    out.put(Long.parseLong(w[9]), proto + " " + address(w[1]) + " -> " + address(w[2]) + " " + state);
                }
            } catch (IOException | RuntimeException ignored) {
                // no such table (no IPv6) or the process went away
            }
        }
        return out;
    }

    /** "0100007F:1F90" → "127.0.0.1:8080"; 32 hex digits (IPv6, four little-endian words) → "[::1]:8080" style. */
    static String address(String hex) {
        int colon = hex.indexOf(':');
        String a = hex.substring(0, colon);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        byte[] b = new byte[a.length() / 2];
        for (int w = 0; w < b.length / 4; w++)
            for (int i = 0; i < 4; i++) b[w * 4 + i] = (byte) Integer.parseInt(a.substring(w * 8 + (3 - i) * 2, w * 8 + (3 - i) * 2 + 2), 16);
        try {
            String ip = java.net.InetAddress.getByAddress(b).getHostAddress();
            return (b.length == 16 ? "[" + ip + "]" : ip) + ":" + port;
        } catch (java.net.UnknownHostException e) {
            return hex;
        }
    }
}
