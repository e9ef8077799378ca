package org.criuatlas.ui;

import javafx.stage.FileChooser;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.PlanSet;
import org.criuatlas.share.DotWriter;
import org.criuatlas.share.PlanMarkdown;
import org.criuatlas.share.SnapshotJson;
import org.criuatlas.ui.export.GraphPicture;
import org.criuatlas.ui.export.SvgWriter;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.theme.Theme;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * File &gt; Export…: the graph as PNG or SVG (the view's layout and styles, the plan's marks when a
 * plan is shown, the window's theme), the snapshot as JSON or DOT, the plan as Markdown. The FX
 * thread only takes what the window shows now (immutable graph, plan, theme); drawing and writing
 * run on the background pool; the result is a message, never a frozen window.
 */
final class ExportController {
    /** What a file's extension asks for. */
    enum Format {
        PNG("PNG picture", "png"), SVG("SVG picture", "svg"), JSON("JSON snapshot", "json"), DOT("Graphviz DOT", "dot"),
        MD("Markdown plan", "md");

        final String label;
        final String extension;

        Format(String label, String extension) {
            this.label = label;
            this.extension = extension;
        }

        static Format of(Path p) {
            String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
            for (Format f : values()) if (n.endsWith("." + f.extension)) return f;
            return null;
        }
    }

    private final AtlasApp.Window window;
    private final WindowServices services;
    /** Asks for the file (null = cancelled); tests replace the OS dialog, which cannot run headless. */
    private Function<javafx.stage.Window, File> chooser = ExportController::chooseFile;

    ExportController(AtlasApp.Window window, WindowServices services) {
        this.window = window;
        this.services = services;
    }

    void setChooser(Function<javafx.stage.Window, File> c) {
        chooser = c == null ? ExportController::chooseFile : c;
    }

    /** File &gt; Export…: asks for a file, then exports to it. On the FX thread. */
    void chooseAndExport() {
        File f = chooser.apply(window.stage());
        if (f != null) export(f.toPath());
    }

    /**
     * Exports what the window shows to {@code file} (its extension says the format). On the FX thread;
     * the future completes with the file written, or exceptionally with why not (also shown to the user).
     */
    CompletableFuture<Path> export(Path file) {
        Format format = Format.of(file);
        IpcGraph g = window.vm().getGraph();
        PlanOutcome plan = window.vm().plan().getOutcome();
        Theme theme = services.themes().get();
        String problem = format == null ? "the file name must end in .png, .svg, .json, .dot or .md"
                : g == null ? "there is no snapshot yet"
                : format == Format.MD && plan == null ? "there is no plan to export: right-click a process and choose \"Plan dump of this subtree\" first"
                : null;
        if (problem != null) {
            Dialogs.error(window.stage(), services.themes(), "Cannot export " + file.getFileName(), problem);
            return CompletableFuture.failedFuture(new IllegalStateException(problem));
        }
        String title = (window.vm().isLive() ? "Live graph of " : "Dump ") + g.meta().origin() + " at " + g.meta().takenAt();
        CompletableFuture<Path> done = CompletableFuture.supplyAsync(() -> {
            try {
                switch (format) {
                    case PNG -> GraphPicture.writePng(GraphPicture.layout(g, title, theme, plan), file);
                    case SVG -> SvgWriter.write(GraphPicture.layout(g, title, theme, plan), file);
                    case JSON -> Files.writeString(file, SnapshotJson.live(g), StandardCharsets.UTF_8);
                    case DOT -> Files.writeString(file, DotWriter.write(g, title, plan == null ? java.util.Set.of() : plan.pids()),
                            StandardCharsets.UTF_8);
                    case MD -> Files.writeString(file, PlanMarkdown.write(new PlanSet(List.of(plan.plan()), List.of(), plan.rootPid()), g),
                            StandardCharsets.UTF_8);
                }
                return file;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, services.background());
        done.whenComplete((p, err) -> services.ui().execute(() -> {
            if (err != null) {
                Throwable c = err.getCause() != null ? err.getCause() : err;
                Dialogs.error(window.stage(), services.themes(), "Could not export " + file.getFileName(), String.valueOf(c.getMessage()));
            } else {
                window.view().statusBar().setText("Exported " + format.label + " to " + p);
            }
        }));
        return done;
    }

    private static File chooseFile(javafx.stage.Window owner) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Export the graph, the snapshot or the plan");
        for (Format f : Format.values()) fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(f.label + " (*." + f.extension + ")", "*." + f.extension));
        File f = fc.showSaveDialog(owner);
        if (f == null) return null;
        // a name typed without an extension takes the chosen filter's
        if (Format.of(f.toPath()) == null && fc.getSelectedExtensionFilter() != null) {
            String ext = fc.getSelectedExtensionFilter().getExtensions().get(0).substring(1);
            f = new File(f.getPath() + ext);
        }
        return f;
    }
}
