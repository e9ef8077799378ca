package org.criuatlas.ui;

import javafx.application.Platform;

import java.util.concurrent.Executor;

/** The one place that moves work onto the FX thread: inline when already there, else runLater. */
public final class UiThread {
    private UiThread() {}

    public static final Executor EXECUTOR = UiThread::run;

    public static void run(Runnable r) {
        if (Platform.isFxApplicationThread()) r.run();
        else Platform.runLater(r);
    }
}
