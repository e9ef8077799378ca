package org.criuatlas.bridge.proc;

import java.nio.charset.StandardCharsets;

/**
 * The fields of /proc/PID/stat that the graph needs.
 *
 * @param pid   process id
 * @param comm  command name (may contain spaces and parentheses)
 * @param state one-letter state
 * @param ppid  parent pid
 * @param pgid  process group
 * @param sid   session id
 * @param ttyNr controlling terminal device number, 0 for none
 * @param tpgid foreground process group of the controlling terminal, -1 for none
 * @param threads number of threads (field 20), 0 when the line ends before it
 * @param flags   the kernel's PF_* flags word (field 9), 0 when the line ends before it
 */
public record ProcStat(int pid, String comm, char state, int ppid, int pgid, int sid, long ttyNr, int tpgid, int threads,
                       long flags) {
    /** PF_KTHREAD (include/linux/sched.h). */
    static final long PF_KTHREAD = 0x00200000;

    /** A kernel thread: no memory, no files, no command line. */
    public boolean kernelThread() { return (flags & PF_KTHREAD) != 0; }


    /** Parses the text of /proc/PID/stat. */
    public static ProcStat parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return parse(b, b.length);
    }

    /**
     * Parses the first {@code len} bytes of /proc/PID/stat. The command name is whatever lies
     * between the first '(' and the last ')', because comm itself may contain ") ".
     *
     * @throws ProcFormatException when the text is not a stat line
     */
    public static ProcStat parse(byte[] b, int len) {
        int open = indexOf(b, 0, len, (byte) '(');
        int close = lastIndexOf(b, len, (byte) ')');
        if (open <= 0 || close < open || close + 2 >= len) {
            throw new ProcFormatException("stat", "no '(comm)' in " + preview(b, len));
        }
        int[] pos = {0};
        int pid = (int) number(b, pos, open, "pid");
        String comm = new String(b, open + 1, close - open - 1, StandardCharsets.UTF_8);
        int p = close + 1;
        while (p < len && b[p] == ' ') p++;
        if (p >= len) throw new ProcFormatException("stat", "no state in " + preview(b, len));
        char state = (char) b[p++];
        pos[0] = p;
        int ppid = (int) number(b, pos, len, "ppid");
        int pgid = (int) number(b, pos, len, "pgrp");
        int sid = (int) number(b, pos, len, "session");
        long tty = number(b, pos, len, "tty_nr");
        int tpgid = (int) number(b, pos, len, "tpgid");
        int threads = 0;
        long flags = hasNumber(b, pos, len) ? number(b, pos, len, "flags") : 0;
        // minflt .. nice (fields 10-19) are skipped; num_threads is field 20
        for (int field = 10; field <= 19 && hasNumber(b, pos, len); field++) number(b, pos, len, "field " + field);
        if (hasNumber(b, pos, len)) threads = (int) number(b, pos, len, "num_threads");
        return new ProcStat(pid, comm, state, ppid, pgid, sid, tty, tpgid, threads, flags);
    }

    /** Reads the next (optionally negative) decimal number after spaces, advancing pos[0]. */
    static long number(byte[] b, int[] pos, int end, String field) {
        int p = pos[0];
        while (p < end && b[p] == ' ') p++;
        boolean neg = false;
        if (p < end && b[p] == '-') { neg = true; p++; }
        int start = p;
        long v = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') v = v * 10 + (b[p++] - '0');
        if (p == start) throw new ProcFormatException("stat", "field " + field + " is not a number");
        pos[0] = p;
        return neg ? -v : v;
    }

    private static boolean hasNumber(byte[] b, int[] pos, int end) {
        int p = pos[0];
        while (p < end && b[p] == ' ') p++;
        return p < end && (b[p] == '-' || (b[p] >= '0' && b[p] <= '9'));
    }

    static int indexOf(byte[] b, int from, int len, byte c) {
        for (int i = from; i < len; i++) if (b[i] == c) return i;
        return -1;
    }

    static int lastIndexOf(byte[] b, int len, byte c) {
        for (int i = len - 1; i >= 0; i--) if (b[i] == c) return i;
        return -1;
    }

    static String preview(byte[] b, int len) {
        return "'" + new String(b, 0, Math.min(len, 80), StandardCharsets.UTF_8).strip() + "'";
    }
}
