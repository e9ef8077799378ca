package org.criuatlas.ui.restore;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
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
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.util.StringConverter;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.restore.vm.ConsoleModel;
import org.criuatlas.ui.restore.vm.ConsoleTranscript;
import org.criuatlas.ui.restore.vm.RestoreBoardModel;
import org.criuatlas.ui.restore.vm.WiringRowModel;
import java.util.ArrayList;
import java.util.List;
import static org.criuatlas.ui.restore.RestoreBoardIds.*;

/**
 * One console of the board: the transcript (what the person sent and what the restored process
 * wrote, told apart by a mark and a style class), a line to send, the byte counters, and copy.
 */
final class ConsoleTab {
    private ConsoleTab() {}

    static Tab of(ConsoleModel c) {
        // a virtualized list: a burst of thousands of lines lays out only the visible ones
        ListView<ConsoleTranscript.Line> out = new ListView<>(c.transcript().lines());
        out.setId(CONSOLE_OUTPUT);
        out.setFocusTraversable(false);
        out.setPlaceholder(new Label(c.canSendProperty().get() ? "Nothing sent or received yet." : "Nothing received yet."));
        out.setCellFactory(v -> new ListCell<>() {
            private final Label arrow = new Label();

            {
                arrow.getStyleClass().add(STYLE_ARROW);
            }

            @Override
            protected void updateItem(ConsoleTranscript.Line line, boolean empty) {
                super.updateItem(line, empty);
                getStyleClass().removeAll(STYLE_SENT, STYLE_RECEIVED);
                if (empty || line == null) {
                    setText(null);
                    setGraphic(null);
                    return;
                }
                boolean sent = line.direction() == ConsoleTranscript.Direction.SENT;
                getStyleClass().add(sent ? STYLE_SENT : STYLE_RECEIVED);
                arrow.setText(line.direction().prefix().strip());
                setGraphic(arrow);
                setText(line.text());
            }
        });
        out.getItems().addListener((ListChangeListener<ConsoleTranscript.Line>) ch -> {
            if (!out.getItems().isEmpty()) out.scrollTo(out.getItems().size() - 1);
        });
        TextField in = new TextField();
        in.setId(CONSOLE_INPUT);
        in.setPromptText(c.canSendProperty().get() ? "type a line, Enter sends it" : "this end only receives");
        in.disableProperty().bind(c.canSendProperty().not());
        Button send = new Button("Send");
        send.setId(CONSOLE_SEND);
        send.setMinWidth(Region.USE_PREF_SIZE);
        send.disableProperty().bind(c.canSendProperty().not());
        Runnable doSend = () -> {
            c.sendLine(in.getText());
            in.clear();
        };
        in.setOnAction(e -> doSend.run());
        send.setOnAction(e -> doSend.run());
        Label sentKey = new Label(ConsoleTranscript.Direction.SENT.prefix() + "you sent");
        sentKey.getStyleClass().add(STYLE_SENT);
        sentKey.setMinWidth(Region.USE_PREF_SIZE);
        Label receivedKey = new Label(ConsoleTranscript.Direction.RECEIVED.prefix() + "the restored process wrote");
        receivedKey.getStyleClass().add(STYLE_RECEIVED);
        receivedKey.setMinWidth(0);
        Label counters = new Label();
        counters.setId(CONSOLE_COUNTERS);
        counters.setWrapText(true);
        counters.getStyleClass().add(Styles.MUTED);
        String where = c.keptBy() == null ? "" : "; kept by " + c.keptBy() + ", streamed here";
        counters.textProperty().bind(Bindings.createStringBinding(() -> c.bytesInProperty().get() + " bytes in, "
                + c.bytesOutProperty().get() + " bytes out; " + c.statusProperty().get() + where,
                c.bytesInProperty(), c.bytesOutProperty(), c.statusProperty()));
        Button copy = new Button("Copy transcript");
        copy.setId(CONSOLE_COPY);
        copy.setMinWidth(Region.USE_PREF_SIZE);
        copy.setOnAction(e -> BoardControls.copyText(c.transcript().text()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox legend = new HBox(14, sentKey, receivedKey, gap, copy);
        legend.setAlignment(Pos.CENTER_LEFT);
        HBox inputRow = new HBox(6, in, send);
        HBox.setHgrow(in, Priority.ALWAYS);
        VBox box = new VBox(4, legend, out, inputRow, counters);
        VBox.setVgrow(out, Priority.ALWAYS);
        box.setPadding(new Insets(4));
        return new Tab(c.key(), box);
    }
}
