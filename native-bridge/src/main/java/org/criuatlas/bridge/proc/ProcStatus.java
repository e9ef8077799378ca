package org.criuatlas.bridge.proc;

/** The one line of /proc/PID/status the graph needs. */
public final class ProcStatus {
    private ProcStatus() {}

    /**
     * The real uid from the "Uid:" line (real, effective, saved, fs), or -1 when absent.
     *
     * @throws ProcFormatException when the line is there but not numbers
     */
    public static int realUid(byte[] b, int len) {
        int i = 0;
        while (i < len) {
            if (i + 4 <= len && b[i] == 'U' && b[i + 1] == 'i' && b[i + 2] == 'd' && b[i + 3] == ':') {
                int[] pos = {i + 4};
                int p = pos[0];
                while (p < len && (b[p] == '\t' || b[p] == ' ')) p++;
                pos[0] = p;
                long v = 0;
                int start = p;
                while (p < len && b[p] >= '0' && b[p] <= '9') v = v * 10 + (b[p++] - '0');
                if (p == start) throw new ProcFormatException("status", "Uid: line without a number");
                return (int) v;
            }
            while (i < len && b[i] != '\n') i++;
            i++;
        }
        return -1;
    }

    public static int realUid(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return realUid(b, b.length);
    }
}
