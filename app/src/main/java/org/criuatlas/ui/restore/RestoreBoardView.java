package org.criuatlas.ui.restore;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.util.StringConverter;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.ui.restore.vm.ConsoleModel;
import org.criuatlas.ui.restore.vm.RestoreBoardModel;
import org.criuatlas.ui.restore.vm.WiringRowModel;

import java.util.ArrayList;
import java.util.List;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;

/** The wiring board's controls, bound to a {@link RestoreBoardModel}; user actions go to its intents. */
final class RestoreBoardView extends BorderPane {
    private final RestoreBoardModel model;
    private final GridPane grid = new GridPane();
    private final TabPane consoleTabs = new TabPane();

    RestoreBoardView(RestoreBoardModel model, String title) {
        this.model = model;
        setId(BOARD);
        setPadding(new Insets(8));

        Label heading = new Label(title);
        heading.setStyle("-fx-font-weight: bold; -fx-font-size: 1.2em;");
        Label status = new Label();
        status.setId(STATUS);
        status.setWrapText(true);
        status.textProperty().bind(model.statusProperty());
        setTop(new VBox(4, heading, status));

        grid.setId(ROWS);
        grid.setHgap(8);
        grid.setVgap(4);
        ColumnConstraints objCol = new ColumnConstraints();
        objCol.setHgrow(Priority.ALWAYS);
        objCol.setMinWidth(260);
        grid.getColumnConstraints().addAll(objCol, new ColumnConstraints(), new ColumnConstraints(70),
                new ColumnConstraints(), new ColumnConstraints(180), new ColumnConstraints());
        model.rows().addListener((ListChangeListener<WiringRowModel>) c -> rebuildRows());
        rebuildRows();

        TextField addKey = new TextField();
        addKey.setId(ADD_KEY);
        addKey.setPromptText("socket:[INO] or pipe:[INO]");
        Button add = new Button("Hand in another object");
        add.setId(ADD_KEY_BUTTON);
        Runnable doAdd = () -> {
            model.addKey(addKey.getText());
            if (model.addMessageProperty().get().isEmpty()) addKey.clear();
        };
        add.setOnAction(e -> doAdd.run());
        addKey.setOnAction(e -> doAdd.run());
        Label addMsg = new Label();
        addMsg.setId(ADD_KEY_MESSAGE);
        addMsg.getStyleClass().add(STYLE_ERROR);
        addMsg.setStyle("-fx-text-fill: #b00020;");
        addMsg.setWrapText(true);
        addMsg.textProperty().bind(model.addMessageProperty());
        HBox addBox = new HBox(6, addKey, add);

        TextArea cli = new TextArea();
        cli.setId(CLI_TEXT);
        cli.setEditable(false);
        cli.setWrapText(true);
        cli.setPrefRowCount(6);
        cli.setFont(Font.font("monospace", 12));
        cli.textProperty().bind(model.commandLineProperty());
        Button copy = new Button("Copy");
        copy.setId(COPY_CLI);
        copy.setTooltip(new Tooltip("Copy the equivalent criu command line"));
        copy.setOnAction(e -> {
            ClipboardContent cc = new ClipboardContent();
            cc.putString(model.commandLineProperty().get());
            Clipboard.getSystemClipboard().setContent(cc);
        });

        Label blocking = new Label();
        blocking.setId(BLOCKING);
        blocking.setWrapText(true);
        blocking.setStyle("-fx-text-fill: #b00020;");
        blocking.getStyleClass().add(STYLE_ERROR);
        blocking.textProperty().bind(model.blockingTextProperty());

        Button restore = new Button("Restore");
        restore.setId(RESTORE);
        restore.setDefaultButton(false);
        restore.disableProperty().bind(model.canRestoreProperty().not());
        restore.setOnAction(e -> model.restore());
        Button cancel = new Button("Cancel");
        cancel.setId(CANCEL);
        cancel.visibleProperty().bind(model.runningProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        cancel.setOnAction(e -> model.cancel());
        Button retry = new Button("Wait until free and retry");
        retry.setId(WAIT_RETRY);
        retry.visibleProperty().bind(Bindings.createBooleanBinding(() -> !model.takenPidsProperty().get().isEmpty()
                && !model.runningProperty().get(), model.takenPidsProperty(), model.runningProperty()));
        retry.managedProperty().bind(retry.visibleProperty());
        retry.setOnAction(e -> model.waitAndRetry());
        CheckBox sibling = new CheckBox("Restore as a child of CRIU Atlas (--restore-sibling)");
        sibling.setId(SIBLING);
        sibling.setSelected(model.planProperty().get().restoreSibling());
        sibling.selectedProperty().addListener((o, a, b) -> model.setRestoreSibling(b));
        sibling.disableProperty().bind(model.runningProperty());

        ListView<String> timeline = new ListView<>(model.timeline());
        timeline.setId(TIMELINE);
        timeline.setPrefHeight(120);

        consoleTabs.setId(CONSOLES);
        consoleTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        model.consoles().addListener((ListChangeListener<ConsoleModel>) c -> rebuildConsoles());

        VBox top = new VBox(6, new ScrollPane(grid), addBox, addMsg, new Label("Equivalent command line"),
                new HBox(6, cli, copy), blocking, new HBox(8, restore, cancel, retry, sibling));
        ((ScrollPane) top.getChildren().get(0)).setFitToWidth(true);
        HBox.setHgrow(cli, Priority.ALWAYS);
        VBox bottom = new VBox(6, new Label("Progress"), timeline, new Label("Consoles"), consoleTabs);
        VBox.setVgrow(consoleTabs, Priority.ALWAYS);
        SplitPane split = new SplitPane(top, bottom);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.6);
        setCenter(split);
    }

