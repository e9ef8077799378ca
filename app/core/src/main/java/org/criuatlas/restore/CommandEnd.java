package org.criuatlas.restore;

import org.criuatlas.bridge.os.ChildProcess;
import org.criuatlas.bridge.trust.ChildEnvironment;
import org.criuatlas.bridge.os.Fd;
import org.criuatlas.plan.restore.Replacement;

import java.nio.file.Path;
import java.time.Duration;

/**
 * An end handed to a command the user named: {@code /bin/sh -c COMMAND} with the end as its stdin
 * and stdout (a pipe's read end as stdin only, a write end as stdout only); what else it prints goes
 * to a file in the restore's work dir. Our copy of the end is closed once the command has it.
 */
public final class CommandEnd implements WiredEnd {
    /** How long the command gets to exit on SIGTERM before SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final String key;
    private final int criuFd;
    private final Replacement replacement;
    private final String command;
    private final Path outputFile;
    private Fd fd;
    private volatile ChildProcess child;

    CommandEnd(String key, int criuFd, Replacement replacement, Fd fd, String command, Path outputFile) {
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
        ChildProcess c = child;
        return key + " handed to \"" + command + "\"" + (c != null ? " (pid " + c.pid() + ")" : "") + "; its other output goes to " + outputFile;
    }

    public String command() { return command; }

    /** The command's pid, -1 before start. */
    public int pid() {
        ChildProcess c = child;
        return c == null ? -1 : c.pid();
    }

    public Path outputFile() { return outputFile; }

    /** Null while it runs (or before start); else "exit N" / "killed by signal N". */
    public synchronized String exit() {
        ChildProcess c = child;
        return c == null ? null : c.poll().map(ChildProcess.Exit::toString).orElse(null);
    }

    @Override
    public synchronized void start() {
        if (child != null || fd == null) return;
        try (Fd out = Fd.appendTo(outputFile)) {
            Fd stdin = replacement.ourEndReads() ? fd : null;
            Fd stdout = replacement.ourEndWrites() ? fd : out;
            child = ChildProcess.startShell(command, ChildEnvironment.forCommand(), stdin, stdout, out);
        } catch (RuntimeException e) {
            throw new WiringException(key, "could not start \"" + command + "\"", e);
        } finally {
            // the command holds the end now; ours would keep the connection open after it exits
            fd.close();
            fd = null;
        }
    }

    @Override
    public synchronized void close() {
        if (fd != null) {
            fd.close();
            fd = null;
        }
        ChildProcess c = child;
        if (c != null) c.terminate(GRACE);
    }
}
