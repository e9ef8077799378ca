package org.criuatlas.bridge.scan;

import org.criuatlas.model.InetEndpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ss -tuanpe} output (ss -tuanp plus -e for inodes), parsed for comparison with a scan
 * (tests only; the scanner never parses ss).
 */
final class SsInet {
    /** One row, with endpoints in the comparable form of {@link #endpoint}. */
    record Row(String netid, String state, String local, String peer, List<String> holders, long ino, String line) {
        /** Everything compared, without the line itself (queues change between runs). */
        String key() { return netid + " " + state + " " + local + " " + peer + " " + holders + " ino " + ino; }
    }

    private static final Pattern ROW = Pattern.compile(
            "^(tcp|udp)\\s+(\\S+)\\s+\\d+\\s+\\d+\\s+(\\S+)\\s+(\\S+)\\s*(users:\\(.*?\\)\\))?.*?\\bino:(\\d+)");
    private static final Pattern USER = Pattern.compile("pid=(\\d+),fd=(\\d+)");

    static List<Row> run() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-tuanpe").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("ss failed: " + out);
        return parse(out);
    }

    static List<Row> parse(String out) {
        List<Row> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.find()) continue;
            List<String> holders = new ArrayList<>();
            if (m.group(5) != null) {
                Matcher u = USER.matcher(m.group(5));
                while (u.find()) holders.add(u.group(1) + "/" + u.group(2));
            }
            holders.sort(null);
            rows.add(new Row(m.group(1), m.group(2), endpoint(m.group(3)), endpoint(m.group(4)), holders,
                    Long.parseLong(m.group(6)), line));
        }
        return rows;
    }

    /**
     * ss's endpoint text made comparable: the interface scope ({@code %lo}) dropped, the
     * any-address (0.0.0.0, [::], * for a dual-stack socket) written {@code *}, port {@code *} as 0.
     */
    static String endpoint(String ss) {
        int colon = ss.lastIndexOf(':');
        String addr = ss.substring(0, colon), port = ss.substring(colon + 1);
        int pct = addr.indexOf('%');
        if (pct >= 0) addr = addr.substring(0, pct);
        if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
        if (addr.equals("0.0.0.0") || addr.equals("::")) addr = "*";
        return addr + ":" + (port.equals("*") ? "0" : port);
    }

    /** The same form for one of ours. */
    static String endpoint(InetEndpoint e) {
        return (e.isWildcard() ? "*" : e.address()) + ":" + e.port();
    }
}
