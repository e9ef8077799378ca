package org.criuatlas.restore;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.plan.restore.Replacement;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * An end handed to a command the user named: {@code /bin/sh -c COMMAND} with the end as its stdin
 * and stdout (a pipe's read end as stdin only, a write end as stdout only); what else it prints goes
 * to a file in the restore's work dir. Our copy of the end is closed once the command has it.
 */
public final class CommandEnd implements WiredEnd {
    private final String key;
    private final int criuFd;
    private final Replacement replacement;
    private final String command;
    private final Path outputFile;
    private int fd;
    private volatile int pid = -1;
    private volatile Integer exitStatus;

    CommandEnd(String key, int criuFd, Replacement replacement, int fd, String command, Path outputFile) {
        this.key = key;
        this.criuFd = criuFd;
        this.replacement = replacement;
        this.fd = fd;
        this.command = command;
        this.outputFile = outputFile;
    }

    @Override public String key() { return key; }
    @Override public int criuFd() { return criuFd; }

    @Override
    public String describe() {
        return key + " handed to \"" + command + "\"" + (pid > 0 ? " (pid " + pid + ")" : "") + "; its other output goes to " + outputFile;
    }

    public String command() { return command; }

    /** The command's pid, -1 before start. */
    public int pid() { return pid; }

    public Path outputFile() { return outputFile; }

    /** Null while it runs (or before start); else "exit N" / "killed by signal N". */
    public synchronized String exit() {
        poll();
        return exitStatus == null ? null : LibC.describeWaitStatus(exitStatus);
    }

    @Override
    public synchronized void start() {
        if (pid > 0 || fd < 0) return;
        int outFd = LibC.open(outputFile.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC, 0600);
        try {
            int stdin = replacement.ourEndReads() ? fd : -1;
            int stdout = replacement.ourEndWrites() ? fd : outFd;
            String[] env = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            pid = LibC.spawnShell(command, env, stdin, stdout, outFd);
        } catch (RuntimeException e) {
            throw new WiringException(key, "could not start \"" + command + "\"", e);
        } finally {
            LibC.close(outFd);
            // the command holds the end now; ours would keep the connection open after it exits
            LibC.close(fd);
            fd = -1;
        }
    }

    private void poll() {
        if (pid <= 0 || exitStatus != null) return;
        try {
            exitStatus = LibC.waitpid(pid, LibC.WNOHANG);
        } catch (LibC.SyscallException e) {
            exitStatus = 0; // reaped elsewhere
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
        if (pid <= 0) return;
        poll();
        if (exitStatus != null) return;
        LibC.kill(-pid, LibC.SIGTERM);
        Instant end = Instant.now().plus(Duration.ofSeconds(1));
        while (exitStatus == null && Instant.now().isBefore(end)) {
            sleep();
            poll();
        }
        if (exitStatus == null) {
            LibC.kill(-pid, LibC.SIGKILL);
            try {
                exitStatus = LibC.waitpid(pid, 0);
            } catch (LibC.SyscallException e) {
                exitStatus = 9;
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
