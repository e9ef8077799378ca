package org.criuatlas.bridge.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process and its terminal, from /proc: whether reading stdin would stop it (job control). */
public final class Terminal {
    private Terminal() {}

    /**
     * True when stdin is a terminal and this process is not in its foreground process group (started with {@code &}, or
     * put in the background): reading stdin then stops the whole process (SIGTTIN) until it is brought back. False when
     * stdin is a pipe, a file or /dev/null, or this process is in the foreground.
     */
    public static boolean readingStdinWouldStop() {
        try {
            String fd0 = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            if (!(fd0.startsWith("/dev/pts/") || fd0.startsWith("/dev/tty") || fd0.equals("/dev/console"))) return false;
            return !inForeground(Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException | RuntimeException e) {
            return false; // no /proc answer: reading is what the command did before
        }
    }

    /** From /proc/PID/stat: the process group (field 5) is the terminal's foreground group (tpgid, field 8). */
    static boolean inForeground(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces: fields are counted after its last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): pgrp is f[2], tpgid f[5]
        return Long.parseLong(f[2]) == Long.parseLong(f[5]);
    }
}
