package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.CriuWarmUp;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.json.CriuRunJson;
import org.criuatlas.json.Json;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Shared checks, printing and exit codes of the headless dump/restore/check commands. The result goes
 * to stdout (text or JSON); stage events and log lines are progress, so they go to stderr.
 */
final class CriuRunOutput {
    /** Made on first use, which for dump and restore is once criu runs: the first System.Logger sets up logging (AtlasLog.configureOnFirstUse). */
    private static final class Log {
        static final System.Logger LOG = System.getLogger(CriuRunOutput.class.getName());
    }

    private final PrintStream events;
    private final boolean allLog;
    private final Instant start = Instant.now();

    /** The criu to run, or a {@link ExitCode#NO_CRIU} failure that tells the user how to get one. */
    static CriuLocator.Located locateCriu() {
        return CriuLocator.locate().orElseThrow(CriuRunOutput::noCriu);
    }

    /** The criu to run, as {@link #locateCriu()} would choose it, without asking its version when a setting names it. */
    static Path locateCriuPath() {
        return CriuLocator.locatePath().orElseThrow(CriuRunOutput::noCriu);
    }

    private static CliException noCriu() {
        return new CliException(ExitCode.NO_CRIU, "criu not found: set " + CriuLocator.ENV + " to a criu >= 4, or run scripts/provision-criu.sh");
    }

    /** CRIU must run as root: say so before starting it, instead of letting it fail half-way. */
    static void requireRoot(String command) {
        requireRoot(command, LiveProcesses.effectiveUid());
    }

    static void requireRoot(String command, int euid) {
        if (euid != 0)
            throw new CliException(ExitCode.NOT_PERMITTED, command + " runs CRIU, which needs root: run it with sudo");
    }

    /** A bad argument: a {@link ExitCode#USAGE} failure. */
    static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    /** A session just started and the criu command line that would do the same. */
    record Started(CriuSession session, String commandLine) {}

    /** Starts a session that reports to the given listener; bad input throws IllegalArgumentException. */
    @FunctionalInterface
    interface Starter {
        Started start(CriuListener listener);
    }

    /**
     * The body of {@code dump} and {@code restore}: start the session (bad options are a usage
     * error naming {@code command}), print its events, run it to its end and print the result.
     */
    static int run(String command, CriuRunOptions options, Starter starter) {
        CriuRunOutput out = new CriuRunOutput(options.json, options.allLog);
        Started s;
        try {
            s = starter.start(out.listener());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Log.LOG.log(System.Logger.Level.INFO, () -> command + " started: " + s.commandLine());
        return out.finish(s.session(), options.json, s.commandLine());
    }

    /** Events are progress: stderr, so stdout holds only the result. */
    CriuRunOutput(boolean json, boolean allLog) {
        this.events = System.err;
        this.allLog = allLog;
    }

    CriuListener listener() {
        // called for every line of a -v4 log: decide before formatting anything
        return e -> {
            if (e instanceof CriuEvent.Stage s) {
                events.println(at(e) + "stage " + s.name() + (s.pid() != null ? " (pid " + s.pid() + ")" : ""));
            } else if (e instanceof CriuEvent.LogLine l) {
                CriuLogLine line = l.line();
                if (allLog || line.level() != CriuLogLine.Level.INFO) events.println(at(e) + "log   " + line.raw());
            } else if (e instanceof CriuEvent.Output o) {
                events.println(at(e) + (o.byAtlas() ? "note  " : "criu  ") + o.line());
            }
        };
    }

    private String at(CriuEvent e) {
        return String.format("%6d ms  ", java.time.Duration.between(start, e.at()).toMillis());
    }

    /** Runs the session to its end and prints the result; returns the exit code. */
    int finish(CriuSession session, boolean json, String command) {
        Thread hook = new Thread(session::close, "criu-atlas-cancel");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl+C: stop criu cleanly, never leave it behind
        try {
            // this thread only waits for criu now: load what the result needs meanwhile, not after criu replies
            // (once criu is spawned: the session's own set-up comes first)
            session.spawned().join();
            CriuWarmUp.beforeResult();
            CriuResult r = session.await();
            print(r, json, command);
            Log.LOG.log(System.Logger.Level.INFO, () -> r.request() + (r.success() ? " succeeded" : " failed") + " in "
                    + r.elapsed().toMillis() + " ms; log " + r.logFile());
            return r.success() ? ExitCode.OK.code : ExitCode.CRIU_FAILED.code;
        } catch (CriuException e) {
            if (json) {
                System.out.println(Json.write(CriuRunJson.noReply(session.request().word(), session.request().word(), e)));
                return ExitCode.CRIU_NO_REPLY.code;
            }
            throw e; // one line on stderr, exit CRIU_NO_REPLY
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
    }

    void print(CriuResult r, boolean json, String command) {
        if (json) {
            System.out.println(Json.write(CriuRunJson.of(r.request(), r, command)));
            return;
        }
        PrintStream o = System.out;
        o.println();
        o.println(r.request() + ": " + (r.success() ? "SUCCESS" : "FAILED") + " in " + r.elapsed().toMillis() + " ms (worker " + r.workerExit() + ")");
        if (r.version() != null) o.println("  criu version " + r.version());
        if (r.restoredPid() != null) o.println("  restored root pid " + r.restoredPid());
        if (r.stats() != null && r.stats().dump() != null) {
            var d = r.stats().dump();
            o.printf("  stats: frozen %d us, freezing %d us, memdump %d us, memwrite %d us, pages scanned %d, written %d%n",
                    d.frozenTimeUs(), d.freezingTimeUs(), d.memdumpTimeUs(), d.memwriteTimeUs(), d.pagesScanned(), d.pagesWritten());
        }
        if (r.stats() != null && r.stats().restore() != null) {
            var s = r.stats().restore();
            o.printf("  stats: forking %d us, restore %d us, pages restored %d%n", s.forkingTimeUs(), s.restoreTimeUs(), s.pagesRestored());
        }
        for (CriuDiagnosis d : r.diagnoses()) {
            o.println("  problem [" + d.kind() + "]" + (d.inodes().isEmpty() ? "" : " inodes " + d.inodes())
                    + (d.pids().isEmpty() ? "" : " pids " + d.pids()));
            o.println("    " + d.what());
            o.println("    fix: " + d.fix());
        }
        if (!r.success() && r.diagnoses().isEmpty() && r.crErrmsg() != null) o.println("  criu's first error: " + r.crErrmsg());
        if (r.logFile() != null) o.println("  log: " + r.logFile());
        if (command != null) o.println("  same with the criu command line: " + command);
    }
}
