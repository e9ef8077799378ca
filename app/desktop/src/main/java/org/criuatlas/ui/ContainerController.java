package org.criuatlas.ui;

import org.criuatlas.host.ContainerOutcome;
import org.criuatlas.plan.container.ContainerCheckpoint;
import org.criuatlas.plan.container.ContainerMonitor;
import org.criuatlas.ui.container.ContainerDialog;
import org.criuatlas.ui.dump.GraphPin;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Containers as units of the live graph: "Checkpoint container…" (from the process menu or the container
 * plan) and "Restore container…" (from the process menu, File menu or an archive's image view) open a
 * {@link ContainerDialog} that runs podman on the host. A failed checkpoint is pinned on the container
 * (its monitor and init) with the reason; after either the live graph is scanned again.
 */
final class ContainerController {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private final AtlasApp.Window window;
    private final WindowServices services;
    private final GraphPin pins;
    private final List<ContainerDialog> open = new ArrayList<>();
    private Consumer<ContainerDialog> onDialog = d -> {};

    ContainerController(AtlasApp.Window window, WindowServices services, GraphPin pins) {
        this.window = window;
        this.services = services;
        this.pins = pins;
        window.view().setContainerActions(new ProcessTable.ContainerActions() {
            @Override public void checkpoint(ContainerMonitor c) { ContainerController.this.checkpoint(c); }

            @Override public void restore(ContainerMonitor c) { ContainerController.this.restore(c, null); }
        });
        window.view().planPanel().enableContainerCheckpoint(cc -> checkpoint(cc.container()));
    }

    void setOnDialog(Consumer<ContainerDialog> c) { onDialog = c == null ? d -> {} : c; }

    /**
     * Where an archive of {@code name} goes by default: the host's dumps folder (a bridge's own, there), named after the
     * container and the time.
     */
    static Path defaultArchive(org.criuatlas.host.Host host, String name) {
        return host.dumpsFolder().resolve(
                name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + LocalDateTime.now().format(STAMP) + ".tar.zst");
    }

    /** The "Choose…" of every container dialog this window opens (null: the OS file dialog). */
    private java.util.function.Function<javafx.stage.Window, java.io.File> archiveChooser;

    void setArchiveChooser(java.util.function.Function<javafx.stage.Window, java.io.File> c) { archiveChooser = c; }

    ContainerDialog checkpoint(ContainerMonitor c) {
        ContainerCheckpoint planned = window.vm().plan().containerProperty().get();
        ContainerDialog d = ContainerDialog.checkpoint(window.stage(), services.themes(), services.host(), services.ui(), c, planned,
                defaultArchive(services.host(), c.name()), o -> checkpointed(c, o));
        return show(d);
    }

    ContainerDialog restore(ContainerMonitor c, Path archive) {
        ContainerDialog d = ContainerDialog.restore(window.stage(), services.themes(), services.host(), services.ui(), c, archive,
                null, o -> restored(c, o));
        return show(d);
    }

    private ContainerDialog show(ContainerDialog d) {
        if (archiveChooser != null) d.setArchiveChooser(archiveChooser);
        open.add(d);
        d.stage().setOnHidden(e -> open.remove(d));
        d.show();
        onDialog.accept(d);
        return d;
    }

    private void checkpointed(ContainerMonitor c, ContainerOutcome o) {
        if (o.ok()) {
            pins.clearPins();
        } else if (o.kind() != ContainerOutcome.Kind.CANCELLED) {
            List<Integer> pids = new ArrayList<>(List.of(c.monitorPid()));
            if (c.initPid() > 0) pids.add(c.initPid());
            pins.pin(List.of(), pids, "checkpoint of container " + c.name() + " failed: " + firstSentence(o.reason()));
        }
        window.refresh().refreshNow();
    }

    private void restored(ContainerMonitor c, ContainerOutcome o) {
        if (!o.ok() && c != null && o.kind() != ContainerOutcome.Kind.CANCELLED)
            pins.pin(List.of(), List.of(c.monitorPid()), "restore of container " + c.name() + " failed: " + firstSentence(o.reason()));
        window.refresh().refreshNow();
    }

    /** The reason's first sentence (the banner is one line; the dialog keeps the whole reason). */
    static String firstSentence(String reason) {
        if (reason == null) return "";
        int dot = reason.indexOf(". ");
        return dot > 0 && dot < 200 ? reason.substring(0, dot + 1) : reason.length() > 200 ? reason.substring(0, 200) + "\u2026" : reason;
    }

    boolean running() {
        return open.stream().anyMatch(d -> d.runningProperty().get());
    }

    void closeAll() {
        for (ContainerDialog d : List.copyOf(open)) {
            if (d.runningProperty().get()) d.cancel();
            d.stage().close();
        }
    }
}
