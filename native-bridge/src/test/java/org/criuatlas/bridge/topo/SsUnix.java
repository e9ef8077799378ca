package org.criuatlas.bridge.topo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unix sockets as {@code ss -xpaH} reports them: an independent witness (sock_diag in iproute2) of
 * what the topology built. One row per socket, with every (process, pid, fd) holding it.
 */
record SsUnix(String netid, String state, String local, long inode, String peerName, long peerInode, List<User> users) {

    record User(String comm, int pid, int fd) {}

    private static final Pattern USER = Pattern.compile("\\(\"([^\"]*)\",pid=(\\d+),fd=(\\d+)\\)");

    /** Parses ss output lines; lines that are not unix socket rows are skipped. */
    static Map<Long, SsUnix> parse(String output) {
        Map<Long, SsUnix> out = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 8 || !w[0].startsWith("u_")) continue;
            List<User> users = new ArrayList<>();
            int at = line.indexOf("users:(");
            if (at >= 0) {
                Matcher m = USER.matcher(line.substring(at));
                while (m.find()) users.add(new User(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
            }
            long ino = Long.parseLong(w[5]);
            out.put(ino, new SsUnix(w[0], w[1], w[4], ino, w[6], Long.parseLong(w[7]), List.copyOf(users)));
        }
        return out;
    }

    static Map<Long, SsUnix> snapshot() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-xpaH").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ss did not finish");
        }
        if (p.exitValue() != 0) throw new IOException("ss failed: " + new String(out, StandardCharsets.UTF_8));
        return parse(new String(out, StandardCharsets.UTF_8));
    }
}
