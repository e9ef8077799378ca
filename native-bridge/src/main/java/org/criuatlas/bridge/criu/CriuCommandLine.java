package org.criuatlas.bridge.criu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plain {@code criu dump …} / {@code criu restore …} command that does what a {@link CriuOptions}
 * does over RPC, shell-quoted for bash. Pure.
 *
 * <p>What differs between RPC (swrk) and the command line:
 * <ul>
 *   <li>RPC restore is always detached; the rendered restore carries {@code --restore-detached} so
 *       criu returns once the tree runs, like the RPC reply.</li>
 *   <li>RPC hands criu the images/work dirs as fds of the caller ({@code images_dir_fd},
 *       {@code work_dir_fd}); the command line names paths ({@code -D}, {@code -W}).</li>
 *   <li>Stage notifications ({@code notify_scripts}) exist only over RPC; the command line would need
 *       {@code --action-script}, which is not rendered.</li>
 *   <li>RPC inherit-fd numbers are placed in criu's fd table by the session; on the command line the
 *       shell must open them, hence the {@code N<&M} redirections.</li>
 *   <li>The result: RPC gives {@code criu_resp.success}; the command line only an exit status
 *       (0 = success for dump and restore) and the log.</li>
 * </ul>
 */
public final class CriuCommandLine {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private CriuCommandLine() {}

    /** The dump command, e.g. {@code criu dump -t 42 -D /tmp/img -o dump.log -v4 --leave-running}. */
    public static String dump(Path criu, CriuOptions o) {
        return join(criu, dumpArgs(o), Map.of());
    }

    /**
     * The restore command.
     *
     * @param shellFds criu fd number → the fd that is open in the shell running the command; a
     *                 redirection {@code N<&M} is added for each where N ≠ M (none when empty: fd N
     *                 must then be open in the shell already)
     */
    public static String restore(Path criu, CriuOptions o, Map<Integer, Integer> shellFds) {
        return join(criu, restoreArgs(o), shellFds);
    }

    /** Arguments after the binary, unquoted. */
    public static List<String> dumpArgs(CriuOptions o) {
        if (o.pid() <= 0) throw new IllegalArgumentException("a dump needs the pid of the tree's root");
        List<String> a = new ArrayList<>(List.of("dump", "-t", Integer.toString(o.pid())));
        common(o, a, CriuRequest.DUMP);
        if (o.leaveRunning()) a.add("--leave-running");
        for (String e : o.external()) {
            a.add("--external");
            a.add(e);
        }
        return a;
    }

    public static List<String> restoreArgs(CriuOptions o) {
        List<String> a = new ArrayList<>(List.of("restore"));
        common(o, a, CriuRequest.RESTORE);
        a.add("--restore-detached");
        if (o.restoreSibling()) a.add("--restore-sibling");
        for (String e : o.external()) {
            a.add("--external");
            a.add(e);
        }
        for (CriuOptions.InheritFd f : o.inheritFds()) {
            a.add("--inherit-fd");
            a.add("fd[" + f.criuFd() + "]:" + f.key());
        }
        return a;
    }

    private static void common(CriuOptions o, List<String> a, CriuRequest r) {
        if (o.imagesDir() == null) throw new IllegalArgumentException("no images directory");
        a.add("-D");
        a.add(o.imagesDir().toString());
        if (o.workDir() != null) {
            a.add("-W");
            a.add(o.workDir().toString());
        }
        a.add("-o");
        a.add(o.logFile() != null ? o.logFile() : r.defaultLogFile());
        a.add("-v" + o.logLevel());
        if (o.shellJob()) a.add("--shell-job");
        if (o.tcpEstablished()) a.add("--tcp-established");
        if (o.fileLocks()) a.add("--file-locks");
        if (o.extUnixSk()) a.add("--ext-unix-sk");
        if (o.tcpClose()) a.add("--tcp-close");
        if (o.tcpSkipInFlight()) a.add("--skip-in-flight");
        if (o.linkRemap()) a.add("--link-remap");
        if (o.ghostLimit() > 0) {
            a.add("--ghost-limit");
            a.add(Long.toString(o.ghostLimit()));
        }
    }

    private static String join(Path criu, List<String> args, Map<Integer, Integer> shellFds) {
        StringBuilder b = new StringBuilder(quote(criu == null ? "criu" : criu.toString()));
        for (String s : args) b.append(' ').append(quote(s));
        for (var e : new TreeMap<>(shellFds).entrySet()) {
            if (!e.getKey().equals(e.getValue())) b.append(' ').append(e.getKey()).append("<&").append(e.getValue());
        }
        return b.toString();
    }

    /** Bash single-quoting: safe words stay bare, anything else in '…' with ' as '\''. */
    public static String quote(String s) {
        if (!s.isEmpty() && SAFE.matcher(s).matches()) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
