package org.criuatlas.bridge.topo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What /proc says about a process, read independently of the topology's manifest. */
record ProcView(int pid, int ppid, int pgid, int sid, char state, String comm) {

    static ProcView of(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        int open = stat.indexOf('('), close = stat.lastIndexOf(')');
        String[] rest = stat.substring(close + 2).split(" ");
        return new ProcView(pid, Integer.parseInt(rest[1]), Integer.parseInt(rest[2]), Integer.parseInt(rest[3]),
                rest[0].charAt(0), stat.substring(open + 1, close));
    }

    /** fd number to link text ({@code socket:[123]}, {@code pipe:[4]}, {@code /dev/null}, a path). */
    static Map<Integer, String> fds(int pid) throws IOException {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    out.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // the fd closed while we listed it
                }
            }
        }
        return out;
    }

    static boolean gone(int pid) {
        return !Files.exists(Path.of("/proc/" + pid));
    }
}
