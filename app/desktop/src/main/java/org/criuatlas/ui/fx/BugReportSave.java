package org.criuatlas.ui.fx;

import org.criuatlas.share.BugBundle;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Saving a bug report from a window, the same way for a failed dump and a failed restore. */
public final class BugReportSave {
    private BugReportSave() {}

    /** Asks where to save a bug report, offering {@code initialName} (null = cancelled): the OS dialog. */
    public static java.io.File chooseFile(javafx.stage.Window owner, String initialName) {
        javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
        fc.setTitle("Save a bug report");
        fc.setInitialFileName(initialName);
        fc.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("Bug report (*.tar.gz)", "*.tar.gz"));
        return fc.showSaveDialog(owner);
    }

    /**
     * Collects the report with {@code collect} and writes it to {@code out} (a .tar.gz), both on
     * {@code background}; then {@code say} tells, on {@code ui}, where it went or why not.
     */
    public static CompletableFuture<Path> save(Callable<BugBundle> collect, Path out, Executor background, Executor ui,
                                               Consumer<String> say) {
        CompletableFuture<Path> done = CompletableFuture.supplyAsync(() -> {
            try {
                collect.call().writeTarGz(out);
                return out;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, background);
        done.whenComplete((o, err) -> ui.execute(() -> say.accept(err == null ? "Bug report saved to " + o
                : "Could not save the bug report: " + (err.getCause() != null ? err.getCause().getMessage() : err.getMessage()))));
        return done;
    }
}
