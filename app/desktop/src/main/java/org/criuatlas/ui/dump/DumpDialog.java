package org.criuatlas.ui.dump;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.ui.fx.BugReportSave;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.theme.Themes;

import java.io.File;
import java.nio.file.Path;

/**
 * The "Dump…" window: images folder with its check, options, Dump/Cancel, the stage timeline, the
 * live log tail, and the outcome (failures with their fix buttons, the target check, the figures
 * and "Open images"). Binds to {@link DumpViewModel}; everything it does goes through intents.
 */
public final class DumpDialog extends BorderPane {
    public static final String ID = "dump-dialog";
    public static final String ID_FOLDER = "dump-folder";
    public static final String ID_FOLDER_CHECK = "dump-folder-check";
    public static final String ID_CHOOSE_ANOTHER = "dump-choose-another";
    public static final String ID_SUB_FOLDER = "dump-sub-folder";
    public static final String ID_LEAVE_RUNNING = "dump-leave-running";
    public static final String ID_SHELL_JOB = "dump-shell-job";
    public static final String ID_TCP = "dump-tcp-established";
    public static final String ID_LOG_LEVEL = "dump-log-level";
    public static final String ID_START = "dump-start";
    public static final String ID_CANCEL = "dump-cancel";
    public static final String ID_STAGES = "dump-stages";
    public static final String ID_LOG = "dump-log";
    public static final String ID_FAILURES = "dump-failures";
    public static final String ID_TARGET = "dump-target";
    public static final String ID_SUMMARY = "dump-summary";
    public static final String ID_OPEN_IMAGES = "dump-open-images";
    public static final String ID_OPEN_LOG = "dump-open-log";
    public static final String ID_MESSAGE = "dump-message";
    public static final String ID_BUG_REPORT = "dump-bug-report";
    public static final String ID_COMMAND = "dump-command";
    public static final String STYLE_FIX = "dump-fix";
    public static final String STYLE_FAILURE = "dump-failure";

    private final DumpViewModel vm;

