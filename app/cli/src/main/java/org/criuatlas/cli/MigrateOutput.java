package org.criuatlas.cli;

import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.migrate.MigrationEvent;
import org.criuatlas.host.migrate.MigrationOutcome;
import org.criuatlas.host.migrate.Preflight;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** What {@code migrate} prints: progress on stderr, the outcome as text or JSON on stdout. */
final class MigrateOutput {
    private MigrateOutput() {}

    /** The envelope every document starts with (docs/json.md). */
    private static Map<String, Object> document() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", org.criuatlas.json.Json.SCHEMA_VERSION);
        m.put("command", "migrate");
        return m;
    }

    /** {@code migrate --preflight --json}. */
    static Map<String, Object> preflightDocument(Preflight pf) {
        Map<String, Object> m = document();
        m.putAll(preflight(pf));
        return m;
    }

    static Map<String, Object> preflight(Preflight pf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", pf.source());
        m.put("target", pf.target());
        m.put("sameMachine", pf.sameMachine());
        m.put("blocked", pf.blocked());
        List<Map<String, Object>> fs = new ArrayList<>();
        for (Preflight.Finding f : pf.findings()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("check", f.check().name().toLowerCase(java.util.Locale.ROOT));
            x.put("severity", f.severity().name().toLowerCase(java.util.Locale.ROOT));
            x.put("subject", f.subject());
            x.put("text", f.text());
            fs.add(x);
        }
        m.put("findings", fs);
        return m;
    }

    static Map<String, Object> outcome(MigrationOutcome o, String from, String to) {
        Map<String, Object> m = document();
        m.put("from", from);
        m.put("to", to);
        if (o instanceof MigrationOutcome.Moved x) {
            m.put("outcome", "moved");
            m.put("preflight", preflight(x.preflight()));
            m.put("sourceImages", x.sourceImages().toString());
            m.put("targetImages", x.targetImages().toString());
            m.put("rootPid", x.rootPid());
            m.put("pids", x.pids());
            m.put("bytes", x.bytes());
            m.put("files", x.files());
            Map<String, Object> took = new LinkedHashMap<>();
            x.took().forEach((s, d) -> took.put(s.name().toLowerCase(java.util.Locale.ROOT), d.toMillis()));
            m.put("millis", took);
            List<String> ends = new ArrayList<>();
            if (x.wiring() != null) x.wiring().ends().forEach(e -> ends.add(e.describe()));
            m.put("keptEnds", ends);
        } else if (o instanceof MigrationOutcome.Refused r) {
            m.put("outcome", "refused");
            m.put("preflight", preflight(r.preflight()));
        } else if (o instanceof MigrationOutcome.Failed f) {
            m.put("outcome", "failed");
            m.put("stage", f.stage().name().toLowerCase(java.util.Locale.ROOT));
            m.put("why", f.why());
            m.put("sourceImages", f.sourceImages() == null ? null : f.sourceImages().toString());
            m.put("targetImages", f.targetImages() == null ? null : f.targetImages().toString());
            m.put("sourceRunning", f.sourceRunning());
        } else if (o instanceof MigrationOutcome.Cancelled c) {
            m.put("outcome", "cancelled");
            m.put("stage", c.stage().name().toLowerCase(java.util.Locale.ROOT));
            m.put("sourceImages", c.sourceImages() == null ? null : c.sourceImages().toString());
            m.put("targetImages", c.targetImages() == null ? null : c.targetImages().toString());
            m.put("sourceRunning", c.sourceRunning());
        }
        return m;
    }

    static String text(MigrationOutcome o, String from, String to) {
        StringBuilder b = new StringBuilder();
        if (o instanceof MigrationOutcome.Moved x) {
            b.append("Moved ").append(x.rootPid()).append(" (").append(x.pids().size()).append(" processes) from ").append(from)
                    .append(" to ").append(to).append(": ").append(x.files()).append(" files, ").append(x.bytes()).append(" bytes.\n");
            b.append("  images on ").append(from).append(": ").append(x.sourceImages()).append(" (kept)\n");
            b.append("  images on ").append(to).append(": ").append(x.targetImages()).append('\n');
            x.took().forEach((s, d) -> b.append("  ").append(s.label()).append(": ").append(d.toMillis()).append(" ms\n"));
        } else if (o instanceof MigrationOutcome.Refused r) {
            b.append("Not moved: the preflight on ").append(to).append(" found what blocks it. Nothing was done; ")
                    .append("the tree runs on ").append(from).append(" as before.\n").append(r.preflight().text());
        } else if (o instanceof MigrationOutcome.Failed f) {
            b.append("Not moved: the ").append(f.stage().label().toLowerCase(java.util.Locale.ROOT)).append(" failed: ").append(f.why()).append('\n');
            b.append(after(f.sourceImages(), f.sourceRunning(), from));
        } else if (o instanceof MigrationOutcome.Cancelled c) {
            b.append("Cancelled during the ").append(c.stage().label().toLowerCase(java.util.Locale.ROOT)).append(".\n");
            b.append(after(c.sourceImages(), c.sourceRunning(), from));
        }
        return b.toString();
    }

    private static String after(java.nio.file.Path images, boolean running, String from) {
        if (running || images == null) return "The tree still runs on " + from + ".\n";
        return "The tree was dumped: restore it on " + from + " from its kept images: criu-atlas restore --images " + images + "\n";
    }

    /** Keeps the restored tree's wiring open while the tree runs there (the ends live in this command or its bridge). */
    static void keepWiring(MigrationOutcome.Moved m, Host target, String to) throws InterruptedException {
        if (m.wiring() == null || m.wiring().ends().isEmpty()) return;
        System.err.println("criu-atlas migrate: the wiring's ends (" + String.join("; ", m.wiring().ends().stream().map(KeptEnd::describe)
                .toList()) + ") live as long as this command: it waits until the tree ends on " + to + " (Ctrl-C closes them)");
        while (target.processStates(List.of(m.rootPid())).containsKey(m.rootPid())) Thread.sleep(1000);
        m.wiring().close();
    }

    /** Progress lines on stderr: each stage, the bytes moved (at most every half second), the criu stages. */
    static final class Progress implements Consumer<MigrationEvent> {
        private final PrintStream err;
        private long lastBytes;

        Progress(PrintStream err, boolean json) {
            this.err = err;
        }

        @Override
        public synchronized void accept(MigrationEvent e) {
            if (e instanceof MigrationEvent.StageChange s) {
                err.println((s.done() ? "  done: " : "- ") + s.stage().label() + ": " + s.text());
            } else if (e instanceof MigrationEvent.Checked c) {
                for (Preflight.Finding f : c.preflight().findings()) {
                    if (f.severity() != Preflight.Severity.OK) err.println("    " + f.severity() + " " + f.check().label() + ": " + f.text());
                }
            } else if (e instanceof MigrationEvent.Bytes b) {
                long now = System.nanoTime();
                if (b.done() == b.total() && b.files() == b.filesTotal() || now - lastBytes > Duration.ofMillis(500).toNanos()) {
                    lastBytes = now;
                    err.println("    " + b.done() + " of " + b.total() + " bytes, " + b.files() + " of " + b.filesTotal() + " files");
                }
            } else if (e instanceof MigrationEvent.OnHost h && h.event() instanceof HostEvent.Criu c
                    && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.Stage st) {
                err.println("    criu: " + st.name());
            }
        }
    }
}
