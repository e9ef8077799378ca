package org.criuatlas.bridge.proc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** /proc/PID/cmdline: NUL-separated arguments. */
public final class Cmdline {
    private Cmdline() {}

    /**
     * The arguments in the first {@code len} bytes. A trailing NUL ends the last argument; a
     * process that rewrote its argv may leave no NUL at all (then the text is one argument).
     * Empty for kernel threads and zombies.
     */
    public static List<String> parse(byte[] b, int len) {
        List<String> out = new ArrayList<>(4);
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < len) out.add(new String(b, start, len - start, StandardCharsets.UTF_8));
        return out;
    }
}
