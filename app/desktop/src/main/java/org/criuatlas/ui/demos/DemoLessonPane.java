package org.criuatlas.ui.demos;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.criuatlas.ui.fx.FxThread;
import org.criuatlas.ui.theme.Styles;

import java.util.function.Consumer;

/**
 * The lesson beside the graph: the demo's story, the numbered steps (with the live pids and inodes
 * once it runs), what to look for and why CRIU behaves so, a Start/Stop button and a status line.
 * Place it in a side panel with {@link #create}.
 */
public final class DemoLessonPane extends BorderPane {
    private final DemoLessonModel model;

    private DemoLessonPane(DemoLessonModel model) {
        this.model = model;
        setId(DemoIds.PANE);
        getStyleClass().add("demo-lesson-pane");
        setPrefWidth(380);

        ComboBox<Demo> chooser = new ComboBox<>();
        chooser.setId(DemoIds.CHOOSER);
        chooser.getItems().setAll(model.demos());
        chooser.setMaxWidth(Double.MAX_VALUE);
        chooser.getSelectionModel().select(model.demoProperty().get());
        chooser.setOnAction(e -> {
            Demo d = chooser.getValue();
            if (d != null && !d.equals(model.demoProperty().get())) model.show(d);
        });
        model.demoProperty().addListener((o, a, b) -> chooser.getSelectionModel().select(b));

        Label title = wrapped(DemoIds.TITLE);
        title.textProperty().bind(Bindings.createStringBinding(() -> model.demoProperty().get().menuText(), model.demoProperty()));
        title.getStyleClass().add(Styles.WINDOW_HEADING);

        Label summary = wrapped(DemoIds.SUMMARY);
        summary.textProperty().bind(model.summaryProperty());

        VBox steps = new VBox(6);
        steps.setId(DemoIds.STEPS);
        Runnable fillSteps = () -> steps.getChildren().setAll(model.steps().stream().map(s -> {
            Label l = wrapped(null);
            l.setText(s);
            return l;
        }).toList());
        model.steps().addListener((javafx.collections.ListChangeListener<String>) c -> fillSteps.run());
        fillSteps.run();

        Label lookFor = wrapped(DemoIds.LOOK_FOR);
        lookFor.textProperty().bind(model.lookForProperty());
        Label why = wrapped(DemoIds.WHY);
        why.textProperty().bind(model.whyProperty());

        Button startStop = new Button();
        startStop.setId(DemoIds.START_STOP);
        startStop.textProperty().bind(model.buttonTextProperty());
        startStop.disableProperty().bind(model.busyProperty());
        startStop.setOnAction(e -> model.startOrStop());

        Button selectRoot = new Button("Select root");
        selectRoot.setId(DemoIds.SELECT_ROOT);
        selectRoot.disableProperty().bind(Bindings.createBooleanBinding(
                () -> model.stateProperty().get() != DemoRunner.State.RUNNING, model.stateProperty()));
        selectRoot.setOnAction(e -> model.selectRoot());

        Label status = wrapped(DemoIds.STATUS);
        status.textProperty().bind(model.statusProperty());

        HBox buttons = new HBox(8, startStop, selectRoot);
        VBox top = new VBox(8, chooser, title, buttons, status);
        top.setPadding(new Insets(10, 10, 6, 10));
        setTop(top);

        VBox body = new VBox(10, summary, heading("Steps"), steps, heading("What to look for"), lookFor,
                heading("Why CRIU does this"), why);
        body.setPadding(new Insets(6, 10, 10, 10));
        ScrollPane scroll = new ScrollPane(body);
        scroll.setFitToWidth(true);
        setCenter(scroll);
    }

    /**
     * A lesson pane for the side panel, on the FX thread.
     *
     * @param onStarted told (on the FX thread) when a demo started here runs, and on "Select root"
     */
    public static DemoLessonPane create(DemoRunner runner, Demo initial, Consumer<StartedDemo> onStarted) {
        return new DemoLessonPane(new DemoLessonModel(runner, initial, FxThread.EXECUTOR, onStarted));
    }

    public DemoLessonModel model() {
        return model;
    }

    /** Shows another demo's lesson (e.g. the one just started from the Demos menu). */
    public void show(Demo d) {
        model.show(d);
    }

    /** Stops listening to the runner; the demos themselves keep running until the runner stops them. */
    public void dispose() {
        model.close();
    }

    private static Label wrapped(String id) {
        Label l = new Label();
        if (id != null) l.setId(id);
        l.setWrapText(true);
        l.setMaxWidth(Double.MAX_VALUE);
        l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE);
        return l;
    }
}