    private static final StringConverter<Destination.Kind> KIND_TEXT = new StringConverter<>() {
        @Override public String toString(Destination.Kind k) { return k == null ? "" : k.label(); }
        @Override public Destination.Kind fromString(String s) { return null; }
    };

    private void rebuildRows() {
        grid.getChildren().clear();
        String[] heads = {"Image object", "Replacement", "criu fd", "Other end", "Command / socket path", ""};
        for (int c = 0; c < heads.length; c++) {
            Label h = new Label(heads[c]);
            h.setStyle("-fx-font-weight: bold;");
            grid.add(h, c, 0);
        }
        List<WiringRowModel> rows = new ArrayList<>(model.rows());
        for (int i = 0; i < rows.size(); i++) addRow(i, rows.get(i), 1 + 2 * i);
    }

    private void addRow(int i, WiringRowModel r, int gridRow) {
        TextField key = new TextField(r.keyProperty().get());
        key.setId(rowKey(i));
        key.setPrefColumnCount(16);
        Label object = new Label();
        object.setWrapText(true);
        object.textProperty().bind(r.objectProperty());
        Runnable commitKey = () -> {
            model.commitKey(i, key.getText());
            key.setText(r.keyProperty().get()); // a refused key goes back; the reason shows below
        };
        key.setOnAction(e -> commitKey.run());
        key.focusedProperty().addListener((o, was, now) -> {
            if (!now && !key.getText().equals(r.keyProperty().get())) commitKey.run();
        });
        r.keyProperty().addListener((o, a, b) -> key.setText(b));

        Label replacement = new Label();
        replacement.setWrapText(true);
        replacement.textProperty().bind(r.replacementProperty());
        replacement.setMaxWidth(200);

        TextField fd = new TextField(r.criuFdProperty().get());
        fd.setId(rowFd(i));
        fd.setPrefColumnCount(4);
        Runnable commitFd = () -> {
            model.commitFd(i, fd.getText());
            fd.setText(r.criuFdProperty().get()); // a clash never reaches the plan
        };
        fd.setOnAction(e -> commitFd.run());
        fd.focusedProperty().addListener((o, was, now) -> {
            if (!now && !fd.getText().equals(r.criuFdProperty().get())) commitFd.run();
        });
        r.criuFdProperty().addListener((o, a, b) -> fd.setText(b));
        Label inherit = new Label();
        inherit.textProperty().bind(r.inheritProperty());
        inherit.setStyle("-fx-font-family: monospace; -fx-font-size: 0.9em;");

        ChoiceBox<Destination.Kind> dest = new ChoiceBox<>();
        dest.setId(rowDestination(i));
        dest.setConverter(KIND_TEXT);
        TextField arg = new TextField(r.argumentProperty().get());
        arg.setId(rowArgument(i));
        boolean[] updating = {false};
        Runnable syncDest = () -> {
            updating[0] = true;
            List<Destination.Kind> kinds = new ArrayList<>(List.of(Destination.Kind.CONSOLE, Destination.Kind.COMMAND,
                    Destination.Kind.UNIX_PATH));
            if (r.reconnectPossibleProperty().get()) kinds.add(Destination.Kind.RECONNECT);
            kinds.add(Destination.Kind.NONE);
            dest.getItems().setAll(kinds);
            dest.setValue(r.destinationProperty().get());
            Destination.Kind k = r.destinationProperty().get();
            arg.setDisable(k != Destination.Kind.COMMAND && k != Destination.Kind.UNIX_PATH);
            arg.setPromptText(k == Destination.Kind.COMMAND ? "command, e.g. cat -n" : k == Destination.Kind.UNIX_PATH ? "/path/to/socket" : "");
            arg.setText(r.argumentProperty().get());
            updating[0] = false;
        };
        syncDest.run();
        r.destinationProperty().addListener((o, a, b) -> syncDest.run());
        r.argumentProperty().addListener((o, a, b) -> syncDest.run());
        r.reconnectPossibleProperty().addListener((o, a, b) -> syncDest.run());
        dest.valueProperty().addListener((o, a, b) -> {
            if (updating[0] || b == null) return;
            model.chooseDestination(i, b, b == Destination.Kind.COMMAND || b == Destination.Kind.UNIX_PATH ? arg.getText() : "");
            syncDest.run();
        });
        Runnable commitArg = () -> {
            Destination.Kind k = r.destinationProperty().get();
            if (arg.getText().equals(r.argumentProperty().get())) return;
            model.chooseDestination(i, k, arg.getText());
        };
        arg.setOnAction(e -> commitArg.run());
        arg.focusedProperty().addListener((o, was, now) -> { if (!now) commitArg.run(); });

        Button remove = new Button("Remove");
        remove.setId(rowRemove(i));
        remove.setOnAction(e -> model.removeRow(i));

        Label message = new Label();
        message.setId(rowMessage(i));
        message.setWrapText(true);
        message.textProperty().bind(r.messageProperty());
        Runnable styleMsg = () -> {
            message.getStyleClass().removeAll(STYLE_ERROR, STYLE_NOTE);
            message.getStyleClass().add(r.errorProperty().get() ? STYLE_ERROR : STYLE_NOTE);
            message.setStyle(r.errorProperty().get() ? "-fx-text-fill: #b00020;" : "-fx-text-fill: #7a5a00;");
        };
        styleMsg.run();
        r.errorProperty().addListener((o, a, b) -> styleMsg.run());
        message.visibleProperty().bind(r.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());

        grid.add(new VBox(2, key, object), 0, gridRow);
        grid.add(replacement, 1, gridRow);
        grid.add(new VBox(2, fd), 2, gridRow);
        grid.add(dest, 3, gridRow);
        grid.add(arg, 4, gridRow);
        grid.add(remove, 5, gridRow);
        grid.add(new VBox(2, inherit, message), 0, gridRow + 1, 6, 1);
    }

