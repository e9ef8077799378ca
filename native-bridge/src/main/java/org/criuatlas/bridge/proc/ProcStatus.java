package org.criuatlas.bridge.proc;

import org.criuatlas.model.SeccompMode;

/**
 * The lines of /proc/PID/status the graph needs.
 *
 * @param uid       real uid ("Uid:" first field), -1 when absent
 * @param tracerPid pid of the tracer ("TracerPid:"), 0 for none, -1 when absent
 * @param threads   "Threads:", 0 when absent
 * @param seccomp   "Seccomp:" mode
 */
public record ProcStatus(int uid, int tracerPid, int threads, SeccompMode seccomp) {

    public static ProcStatus parse(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return parse(b, b.length);
    }

    /**
     * Parses the first {@code len} bytes.
     *
     * @throws ProcFormatException when a wanted line is there but not a number
     */
    public static ProcStatus parse(byte[] b, int len) {
        int uid = -1, tracer = -1, threads = 0, seccomp = -1;
        int i = 0;
        while (i < len) {
            // the lines we want start with U, T or S: test the first byte before the name
            byte c = b[i];
            if (c == 'U' && startsWith(b, i, len, "Uid:")) uid = (int) number(b, i + 4, len, "Uid:");
            else if (c == 'T' && startsWith(b, i, len, "TracerPid:")) tracer = (int) number(b, i + 10, len, "TracerPid:");
            else if (c == 'T' && startsWith(b, i, len, "Threads:")) threads = (int) number(b, i + 8, len, "Threads:");
            else if (c == 'S' && startsWith(b, i, len, "Seccomp:")) seccomp = (int) number(b, i + 8, len, "Seccomp:");
            while (i < len && b[i] != '\n') i++;
            i++;
        }
        return new ProcStatus(uid, tracer, threads, seccomp < 0 ? SeccompMode.UNKNOWN : SeccompMode.fromStatus(seccomp));
    }

    /**
     * The real uid from the "Uid:" line (real, effective, saved, fs), or -1 when absent.
     *
     * @throws ProcFormatException when the line is there but not numbers
     */
    public static int realUid(byte[] b, int len) {
        return parse(b, len).uid();
    }

    public static int realUid(String text) {
        return parse(text).uid();
    }

    private static boolean startsWith(byte[] b, int from, int len, String prefix) {
        if (len - from < prefix.length()) return false;
        for (int k = 0; k < prefix.length(); k++) if (b[from + k] != prefix.charAt(k)) return false;
        return true;
    }

    private static long number(byte[] b, int p, int len, String line) {
        while (p < len && (b[p] == '\t' || b[p] == ' ')) p++;
        boolean neg = p < len && b[p] == '-';
        if (neg) p++;
        int start = p;
        long v = 0;
        while (p < len && b[p] >= '0' && b[p] <= '9') v = v * 10 + (b[p++] - '0');
        if (p == start) throw new ProcFormatException("status", line + " line without a number");
        return neg ? -v : v;
    }
}
