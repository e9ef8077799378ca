package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.json.Json;
import org.criuatlas.json.PreviewJson;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * {@code dump --host DEST} and {@code restore --host DEST}: the same run through the bridge on DEST
 * (docs/bridge.md): paths are paths there, progress comes back as the bridge's events, the result
 * prints as a local run's does.
 */
final class RemoteCriuRun {
    private RemoteCriuRun() {}

    static Path remotePath(Path p, String option) {
        if (!p.isAbsolute()) throw CriuRunOutput.usage(option + " with --host is a path on that host: give it absolute, not " + p);
        return p.normalize();
    }

    static int dump(HostOption host, CriuOptions o, int pid, Path images, CriuRunOptions run) {
        try (BridgeHost h = host.connect()) {
            if (!h.processStates(List.of(pid)).containsKey(pid)) throw new CliException(ExitCode.NOT_FOUND, "no process " + pid + " on " + host.name());
            var criu = h.criuStatus();
            if (!criu.found()) throw new CliException(ExitCode.NO_CRIU, "no criu on " + host.name() + ": " + criu.via());
            CriuOptions opts = o.withImagesDir(images);
            String line = CriuCommandLine.dump(criu.path(), opts);
            CriuRunOutput out = new CriuRunOutput(run.json, run.allLog);
            DumpOutcome d = await(h.dump(new DumpRequest(opts, images, false, List.of(pid)), forward(out.listener())), host);
            if (d instanceof DumpOutcome.Dumped ok) {
                out.print(ok.result(), run.json, line);
                System.err.println("on " + host.name() + ": " + ok.target().text());
                return ExitCode.OK.code;
            }
            if (d instanceof DumpOutcome.Failed f) {
                out.print(f.result(), run.json, line);
                return ExitCode.CRIU_FAILED.code;
            }
            if (d instanceof DumpOutcome.FolderRefused r) {
                throw new CliException(ExitCode.NOT_TRUSTED, "on " + host.name() + ": " + r.message()
                        + " (with --host the folder must be new or empty)");
            }
            if (d instanceof DumpOutcome.Broken b) throw new CliException(ExitCode.CRIU_NO_REPLY, "on " + host.name() + ": " + b.problem());
            throw new CliException(ExitCode.CRIU_NO_REPLY, "the dump on " + host.name() + " was cancelled");
        }
    }

    /** What {@code restore --host} was asked for, beyond the folder. */
    record RestoreAsked(boolean shellJob, boolean sibling, boolean tcp, boolean fileLocks, boolean extUnixSk, int logLevel) {}

