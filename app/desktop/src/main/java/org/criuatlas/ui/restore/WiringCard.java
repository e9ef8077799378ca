package org.criuatlas.ui.restore;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.restore.vm.RestoreBoardModel;
import org.criuatlas.ui.restore.vm.WiringRowModel;

import java.util.ArrayList;
import java.util.List;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;

/**
 * One card of the {@link RestoreBoardView}'s wiring: an obligation's key and object, its replacement,
 * criu fd and other end, and its message, bound to its row of the board's model.
 */
final class WiringCard {
    private WiringCard() {}

    private static final StringConverter<Destination.Kind> KIND_TEXT = new StringConverter<>() {
        @Override public String toString(Destination.Kind k) { return k == null ? "" : destinationText(k); }
        @Override public Destination.Kind fromString(String s) { return null; }
    };

    /** One obligation: the key and what it was on top; the replacement, criu fd and other end below. */
    static Node of(RestoreBoardModel model, int i, WiringRowModel r) {
        TextField key = new TextField(r.keyProperty().get());
        key.setId(rowKey(i));
        key.setPrefColumnCount(15);
        key.setMinWidth(Region.USE_PREF_SIZE);
        key.setTooltip(new Tooltip("The image object handed in: socket:[INO] or pipe:[INO]"));
        Label object = new Label();
        object.setWrapText(true);
        object.setMinWidth(0);
        object.setMaxWidth(Double.MAX_VALUE);
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
        Button remove = new Button("Remove");
        remove.setId(rowRemove(i));
        remove.setMinWidth(Region.USE_PREF_SIZE);
        remove.setTooltip(new Tooltip("Do not hand this object in"));
        remove.setOnAction(e -> model.removeRow(i));
        HBox top = new HBox(10, key, object, remove);
        top.setAlignment(Pos.TOP_LEFT);
        HBox.setHgrow(object, Priority.ALWAYS);
        object.setPadding(new Insets(4, 0, 0, 0));

        Label replacement = new Label();
        replacement.setWrapText(true);
        replacement.setMinWidth(0);
        replacement.textProperty().bind(r.replacementProperty());

        TextField fd = new TextField(r.criuFdProperty().get());
        fd.setId(rowFd(i));
        fd.setPrefColumnCount(4);
        fd.setMinWidth(Region.USE_PREF_SIZE);
        fd.setTooltip(new Tooltip("The fd number criu is given this end at (criu's own fd, not the task's)"));
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
        inherit.setMinWidth(0);
        inherit.getStyleClass().addAll(Styles.MONOSPACE, Styles.MUTED);
        HBox fdBox = new HBox(10, fd, inherit);
        fdBox.setAlignment(Pos.CENTER_LEFT);

        ChoiceBox<Destination.Kind> dest = new ChoiceBox<>();
        dest.setId(rowDestination(i));
        dest.setConverter(KIND_TEXT);
        dest.setMinWidth(Region.USE_PREF_SIZE);
        TextField arg = new TextField(r.argumentProperty().get());
        arg.setId(rowArgument(i));
        arg.setMinWidth(160);
        arg.setPrefColumnCount(30);
        arg.setMaxWidth(Double.MAX_VALUE);
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
            boolean named = k == Destination.Kind.COMMAND || k == Destination.Kind.UNIX_PATH;
            arg.setVisible(named); // only a command or a path needs typing
            arg.setDisable(!named);
            arg.setPromptText(k == Destination.Kind.COMMAND ? "command line, e.g. cat -n"
                    : k == Destination.Kind.UNIX_PATH ? "/path/to/socket" : "");
            arg.setText(r.argumentProperty().get());
            updating[0] = false;
        };
        arg.managedProperty().bind(arg.visibleProperty());
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
        HBox destBox = new HBox(10, dest, arg);
        destBox.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(arg, Priority.ALWAYS);

        GridPane details = new GridPane();
        details.setHgap(10);
        details.setVgap(6);
        BoardControls.nameAndValueColumns(details);
        details.addRow(0, fieldName("Replacement"), replacement);
        details.addRow(1, fieldName("criu fd"), fdBox);
        details.addRow(2, fieldName("Other end"), destBox);

        Label message = new Label();
        message.setId(rowMessage(i));
        message.setWrapText(true);
        message.setMinWidth(0);
        message.textProperty().bind(r.messageProperty());
        Runnable styleMsg = () -> {
            message.getStyleClass().removeAll(STYLE_ERROR, STYLE_NOTE);
            message.getStyleClass().removeAll(Styles.ERROR_TEXT, Styles.NOTICE);
            message.getStyleClass().add(r.errorProperty().get() ? STYLE_ERROR : STYLE_NOTE);
            message.getStyleClass().add(r.errorProperty().get() ? Styles.ERROR_TEXT : Styles.NOTICE);
        };
        styleMsg.run();
        r.errorProperty().addListener((o, a, b) -> styleMsg.run());
        message.visibleProperty().bind(r.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());

        VBox card = new VBox(8, top, details, message);
        card.setId(rowCard(i));
        card.getStyleClass().addAll(STYLE_CARD, Styles.CARD);
        return card;
    }

    private static Label fieldName(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.MUTED);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }
}
