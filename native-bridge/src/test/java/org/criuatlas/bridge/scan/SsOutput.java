package org.criuatlas.bridge.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ss -xap} output, parsed for comparison with a scan (tests only; the scanner never parses ss). */
final class SsOutput {
    record Row(long ino, String netid, String state, String name, long peer, List<String> holders, String line) {
        /**
         * What is compared, without the line itself: ss pads its columns to the widest entry, so one
         * new socket with a long name changes the text of every line.
         */
        String key() { return netid + " " + state + " '" + name + "' " + ino + " peer " + peer + " " + holders; }
    }

    private static final Pattern ROW = Pattern.compile(
            "^(u_\\w+)\\s+(\\S+)\\s+\\d+\\s+\\d+\\s+(.*?)\\s+(\\d+)\\s+(\\S+)\\s+(\\d+)\\s*(users:\\(.*\\))?\\s*$");
    private static final Pattern USER = Pattern.compile("pid=(\\d+),fd=(\\d+)");

    static Map<Long, Row> run() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-xapn").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("ss failed: " + out);
        return parse(out);
    }

    static Map<Long, Row> parse(String out) {
        Map<Long, Row> rows = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) continue;
            List<String> holders = new ArrayList<>();
            if (m.group(7) != null) {
                Matcher u = USER.matcher(m.group(7));
                while (u.find()) holders.add(u.group(1) + "/" + u.group(2));
            }
            holders.sort(null);
            String name = m.group(3).equals("*") ? "" : m.group(3);
            long ino = Long.parseLong(m.group(4));
            rows.put(ino, new Row(ino, m.group(1), m.group(2), name, Long.parseLong(m.group(6)), holders, line));
        }
        return rows;
    }
}
