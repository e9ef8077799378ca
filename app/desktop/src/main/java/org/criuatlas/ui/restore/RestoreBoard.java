package org.criuatlas.ui.restore;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.host.Host;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.ui.restore.vm.RestoreBoardModel;
import org.criuatlas.ui.theme.Themes;

import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * The restore wiring board for one image directory, ready to put in a window or a tab. An image
 * view's "Restore…" builds it from the images it read; restores run on the given {@link Host}.
 */
public final class RestoreBoard {
    private final RestoreBoardModel model;
    private final RestoreBoardView view;

    private RestoreBoard(RestoreBoardModel model, String title) {
        this.model = model;
        this.view = new RestoreBoardView(model, title);
    }

    /**
     * On the FX thread.
     *
     * @param criu       the host's criu, for the command line shown (null: "criu")
     * @param ui         runs state changes (the FX thread)
     * @param background sends console text and closes kept ends
     */
    public static RestoreBoard create(RestoreWiringPlan plan, Host host, Path criu, Executor ui, Executor background) {
        RestoreBoard b = new RestoreBoard(new RestoreBoardModel(plan, host, criu, ui, background), "Restore " + plan.imagesDir());
        // what stands in the way on the host, listed before anyone presses Restore
        b.model.checkMachine();
        return b;
    }

    public Node node() { return view; }

    public RestoreBoardModel model() { return model; }

    /** Tests: replaces the OS save dialog of "Save bug report…". */
    public void setBugReportChooser(java.util.function.Function<Window, java.io.File> c) {
        view.bugReportChooser = c;
    }

    /** Shows the board in a window of its own, styled by {@code themes}; closing the window closes the kept ends. */
    public Stage showInWindow(Window owner, Themes themes) {
        Stage s = new Stage();
        if (owner != null) s.initOwner(owner);
        s.setTitle("CRIU Atlas \u2014 restore");
        s.setScene(themes.style(new Scene(view, 1100, 800)));
        s.setOnHidden(e -> model.close());
        s.show();
        return s;
    }
}
