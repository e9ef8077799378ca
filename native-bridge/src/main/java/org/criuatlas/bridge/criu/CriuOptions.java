package org.criuatlas.bridge.criu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of one CRIU dump or restore: what the planner produces, what the RPC session sends
 * and what the rendered command line says. Immutable; {@code withX} methods return a copy.
 *
 * @param pid            root of the tree to dump (dump only), 0 when unset
 * @param imagesDir      images directory (sent as {@code images_dir_fd})
 * @param workDir        work directory for the log and stats files, null = the images dir
 * @param leaveRunning   keep the tree running after the dump
 * @param shellJob       the tree belongs to a shell session / has a tty outside
 * @param tcpEstablished dump established TCP connections
 * @param fileLocks      dump file locks
 * @param extUnixSk      allow external unix sockets (reconnect by name on restore)
 * @param external       {@code --external} keys, e.g. {@code unix[12345]} (dump)
 * @param inheritFds     fds handed to criu for restore ({@code --inherit-fd fd[N]:KEY})
 * @param restoreSibling restore the tree as a child of the caller (restore)
 * @param logLevel       0..4 ({@code -vN})
 * @param logFile        log file name in the work dir (no slash)
 * @param notifyScripts  ask criu for stage notifications
 * @param tcpClose       dump connected TCP sockets to be restored closed ({@code --tcp-close})
 * @param tcpSkipInFlight skip connections still in a listener's accept queue ({@code --skip-in-flight})
 * @param linkRemap      allow a link-remap file for an open file whose name is gone but which has another ({@code --link-remap})
 * @param ghostLimit     largest deleted file CRIU copies into the images, bytes; 0 = CRIU's default (1 MiB) ({@code --ghost-limit})
 */
public record CriuOptions(int pid, Path imagesDir, Path workDir, boolean leaveRunning, boolean shellJob,
                          boolean tcpEstablished, boolean fileLocks, boolean extUnixSk, List<String> external,
                          List<InheritFd> inheritFds, boolean restoreSibling, int logLevel, String logFile,
                          boolean notifyScripts, boolean tcpClose, boolean tcpSkipInFlight, boolean linkRemap,
                          long ghostLimit) {

    /**
     * An fd handed to criu for restore.
     *
     * @param key     {@code socket:[INO]} or {@code pipe:[INO]} (the image object it replaces)
     * @param criuFd  the fd number in criu's own fd table
     */
    public record InheritFd(String key, int criuFd) {}

    public CriuOptions {
        external = external == null ? List.of() : List.copyOf(external);
        inheritFds = inheritFds == null ? List.of() : List.copyOf(inheritFds);
        if (logLevel < 0 || logLevel > 4) throw new IllegalArgumentException("log level must be 0..4: " + logLevel);
        if (logFile != null && logFile.contains("/")) throw new IllegalArgumentException("log file must be a bare name: " + logFile);
        if (ghostLimit < 0 || ghostLimit > 0xffffffffL) throw new IllegalArgumentException("ghost limit must be 0..4294967295: " + ghostLimit);
    }

    /** Defaults: log level 4 (the inodes CRIU names only appear at -v4), notifications on. */
    public static CriuOptions defaults() {
        return new CriuOptions(0, null, null, false, false, false, false, false, List.of(), List.of(),
                false, 4, null, true, false, false, false, 0);
    }

    public CriuOptions withPid(int v) { return new CriuOptions(v, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withImagesDir(Path v) { return new CriuOptions(pid, v, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withWorkDir(Path v) { return new CriuOptions(pid, imagesDir, v, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withLeaveRunning(boolean v) { return new CriuOptions(pid, imagesDir, workDir, v, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withShellJob(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, v, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withTcpEstablished(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, v, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withFileLocks(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, v, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withExtUnixSk(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, v, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withExternal(List<String> v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, v, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withInheritFds(List<InheritFd> v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, v, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withRestoreSibling(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, v, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withLogLevel(int v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, v, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withLogFile(String v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, v, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withNotifyScripts(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, v, tcpClose, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withTcpClose(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, v, tcpSkipInFlight, linkRemap, ghostLimit); }
    public CriuOptions withTcpSkipInFlight(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, v, linkRemap, ghostLimit); }
    public CriuOptions withLinkRemap(boolean v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, v, ghostLimit); }
    public CriuOptions withGhostLimit(long v) { return new CriuOptions(pid, imagesDir, workDir, leaveRunning, shellJob, tcpEstablished, fileLocks, extUnixSk, external, inheritFds, restoreSibling, logLevel, logFile, notifyScripts, tcpClose, tcpSkipInFlight, linkRemap, v); }

    /** A copy with one more {@code --external} key (no duplicates). */
    public CriuOptions plusExternal(String key) {
        if (external.contains(key)) return this;
        List<String> l = new ArrayList<>(external);
        l.add(key);
        return withExternal(l);
    }
}