    public DumpDialog(DumpViewModel vm) {
        this.vm = vm;
        setId(ID);
        setPadding(new Insets(10));

        DumpPlan p = vm.plan();
        Label header = new Label("Dump pid " + p.root() + " (" + p.rootCommand() + ") \u2014 " + p.dumped().size() + " process"
                + (p.dumped().size() == 1 ? "" : "es"));
        header.getStyleClass().add(Styles.WINDOW_HEADING);
        TextField command = new TextField();
        command.setId(ID_COMMAND);
        command.setEditable(false);
        command.getStyleClass().add(Styles.COMMAND_FIELD);
        command.textProperty().bind(vm.commandProperty());

        // folder
        TextField folder = new TextField();
        folder.setId(ID_FOLDER);
        folder.setPromptText("a new, empty folder for the images");
        HBox.setHgrow(folder, Priority.ALWAYS);
        vm.folderProperty().addListener((o, a, b) -> {
            String s = b == null ? "" : b.toString();
            if (!s.equals(folder.getText())) folder.setText(s);
        });
        if (vm.folderProperty().get() != null) folder.setText(vm.folderProperty().get().toString());
        folder.setOnAction(e -> choose(folder.getText()));
        folder.focusedProperty().addListener((o, was, now) -> { if (!now) choose(folder.getText()); });
        Button browse = new Button("Browse\u2026");
        browse.setOnAction(e -> browse());
        Label check = new Label();
        check.setId(ID_FOLDER_CHECK);
        check.setWrapText(true);
        check.textProperty().bind(Bindings.createStringBinding(() -> vm.folderCheck().message(), vm.folderCheckProperty()));
        Button another = new Button("Choose another\u2026");
        another.setId(ID_CHOOSE_ANOTHER);
        another.setOnAction(e -> browse());
        Button sub = new Button("Use a new sub-folder");
        sub.setId(ID_SUB_FOLDER);
        sub.setOnAction(e -> vm.useNewSubFolder());
        HBox choice = new HBox(8, another, sub);
        choice.visibleProperty().bind(Bindings.createBooleanBinding(() -> vm.folderCheck().needsChoice(), vm.folderCheckProperty()));
        choice.managedProperty().bind(choice.visibleProperty());

        // options
        CheckBox leave = new CheckBox("Leave running");
        leave.setId(ID_LEAVE_RUNNING);
        leave.selectedProperty().bindBidirectional(vm.leaveRunningProperty());
        CheckBox shell = new CheckBox("Shell job");
        shell.setId(ID_SHELL_JOB);
        shell.selectedProperty().bindBidirectional(vm.shellJobProperty());
        CheckBox tcp = new CheckBox("TCP established");
        tcp.setId(ID_TCP);
        tcp.selectedProperty().bindBidirectional(vm.tcpEstablishedProperty());
        ChoiceBox<Integer> level = new ChoiceBox<>();
        level.setId(ID_LOG_LEVEL);
        level.getItems().addAll(0, 1, 2, 3, 4);
        level.setValue(vm.logLevelProperty().get());
        level.valueProperty().addListener((o, a, b) -> { if (b != null) vm.logLevelProperty().set(b); });
        HBox options = new HBox(14, leave, shell, tcp, new Label("Log verbosity"), level);
        options.setAlignment(Pos.CENTER_LEFT);
        options.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.phase().busy(), vm.phaseProperty()));

        Button start = new Button("Dump");
        start.setId(ID_START);
        start.setDefaultButton(true);
        start.disableProperty().bind(vm.canStartProperty().not());
        start.setOnAction(e -> vm.start());
        Button cancel = new Button("Cancel");
        cancel.setId(ID_CANCEL);
        cancel.disableProperty().bind(vm.canCancelProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        Label message = new Label();
        message.setId(ID_MESSAGE);
        message.setWrapText(true);
        message.textProperty().bind(vm.messageProperty());
        HBox actions = new HBox(8, start, cancel);

        VBox top = new VBox(8, header, command, new HBox(8, folder, browse), check, choice, options, actions, message);
        setTop(top);

        // progress
        ListView<StageRow> stages = new ListView<>(vm.stages());
        stages.setId(ID_STAGES);
        stages.setPrefHeight(170);
        stages.setMinHeight(120);
        stages.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(StageRow r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : String.format("%-9s %-16s %s%s%s", r.sinceText(), r.name(), r.meaning(),
                        r.took() == null ? "" : "  (" + r.tookText() + ")",
                        r.criuTime() == null ? "" : String.format("  [criu %.6f]", r.criuTime().toNanos() / 1e9)));
            }
        });
        ListView<String> log = new ListView<>(vm.logTail());
        log.setId(ID_LOG);
        log.getStyleClass().add(Styles.MONOSPACE);
        vm.logTail().addListener((ListChangeListener<String>) c -> {
            if (!vm.logTail().isEmpty()) log.scrollTo(vm.logTail().size() - 1);
        });
        TitledPane stagesPane = new TitledPane("Stages", stages);
        stagesPane.setCollapsible(false);
        log.setMinHeight(120);
        TitledPane logPane = new TitledPane("Log (tail)", log);
        logPane.setCollapsible(false);
        VBox.setVgrow(logPane, Priority.ALWAYS);

        // outcome
        VBox failures = new VBox(6);
        failures.setId(ID_FAILURES);
        vm.failures().addListener((ListChangeListener<DumpFailure>) c -> fillFailures(failures));
        Label target = new Label();
        target.setId(ID_TARGET);
        target.setWrapText(true);
        target.textProperty().bind(Bindings.createStringBinding(() -> vm.target() == null ? "" : vm.target().text(), vm.targetProperty()));
        vm.targetProperty().addListener((o, a, t) -> {
            target.getStyleClass().removeAll(Styles.TARGET_RUNNING, Styles.TARGET_NOT_RUNNING);
            if (t != null) target.getStyleClass().add(t.running() ? Styles.TARGET_RUNNING : Styles.TARGET_NOT_RUNNING);
        });
        Label summary = new Label();
        summary.setId(ID_SUMMARY);
        summary.textProperty().bind(Bindings.createStringBinding(() -> vm.summary() == null ? "" : vm.summary().text(), vm.summaryProperty()));
        Button openImages = new Button("Open images");
        openImages.setId(ID_OPEN_IMAGES);
        openImages.visibleProperty().bind(vm.phaseProperty().isEqualTo(DumpViewModel.Phase.SUCCEEDED));
        openImages.managedProperty().bind(openImages.visibleProperty());
        openImages.setOnAction(e -> vm.openImages());
        Button openLog = new Button("Open log in the lens");
        openLog.setId(ID_OPEN_LOG);
        openLog.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.logFileProperty().get() == null || vm.phase().busy(),
                vm.logFileProperty(), vm.phaseProperty()));
        openLog.setOnAction(e -> vm.openLog());
        Button bugReport = new Button("Save bug report\u2026");
        bugReport.setId(ID_BUG_REPORT);
        bugReport.setTooltip(new javafx.scene.control.Tooltip("A .tar.gz to attach to a CRIU bug report: versions, criu check,"
                + " the plan, the scan of the subtree, the log, the diagnosis and the exact command"));
        bugReport.visibleProperty().bind(vm.phaseProperty().isEqualTo(DumpViewModel.Phase.FAILED)
                .or(vm.phaseProperty().isEqualTo(DumpViewModel.Phase.BROKEN)));
        bugReport.managedProperty().bind(bugReport.visibleProperty());
        bugReport.setOnAction(e -> {
            java.io.File f = bugReportChooser.apply(getScene() == null ? null : getScene().getWindow());
            if (f != null) vm.saveBugReport(f.toPath(), true, true);
        });
        VBox outcome = new VBox(6, failures, target, summary, new HBox(8, openImages, openLog, bugReport));

        VBox center = new VBox(8, stagesPane, logPane, outcome);
        center.setPadding(new Insets(8, 0, 0, 0));
        setCenter(center);
    }

    /** Asks where to save a bug report (null = cancelled); tests replace the OS dialog, which cannot run headless. */
    private java.util.function.Function<javafx.stage.Window, java.io.File> bugReportChooser = DumpDialog::chooseBugReport;

    public void setBugReportChooser(java.util.function.Function<javafx.stage.Window, java.io.File> c) {
        bugReportChooser = c == null ? DumpDialog::chooseBugReport : c;
    }

    private static java.io.File chooseBugReport(javafx.stage.Window owner) {
        return BugReportSave.chooseFile(owner, "criu-atlas-bug.tar.gz");
    }

    private void choose(String text) {
        if (text == null || text.isBlank()) return;
        Path p = Path.of(text.strip());
        if (!p.equals(vm.folderProperty().get())) vm.chooseFolder(p);
    }

    private void browse() {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle("Folder for the images (a new sub-folder is made in it if it is not empty)");
        File f = c.showDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) vm.chooseFolder(f.toPath());
    }

    private void fillFailures(VBox box) {
        box.getChildren().clear();
        for (DumpFailure f : vm.failures()) {
            Label title = new Label(f.title());
            title.getStyleClass().add(Styles.FAILURE_TITLE);
            Label what = new Label(f.what());
            what.setWrapText(true);
            Label fix = new Label(f.fixText());
            fix.setWrapText(true);
            // wrapped labels in a VBox are squeezed to one line unless they may be as tall as they want
            what.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            fix.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            VBox v = new VBox(3, title, what, fix);
            v.getStyleClass().addAll(STYLE_FAILURE, Styles.FAILURE_CARD);
            v.setOnMouseClicked(e -> vm.pin(f));
            if (f.fix() != null) {
                Button b = new Button(f.fix().label());
                b.getStyleClass().add(STYLE_FIX);
                b.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.phase().busy(), vm.phaseProperty()));
                b.setOnAction(e -> vm.applyFix(f.fix()));
                v.getChildren().add(b);
            }
            box.getChildren().add(v);
        }
    }

    // ---- factories -------------------------------------------------------------------------

    /** A dialog node for {@code vm}. */
    public static DumpDialog create(DumpViewModel vm) {
        return new DumpDialog(vm);
    }

    /**
     * A window around a prepared view-model, styled by {@code themes}; closing it while a dump runs
     * cancels the dump.
     */
    public static Stage stage(Window owner, DumpViewModel vm, Themes themes) {
        Stage s = new Stage();
        if (owner != null) s.initOwner(owner);
        s.setTitle("Dump pid " + vm.plan().root());
        s.setScene(themes.style(new Scene(create(vm), 900, 760)));
        s.setOnCloseRequest(e -> vm.cancel());
        s.show();
        return s;
    }
}
