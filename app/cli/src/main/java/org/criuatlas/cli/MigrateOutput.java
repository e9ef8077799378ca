package org.criuatlas.cli;

import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.migrate.MigrationEvent;
import org.criuatlas.host.migrate.MigrationOutcome;
import org.criuatlas.host.migrate.Preflight;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** What {@code migrate} prints: progress on stderr, the outcome as text or JSON on stdout. */
final class MigrateOutput {
    private MigrateOutput() {}

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

    /**
     * Keeps the restored tree's wiring open while the tree runs there (the ends live in this command or its bridge), its
     * consoles joined to this terminal unless stdout is the JSON result ({@link TerminalConsoles}).
     */
    static void keepWiring(MigrationOutcome.Moved m, Host target, String to, boolean json) throws InterruptedException {
        if (m.wiring() == null || m.wiring().ends().isEmpty()) return;
        System.err.println("criu-atlas migrate: the wiring's ends (" + String.join("; ", m.wiring().ends().stream().map(KeptEnd::describe)
                .toList()) + ") live as long as this command: it waits until the tree ends on " + to + " (Ctrl-C closes them)");
        try (TerminalConsoles joined = json ? null : TerminalConsoles.attach(m.wiring().ends(), System.in, System.out, System.err)) {
            target.awaitEnd(m.rootPid());
        }
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
