package org.criuatlas.ui.restore;

import javafx.application.Platform;
import org.criuatlas.bridge.criu.CriuLocator;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Developer entry: opens the restore board for an image directory in a window of its own.
 * {@code java -cp ... org.criuatlas.ui.restore.RestoreBoardDevMain DIR}. Not a sub-command: the
 * main window will open the board from "Open images…".
 */
public final class RestoreBoardDevMain {
    private RestoreBoardDevMain() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: RestoreBoardDevMain IMAGES_DIR");
            System.exit(2);
        }
        Path criu = CriuLocator.locate().map(l -> l.path()).orElse(Path.of("criu"));
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "restore-board");
            t.setDaemon(true);
            return t;
        });
        Platform.startup(() -> RestoreBoard.open(Path.of(args[0]), criu, pool).whenComplete((b, e) -> Platform.runLater(() -> {
            if (e != null) {
                System.err.println("cannot open " + args[0] + ": " + e.getMessage());
                Platform.exit();
                return;
            }
            b.showInWindow().setOnHidden(x -> {
                b.model().close();
                Platform.exit();
            });
        })));
    }
}