    private void rebuildConsoles() {
        consoleTabs.getTabs().clear();
        for (ConsoleModel c : model.consoles()) consoleTabs.getTabs().add(consoleTab(c));
    }

    private static Tab consoleTab(ConsoleModel c) {
        TextArea out = new TextArea();
        out.setId(CONSOLE_OUTPUT);
        out.setEditable(false);
        out.setFont(Font.font("monospace", 12));
        out.textProperty().bind(c.receivedProperty());
        out.textProperty().addListener((o, a, b) -> out.positionCaret(b.length()));
        TextField in = new TextField();
        in.setId(CONSOLE_INPUT);
        in.setPromptText(c.canSendProperty().get() ? "type a line, Enter sends it" : "this end only receives");
        in.disableProperty().bind(c.canSendProperty().not());
        Button send = new Button("Send");
        send.setId(CONSOLE_SEND);
        send.disableProperty().bind(c.canSendProperty().not());
        Runnable doSend = () -> {
            c.sendLine(in.getText());
            in.clear();
        };
        in.setOnAction(e -> doSend.run());
        send.setOnAction(e -> doSend.run());
        Label counters = new Label();
        counters.setId(CONSOLE_COUNTERS);
        counters.textProperty().bind(Bindings.createStringBinding(() -> c.bytesInProperty().get() + " bytes in, "
                + c.bytesOutProperty().get() + " bytes out; " + c.statusProperty().get(),
                c.bytesInProperty(), c.bytesOutProperty(), c.statusProperty()));
        HBox inputRow = new HBox(6, in, send);
        HBox.setHgrow(in, Priority.ALWAYS);
        VBox box = new VBox(4, out, inputRow, counters);
        VBox.setVgrow(out, Priority.ALWAYS);
        box.setPadding(new Insets(4));
        return new Tab(c.key(), box);
    }
}
