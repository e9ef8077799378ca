package org.criuatlas.ui.restore;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.criuatlas.host.Host;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.ui.UiTestSupport;
import org.criuatlas.ui.theme.Themes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * A restore board in a window of its own, as the restore-board tests drive it: the toolkit, the board
 * shown over a host with the test's pool, and after each test the board's model closed (its kept ends
 * and relays), the window hidden, the test's own clean-up, then the pool stopped.
 */
abstract class RestoreBoardFixture extends FxRobot {
    @TempDir Path tmp;
    Stage stage;
    RestoreBoard board;
    ExecutorService pool;
    final Themes themes = new Themes();

    @BeforeAll
    static void toolkit() throws Exception {
        UiTestSupport.primaryStage();
    }

    /** Shows the board of {@code plan} over {@code host} (1200 x 850), {@code before} applied to it first. */
    void showBoard(RestoreWiringPlan plan, Host host, Path criu, Consumer<RestoreBoard> before) throws Exception {
        FxToolkit.setupStage(s -> {
            stage = s;
            board = RestoreBoard.create(plan, host, criu, Platform::runLater, pool);
            before.accept(board);
            s.setScene(themes.style(new Scene((javafx.scene.Parent) board.node(), 1200, 850)));
            s.show();
        });
    }

    void showBoard(RestoreWiringPlan plan, Host host, Path criu) throws Exception {
        showBoard(plan, host, criu, b -> { });
    }

    /** A test's own clean-up, after the board closed and before the pool stops. */
    void afterBoardClosed() throws Exception {
    }

    @AfterEach
    void closeBoard() throws Exception {
        if (board != null) FxToolkit.setupFixture(() -> {
            board.model().close();
            stage.hide();
        });
        afterBoardClosed();
        if (pool != null) pool.shutdownNow();
    }
}
