package org.criuatlas.ui.fx;

import javafx.application.Platform;

import java.util.concurrent.Executor;

/**
 * The one place that moves work onto the FX thread: inline when already there, else
 * {@code runLater}. High-rate producers do not call it per event: they go through a
 * {@link LatestOnly} or {@link Batched} on {@link #EXECUTOR}, which post at most one task per turn
 * of the FX thread (one pulse) however many events arrive meanwhile.
 */
public final class FxThread {
    private FxThread() {}

    public static final Executor EXECUTOR = FxThread::run;

    public static void run(Runnable r) {
        if (Platform.isFxApplicationThread()) r.run();
        else Platform.runLater(r);
    }
}
