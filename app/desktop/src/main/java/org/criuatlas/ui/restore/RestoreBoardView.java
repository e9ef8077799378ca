package org.criuatlas.ui.restore;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import org.criuatlas.ui.fx.BugReportSave;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.restore.vm.ConsoleModel;
import org.criuatlas.ui.restore.vm.RestoreBoardModel;
import org.criuatlas.ui.restore.vm.RestoreBoardWords;
import org.criuatlas.ui.restore.vm.WiringRowModel;

import java.util.ArrayList;
import java.util.List;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;

/**
 * The wiring board's controls, bound to a {@link RestoreBoardModel}; user actions go to its intents.
 * Top: one card per obligation, the equivalent command line and the Restore bar. Bottom, side by
 * side: the restore's progress and the consoles of the kept ends.
 */
final class RestoreBoardView extends BorderPane {

    private final RestoreBoardModel model;
    private final VBox cards = new VBox(8);
    private final TabPane consoleTabs = new TabPane();
    /** Asks where to save a bug report (null = cancelled); tests replace the OS dialog, which cannot run headless. */
    java.util.function.Function<javafx.stage.Window, java.io.File> bugReportChooser =
            owner -> BugReportSave.chooseFile(owner, "criu-atlas-restore-bug.tar.gz");

    RestoreBoardView(RestoreBoardModel model, String title) {
        this.model = model;
        setId(BOARD);
        setPadding(new Insets(8));

        Label heading = new Label(title);
        heading.getStyleClass().add(Styles.WINDOW_HEADING);
        heading.setWrapText(true);
        Label status = new Label();
        status.setId(STATUS);
        status.setWrapText(true);
        status.textProperty().bind(model.statusProperty());
        VBox head = new VBox(4, heading, status, TrustPanel.of(model));
        head.setPadding(new Insets(0, 0, 6, 0));
        setTop(head);

        cards.setId(ROWS);
        cards.setPadding(new Insets(4));
        model.rows().addListener((ListChangeListener<WiringRowModel>) c -> rebuildRows());
        rebuildRows();
        ScrollPane cardScroll = new ScrollPane(cards);
        cardScroll.setFitToWidth(true);
        cardScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        cardScroll.setMinHeight(120);
        Label wiringHead = new Label();
        wiringHead.getStyleClass().add(Styles.TITLE);
        wiringHead.textProperty().bind(Bindings.createStringBinding(() -> "Wiring — " + model.rows().size()
                + (model.rows().size() == 1 ? " object" : " objects") + " to hand in", model.rows()));

        TextField addKey = new TextField();
        addKey.setId(ADD_KEY);
        addKey.setPromptText("socket:[INO] or pipe:[INO]");
        addKey.setPrefColumnCount(20);
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
        addMsg.getStyleClass().add(Styles.ERROR_TEXT);
        addMsg.setWrapText(true);
        addMsg.textProperty().bind(model.addMessageProperty());
        addMsg.visibleProperty().bind(addMsg.textProperty().isNotEmpty());
        addMsg.managedProperty().bind(addMsg.visibleProperty());
        HBox addBox = new HBox(6, addKey, add);
        addBox.setAlignment(Pos.CENTER_LEFT);

        TextArea cli = new TextArea();
        cli.setId(CLI_TEXT);
        cli.setEditable(false);
        cli.setWrapText(true);
        cli.setPrefRowCount(5);
        cli.setMinHeight(84); // four lines: the command line matters more than a third card
        cli.setFont(Font.font("monospace", 12));
        cli.textProperty().bind(model.commandLineProperty());
        Button copy = new Button("Copy");
        copy.setId(COPY_CLI);
        copy.setMinWidth(Region.USE_PREF_SIZE);
        copy.setTooltip(new Tooltip("Copy the equivalent criu command line"));
        copy.setOnAction(e -> BoardControls.copyText(model.commandLineProperty().get()));
        HBox cliBox = new HBox(6, cli, copy);
        HBox.setHgrow(cli, Priority.ALWAYS);

        Label blocking = new Label();
        blocking.setId(BLOCKING);
        blocking.setWrapText(true);
        blocking.getStyleClass().add(Styles.ERROR_TEXT);
        blocking.getStyleClass().add(STYLE_ERROR);
        blocking.textProperty().bind(model.blockingTextProperty());
        blocking.visibleProperty().bind(blocking.textProperty().isNotEmpty());
        blocking.managedProperty().bind(blocking.visibleProperty());

        Button restore = new Button("Restore");
        restore.setId(RESTORE);
        restore.setDefaultButton(false);
        restore.setMinWidth(Region.USE_PREF_SIZE);
        restore.getStyleClass().add(Styles.TITLE);
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
        Button bugReport = new Button("Save bug report\u2026");
        bugReport.setId(BUG_REPORT);
        bugReport.setTooltip(new Tooltip("A .tar.gz for a CRIU bug report: versions, criu check, the log, its diagnosis,"
                + " the exact command and how the images met this machine"));
        bugReport.visibleProperty().bind(model.failedProperty().and(model.runningProperty().not()));
        bugReport.managedProperty().bind(bugReport.visibleProperty());
        bugReport.setOnAction(e -> {
            java.io.File f = bugReportChooser.apply(getScene() == null ? null : getScene().getWindow());
            if (f != null) model.saveBugReport(f.toPath(), true);
        });
        HBox restoreBar = new HBox(10, restore, cancel, retry, bugReport, sibling);
        restoreBar.setAlignment(Pos.CENTER_LEFT);

        // the machine now: what stands in the way before anyone presses Restore
        Label previewStatus = new Label();
        previewStatus.setId(PREVIEW_STATUS);
        previewStatus.setWrapText(true);
        previewStatus.textProperty().bind(model.previewStatusProperty());
        Button recheck = new Button("Check again");
        recheck.setId(PREVIEW_RECHECK);
        recheck.setMinWidth(Region.USE_PREF_SIZE);
        recheck.setTooltip(new Tooltip("Compare the images with this machine again (after stopping a process or restoring a file)"));
        recheck.disableProperty().bind(model.checkingProperty().or(model.runningProperty()));
        recheck.setOnAction(e -> model.checkMachine());
        HBox previewHead = new HBox(8, boldLabel("On this machine now"), previewStatus, recheck);
        previewHead.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(previewStatus, Priority.ALWAYS);
        VBox conflicts = new VBox(4);
        conflicts.setId(PREVIEW_CONFLICTS);
        Runnable fillConflicts = () -> {
            conflicts.getChildren().clear();
            for (String line : model.conflictLines()) {
                Label l = new Label(line);
                l.setWrapText(true);
                boolean trust = line.startsWith(RestoreBoardWords.TRUST_LINE_START);
                l.getStyleClass().add(line.startsWith("\u2716") ? Styles.ERROR_TEXT : trust ? Styles.NOTICE : Styles.MUTED);
                if (line.startsWith("\u2716")) l.getStyleClass().add(STYLE_ERROR);
                if (trust) l.setId(PREVIEW_TRUST);
                conflicts.getChildren().add(l);
            }
        };
        model.conflictLines().addListener((ListChangeListener<String>) c -> fillConflicts.run());
        fillConflicts.run();
        ScrollPane conflictScroll = new ScrollPane(conflicts);
        conflictScroll.setFitToWidth(true);
        conflictScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        // as tall as the conflicts, up to a few of them; the wiring cards keep the rest
        conflictScroll.prefViewportHeightProperty().bind(Bindings.createDoubleBinding(
                () -> Math.min(190, conflicts.getHeight() + 2), conflicts.heightProperty()));
        conflictScroll.setMinHeight(Region.USE_PREF_SIZE);
        conflictScroll.visibleProperty().bind(Bindings.isNotEmpty(model.conflictLines()));
        conflictScroll.managedProperty().bind(conflictScroll.visibleProperty());

        // the cards take what the top half has left; nothing else grows, so no gap above the bar
        VBox top = new VBox(6, previewHead, conflictScroll, wiringHead, cardScroll, addBox, addMsg, new Label("Equivalent command line"), cliBox,
                blocking, restoreBar);
        VBox.setVgrow(cardScroll, Priority.ALWAYS);
        top.setPadding(new Insets(0, 0, 6, 0));

        ListView<String> timeline = new ListView<>(model.timeline());
        timeline.setId(TIMELINE);
        timeline.setPlaceholder(new Label("The restore's stages show here, with their times."));
        timeline.getStyleClass().addAll(Styles.MONOSPACE, Styles.SMALL);
        timeline.setCellFactory(v -> new ListCell<>() {
            { // long paths wrap instead of scrolling sideways
                setWrapText(true);
                prefWidthProperty().bind(v.widthProperty().subtract(20));
                setMaxWidth(Region.USE_PREF_SIZE);
            }

            @Override
            protected void updateItem(String line, boolean empty) {
                super.updateItem(line, empty);
                setText(empty ? null : line);
            }
        });
        timeline.getItems().addListener((ListChangeListener<String>) c -> {
            if (!timeline.getItems().isEmpty()) timeline.scrollTo(timeline.getItems().size() - 1);
        });
        VBox progress = new VBox(4, boldLabel("Progress"), timeline);
        VBox.setVgrow(timeline, Priority.ALWAYS);

        consoleTabs.setId(CONSOLES);
        consoleTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        model.consoles().addListener((ListChangeListener<ConsoleModel>) c -> rebuildConsoles());
        Label noConsoles = new Label("After a restore, each end kept by CRIU Atlas gets a console here:"
                + " type lines to the restored process and read what it writes back.");
        noConsoles.setId(CONSOLES_EMPTY);
        noConsoles.setWrapText(true);
        noConsoles.getStyleClass().add(Styles.MUTED);
        noConsoles.setPadding(new Insets(8));
        noConsoles.visibleProperty().bind(Bindings.isEmpty(consoleTabs.getTabs()));
        StackPane consoleArea = new StackPane(consoleTabs, noConsoles);
        StackPane.setAlignment(noConsoles, Pos.TOP_LEFT);
        consoleArea.getStyleClass().add(Styles.FRAMED);
        VBox consoles = new VBox(4, boldLabel("Consoles"), consoleArea);
        VBox.setVgrow(consoleArea, Priority.ALWAYS);

        SplitPane bottom = new SplitPane(progress, consoles);
        bottom.setDividerPositions(0.4);
        progress.setPadding(new Insets(6, 6, 0, 0));
        consoles.setPadding(new Insets(6, 0, 0, 6));
        SplitPane split = new SplitPane(top, bottom);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.6);
        // once laid out: the top half as tall as its cards need (within limits), the rest to progress and consoles
        split.heightProperty().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Number> o, Number was, Number h) {
                if (h.doubleValue() <= 0) return;
                split.heightProperty().removeListener(this);
                double want = top.prefHeight(split.getWidth()) + 30; // divider, borders and insets
                split.setDividerPositions(Math.max(0.35, Math.min(0.62, want / h.doubleValue())));
            }
        });
        setCenter(split);
    }

    private static Label boldLabel(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE);
        return l;
    }

    private void rebuildRows() {
        List<WiringRowModel> rows = new ArrayList<>(model.rows());
        List<Node> built = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) built.add(WiringCard.of(model, i, rows.get(i)));
        if (built.isEmpty()) {
            Label none = new Label("Nothing to hand in: the image has no inherited objects. Type a key below to add one.");
            none.setWrapText(true);
            built.add(none);
        }
        cards.getChildren().setAll(built);
    }

    private void rebuildConsoles() {
        consoleTabs.getTabs().clear();
        for (ConsoleModel c : model.consoles()) consoleTabs.getTabs().add(ConsoleTab.of(c));
    }
}
