package org.criuatlas.plan;

import org.criuatlas.bridge.criu.CriuOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code criu dump} command line a plan amounts to, for people to read and for tests to run.
 * (The RPC session sends the same {@link CriuOptions}; this is only the command-line spelling.)
 */
public final class DumpCommand {
    private DumpCommand() {}

    /** Arguments after the criu binary: {@code dump -t PID -D DIR [-v4 -o LOG] [--leave-running] ...}. */
    public static List<String> args(CriuOptions o, String imagesDir) {
        List<String> a = new ArrayList<>();
        a.add("dump");
        a.add("-t");
        a.add(Integer.toString(o.pid()));
        a.add("-D");
        a.add(imagesDir);
        if (o.logLevel() != 2) a.add("-v" + o.logLevel());
        if (o.logFile() != null) { a.add("-o"); a.add(o.logFile()); }
        if (o.leaveRunning()) a.add("--leave-running");
        if (o.shellJob()) a.add("--shell-job");
        if (o.extUnixSk()) a.add("--ext-unix-sk");
        if (o.tcpEstablished()) a.add("--tcp-established");
        if (o.fileLocks()) a.add("--file-locks");
        for (String e : o.external()) { a.add("--external"); a.add(e); }
        return a;
    }

    /** One line a person can paste into a root shell. */
    public static String text(CriuOptions o, String imagesDir) {
        StringBuilder b = new StringBuilder("criu");
        for (String s : args(o, imagesDir)) b.append(' ').append(s.matches("[A-Za-z0-9_./:=@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'");
        return b.toString();
    }
}