    /**
     * Restores the images in {@code images} on DEST with the default wiring (what the images need is
     * kept by the bridge there while this command runs; it waits while the tree runs when there is any).
     */
    static int restore(HostOption host, Path images, RestoreAsked asked, boolean trust, boolean preview, CriuRunOptions run) {
        boolean shellJob = asked.shellJob(), sibling = asked.sibling(), tcp = asked.tcp(), fileLocks = asked.fileLocks();
        try (BridgeHost h = host.connect()) {
            if (preview) {
                RestorePreview p;
                try {
                    p = h.previewRestore(images);
                } catch (ImageFormatException e) {
                    throw new CliException(ExitCode.NOT_FOUND, "on " + host.name() + ": " + e.getMessage(), e);
                }
                if (run.json) System.out.println(Json.write(PreviewJson.of(p)));
                else RestorePreviewOutput.print(System.out, p);
                return p.blocked() ? ExitCode.CHECK_SAYS_NO.code : ExitCode.OK.code;
            }
            OpenedImages opened;
            try {
                opened = h.openImages(images);
            } catch (ImageFormatException e) {
                throw new CliException(ExitCode.NOT_FOUND, "on " + host.name() + ": " + e.getMessage(), e);
            }
            RestoreWiringPlan plan = RestoreWiringPlan.of(opened.dump());
            plan = plan.withShellJob(shellJob || plan.shellJob()).withRestoreSibling(sibling).withWorkDir(run.absoluteWorkDir())
                    .withTcpEstablished(tcp || plan.tcpEstablished()).withFileLocks(fileLocks || plan.fileLocks()).withLogLevel(asked.logLevel());
            if (asked.extUnixSk()) plan = reconnectByName(plan);
            // said when it adds an option the command line did not ask for, as a local restore does
            var needs = opened.dump().restoreFlags();
            if ((needs.needsTcpEstablished() && !tcp) || (needs.needsFileLocks() && !fileLocks)) {
                for (String why : needs.reasons()) System.err.println("criu-atlas restore: on " + host.name() + ", " + why);
            }
            if (plan.blocked()) throw new CliException(ExitCode.CHECK_SAYS_NO, "the wiring cannot restore: " + String.join("; ", plan.blockingReasons()));
            var criu = h.criuStatus();
            String line = criu.found() ? plan.commandLine(criu.path()) : null;
            CriuRunOutput out = new CriuRunOutput(run.json, run.allLog);
            RestoreRequest req = RestoreRequest.now(plan);
            RestoreResult r = await(h.restore(trust ? req.trusted() : req, forward(out.listener())), host);
            if (r instanceof RestoreResult.NeedsConfirmation n) {
                throw new CliException(ExitCode.NOT_TRUSTED, "on " + host.name() + ": " + n.verdict().explain()
                        + " Restore anyway only if you trust it: add --trust-folder.");
            }
            if (r instanceof RestoreResult.Restored ok) {
                out.print(ok.result(), run.json, line);
                keep(ok, h, host.name(), run.json);
                return ExitCode.OK.code;
            }
            if (r instanceof RestoreResult.Failed f) {
                if (f.result() != null) out.print(f.result(), run.json, line);
                else System.err.println("restore on " + host.name() + ": " + f.why());
                return ExitCode.CRIU_FAILED.code;
            }
            if (r instanceof RestoreResult.PidTaken t) {
                throw new CliException(ExitCode.CRIU_FAILED, "on " + host.name() + ": pids " + t.pids() + " are in use: " + t.why());
            }
            throw new CliException(ExitCode.CRIU_NO_REPLY, "the restore on " + host.name() + " was cancelled");
        }
    }

    /**
     * The ends the wiring handed in are kept by the bridge there, alive as long as this connection: the command waits while
     * the tree runs, with its consoles joined to this terminal ({@link TerminalConsoles}; not with --json, whose stdout is
     * the result).
     */
    private static void keep(RestoreResult.Restored ok, BridgeHost h, String where, boolean json) {
        List<String> ends = ok.wiring() == null ? List.of() : ok.wiring().ends().stream().map(e -> e.key() + ": " + e.describe()).toList();
        if (ends.isEmpty()) return;
        System.err.println("restore: the wiring's ends are kept by the bridge on " + where + " while this command runs ("
                + String.join("; ", ends) + "); it waits until the tree ends (Ctrl-C closes them)");
        try (TerminalConsoles joined = json ? null : TerminalConsoles.attach(ok.wiring().ends(), System.in, System.out, System.err)) {
            h.awaitEnd(ok.rootPid());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Consumer<HostEvent> forward(CriuListener l) {
        return e -> {
            if (e instanceof HostEvent.Criu c) l.onEvent(c.event());
        };
    }

    private static <R> R await(HostOperation<R> op, HostOption host) {
        Thread hook = new Thread(op::cancel, "criu-atlas-cancel");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl+C: the bridge there stops criu cleanly
        try {
            return op.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.CRIU_NO_REPLY, "interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new CliException(ExitCode.HOST_FAILED, "on " + host.name() + ": " + e.getCause(), e.getCause());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
    }

    /**
     * {@code --ext-unix-sk} through a bridge: every socket whose peer had a name reconnects to it by
     * name (CRIU's {@code --ext-unix-sk}); the others (pipes, socketpair ends, where CRIU would crash
     * the task) keep the new end the bridge holds for them.
     */
    static RestoreWiringPlan reconnectByName(RestoreWiringPlan plan) {
        for (int i = 0; i < plan.rows().size(); i++) {
            RestoreWiringPlan.Edit e = plan.withDestination(i, org.criuatlas.plan.restore.Destination.reconnect());
            if (e.accepted()) plan = e.plan();
        }
        return plan;
    }
}
