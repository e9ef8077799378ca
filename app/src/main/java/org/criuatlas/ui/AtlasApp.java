package org.criuatlas.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

/** The JavaFX application. */
public final class AtlasApp extends Application {
    public static void launchWindow(String[] args) {
        if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null
                && !"monocle".equals(System.getProperty("glass.platform"))) {
            System.err.println("criu-atlas: no display (DISPLAY is not set). Run it in a desktop session, "
                    + "or use a headless command: ./criu-atlas --help");
            System.exit(2);
        }
        Application.launch(AtlasApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        stage.setTitle("CRIU Atlas");
        stage.setScene(new Scene(new BorderPane(new Label("CRIU Atlas")), 1200, 800));
        stage.show();
    }
}
