package org.criuatlas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shared printing and exit codes of the headless dump/restore/check commands. */
final class CriuRunOutput {
    static final int OK = 0;
    static final int CRIU_FAILED = 1;
    static final int USAGE = 2;
    static final int NO_REPLY = 3;

    private final PrintStream events;
    private final boolean allLog;
    private final Instant start = Instant.now();

    /** The criu to run; empty after telling the user how to get one (exit with {@link #USAGE}). */
    static Optional<CriuLocator.Located> locateCriu() {
        var loc = CriuLocator.locate();
        if (loc.isEmpty()) System.err.println("criu not found: set " + CriuLocator.ENV + " or run scripts/provision-criu.sh");
        return loc;
    }

    /** Tells what was wrong with the command's input; returns {@link #USAGE}. */
    static int usage(String command, String message) {
        System.err.println("criu-atlas " + command + ": " + message);
        return USAGE;
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
            return usage(command, e.getMessage());
        }
        return out.finish(s.session(), options.json, s.commandLine());
    }

    /** Events go to stdout, or to stderr when stdout carries JSON. */
    CriuRunOutput(boolean json, boolean allLog) {
        this.events = json ? System.err : System.out;
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
                events.println(at(e) + "criu  " + o.line());
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
            CriuResult r = session.await();
            print(r, json, command);
            return r.success() ? OK : CRIU_FAILED;
        } catch (CriuException e) {
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("request", session.request().word());
                m.put("success", false);
                m.put("error", e.getMessage());
                m.put("errorType", e.getClass().getSimpleName());
                System.out.println(toJson(m));
            } else {
                System.err.println("criu-atlas: " + e.getMessage());
            }
            return NO_REPLY;
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
            System.out.println(toJson(toMap(r, command)));
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

    static Map<String, Object> toMap(CriuResult r, String command) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request", r.request());
        m.put("success", r.success());
        m.put("restoredPid", r.restoredPid());
        m.put("version", r.version() == null ? null : r.version().toString());
        m.put("crErrno", r.crErrno());
        m.put("crErrmsg", r.crErrmsg());
        if (r.stats() != null) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("dump", r.stats().dump());
            st.put("restore", r.stats().restore());
            m.put("stats", st);
        }
        List<Map<String, Object>> ds = new ArrayList<>();
        for (CriuDiagnosis d : r.diagnoses()) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("kind", d.kind().name());
            dm.put("what", d.what());
            dm.put("fix", d.fix());
            dm.put("dumpedInode", d.dumpedInode());
            dm.put("outsideInode", d.outsideInode());
            dm.put("pids", d.pids());
            dm.put("logLine", d.logLine());
            dm.put("evidence", d.evidence());
            ds.add(dm);
        }
        m.put("diagnoses", ds);
        List<Map<String, Object>> stages = new ArrayList<>();
        for (CriuEvent.Stage s : r.stages()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("name", s.name());
            sm.put("pid", s.pid());
            sm.put("at", s.at().toString());
            stages.add(sm);
        }
        m.put("stages", stages);
        m.put("logFile", r.logFile() == null ? null : r.logFile().toString());
        m.put("workerExit", r.workerExit());
        m.put("elapsedMs", r.elapsed().toMillis());
        if (command != null) m.put("command", command);
        return m;
    }

    static String toJson(Object o) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
