package org.criuatlas.ui;

import javafx.stage.Stage;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.restore.RestoreBoard;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * "Restore…" of an image view: the wiring board in a window of its own; restores run on the host. A
 * restored tree is handed to the demo it came from (so stopping the demo kills it too) and shown in
 * the live graph once a scan sees it.
 */
final class RestoreController {
    /**
     * Restores from the window become children of this JVM ({@code --restore-sibling}): pid 1 reaps
     * lazily on this machine, so a restored tree re-parented to init lingers as zombies after a kill
     * and "is it gone?" checks lie; as our children they are reaped as soon as they exit (DemoRunner
     * kills and reaps restored children of the JVM) and the live graph shows them under our process.
     */
    static final boolean RESTORE_SIBLING = true;

    private final AtlasApp.Window main;
    private final WindowServices services;
    private final LiveWatch watch;
    private final List<RestoreBoard> boards = new ArrayList<>();
    private final List<Stage> stages = new ArrayList<>();
    private Consumer<RestoreBoard> onRestoreBoard = b -> {};

    RestoreController(AtlasApp.Window main, WindowServices services, LiveWatch watch) {
        this.main = main;
        this.services = services;
        this.watch = watch;
    }

    void setOnRestoreBoard(Consumer<RestoreBoard> c) { onRestoreBoard = c == null ? b -> {} : c; }

    RestoreBoard openRestore(ImageWindow iw) {
        // the default goes into the plan before the board is built, so its check box shows it
        RestoreWiringPlan plan = RestoreWiringPlan.of(iw.dump()).withRestoreSibling(RESTORE_SIBLING);
        RestoreBoard board = RestoreBoard.create(plan, services.host(), main.vm().criuStatusProperty().get().path(),
                services.ui(), services.background());
        board.model().restoredPidsProperty().addListener((o, a, pids) -> {
            if (pids == null || pids.isEmpty()) return;
            services.demos().adoptRestored(pids);
            showRestored(pids);
        });
        // the preview's conflicts drawn on the image view's graph, as each check of the machine comes back
        var marks = iw.window().vm().restoreMarksProperty();
        board.model().previewProperty().addListener((o, a, p) ->
                marks.set(org.criuatlas.ui.graph.RestoreMarks.of(p, iw.dump().graph())));
        marks.set(org.criuatlas.ui.graph.RestoreMarks.of(board.model().previewProperty().get(), iw.dump().graph()));
        Stage s = board.showInWindow(null, services.themes());
        boards.add(board);
        stages.add(s);
        s.addEventHandler(javafx.stage.WindowEvent.WINDOW_HIDDEN, e -> {
            marks.set(org.criuatlas.ui.graph.RestoreMarks.NONE);
            boards.remove(board);
            stages.remove(s);
        });
        onRestoreBoard.accept(board);
        return board;
    }

    /** True while a board's restore runs. */
    boolean restoreRunning() {
        return boards.stream().anyMatch(b -> b.model().runningProperty().get());
    }

    /** Closes every board: running restores are cancelled, kept ends closed (the application ends). */
    void closeAll() {
        for (Stage s : List.copyOf(stages)) s.close();
    }

    /** After a restore: scan again, then select the restored root and bring the tree into view. */
    private void showRestored(List<Integer> pids) {
        // the main window is not raised: the person is typing in the board's console
        watch.whenVisible(pids.get(0), () -> {
            main.vm().jumpTo(SelectedItem.process(pids.get(0)));
            main.vm().focusSubtree(pids.get(0));
        });
    }
}
