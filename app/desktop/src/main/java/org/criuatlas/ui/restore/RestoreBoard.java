package org.criuatlas.ui.restore;

import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.ui.restore.vm.RestoreBoardModel;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The restore wiring board for one image directory, ready to put in a window or a tab. The main
 * window's "Open images…" can call {@link #open(Path, Path, Executor)} (reads the images in the
 * background) or {@link #create(ImageDump, Path, Executor)} with images it already read.
 */
public final class RestoreBoard {
    private final RestoreBoardModel model;
    private final RestoreBoardView view;

    private RestoreBoard(RestoreBoardModel model, String title) {
        this.model = model;
        this.view = new RestoreBoardView(model, title);
    }

    /** On the FX thread. {@code background} runs restores, console sends and closes. */
    public static RestoreBoard create(ImageDump dump, Path criu, Executor background) {
        RestoreBoardModel m = new RestoreBoardModel(RestoreWiringPlan.of(dump), criu, Platform::runLater, background);
        return new RestoreBoard(m, "Restore " + dump.dir() + " — " + dump.graph().processes().size() + " process(es), "
                + dump.obligations().size() + " obligation(s)");
    }

    /** For a plan built elsewhere (tests, demos); on the FX thread. */
    public static RestoreBoard create(RestoreWiringPlan plan, Path criu, Executor ui, Executor background) {
        return new RestoreBoard(new RestoreBoardModel(plan, criu, ui, background), "Restore " + plan.imagesDir());
    }

    /** Reads {@code imagesDir} on {@code background}, then builds the board on the FX thread. */
    public static CompletableFuture<RestoreBoard> open(Path imagesDir, Path criu, Executor background) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ImageReader.open(imagesDir);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background).thenApplyAsync(d -> create(d, criu, background), Platform::runLater);
    }

    public Node node() { return view; }

    public RestoreBoardModel model() { return model; }

    /** Shows the board in a window of its own; closing the window closes the kept ends. */
    public Stage showInWindow() {
        Stage s = new Stage();
        s.setTitle("CRIU Atlas — restore");
        s.setScene(new Scene(view, 1100, 800));
        s.setOnHidden(e -> model.close());
        s.show();
        return s;
    }
}
