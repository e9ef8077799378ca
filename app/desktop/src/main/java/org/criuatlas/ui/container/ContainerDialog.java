package org.criuatlas.ui.container;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.host.ContainerOutcome;
import org.criuatlas.host.ContainerRequest;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.HostOperation;
import org.criuatlas.plan.container.ContainerCheckpoint;
import org.criuatlas.plan.container.ContainerMonitor;
import org.criuatlas.ui.fx.Batched;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.theme.Themes;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * "Checkpoint container…" and "Restore container…": the podman command with the options the person
 * picks, run on the host ({@link Host#container}) with its output as it comes, an indeterminate progress
 * bar while podman runs (it reports no stages), Cancel (stops podman), and the outcome: the archive and its
 * size, the restored container, or the failure's reason in plain words with CRIU's error lines.
 */
public final class ContainerDialog {
    public static final String ID_ARCHIVE = "container-archive", ID_CHOOSE = "container-choose", ID_NAME = "container-name",
            ID_LEAVE = "container-leave-running", ID_TCP = "container-tcp", ID_LOCKS = "container-file-locks",
            ID_COMMAND = "container-command", ID_START = "container-start", ID_CANCEL = "container-cancel",
            ID_PROGRESS = "container-progress", ID_STATUS = "container-status", ID_OUTPUT = "container-output",
            ID_REASON = "container-reason", ID_LOG_TAIL = "container-log-tail";

    public enum Mode { CHECKPOINT, RESTORE }

    private final Mode mode;
    private final ContainerMonitor container;
    private final Host host;
    private final Executor ui;
    private final Stage stage = new Stage();
    private final TextField archive = new TextField();
    private final TextField name = new TextField();
    private final CheckBox leave = new CheckBox("Leave the container running (--leave-running)");
    private final CheckBox tcp = new CheckBox("TCP connections (--tcp-established)");
    private final CheckBox locks = new CheckBox("File locks (--file-locks)");
    private final Label command = new Label();
    private final Button start = new Button();
    private final Button cancel = new Button("Close");
    private final ProgressBar progress = new ProgressBar(0);
    private final Label status = new Label();
    private final TextArea output = new TextArea();
    private final Label reason = new Label();
    private final TextArea logTail = new TextArea();
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyObjectWrapper<ContainerOutcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
    private final Consumer<ContainerOutcome> onDone;
    private Function<Window, File> chooser;
    private HostOperation<ContainerOutcome> op;
    private int lines;

    private ContainerDialog(Mode mode, Window owner, Themes themes, Host host, Executor ui, ContainerMonitor container,
                            Consumer<ContainerOutcome> onDone) {
        this.mode = mode;
        this.container = container;
        this.host = host;
        this.ui = ui;
        this.onDone = onDone == null ? o -> {} : onDone;
        this.chooser = this::chooseArchive;
        if (owner != null) stage.initOwner(owner);
        stage.setTitle(mode == Mode.CHECKPOINT ? "Checkpoint container " + container.name() : "Restore container");
        stage.setScene(themes.style(new Scene(build(), 900, 640)));
        stage.setOnCloseRequest(e -> {
            if (running.get()) cancel();
        });
    }

    /** The checkpoint of {@code c} (options from {@code planned} when it is this container's plan) into {@code archive}. */
    public static ContainerDialog checkpoint(Window owner, Themes themes, Host host, Executor ui, ContainerMonitor c,
                                             ContainerCheckpoint planned, Path archive, Consumer<ContainerOutcome> onDone) {
        ContainerDialog d = new ContainerDialog(Mode.CHECKPOINT, owner, themes, host, ui, c, onDone);
        if (planned != null && planned.container().monitorPid() == c.monitorPid()) {
            d.leave.setSelected(planned.leaveRunning());
            d.tcp.setSelected(planned.tcpEstablished());
            d.locks.setSelected(planned.fileLocks());
        }
        d.archive.setText(archive.toString());
        d.updateCommand();
        return d;
    }

    /** A restore from an archive ({@code archive} may be null: the person names it), named {@code newName} when given. */
    public static ContainerDialog restore(Window owner, Themes themes, Host host, Executor ui, ContainerMonitor c, Path archive,
                                          String newName, Consumer<ContainerOutcome> onDone) {
        ContainerDialog d = new ContainerDialog(Mode.RESTORE, owner, themes, host, ui, c, onDone);
        if (archive != null) d.archive.setText(archive.toString());
        if (newName != null) d.name.setText(newName);
        d.updateCommand();
        return d;
    }

    private VBox build() {
        Label head = new Label(mode == Mode.CHECKPOINT
                ? "podman checkpoints container " + container.label() + " into an archive: podman runs runc, which runs CRIU on"
                + " the container's init (pid " + container.initPid() + ")."
                : "podman restores a container from a checkpoint archive (podman container restore --import): a new container"
                + " is made from the archive's config and CRIU restores its processes in it.");
        head.setWrapText(true);
        head.getStyleClass().add(Styles.TITLE);
        archive.setId(ID_ARCHIVE);
        archive.setPromptText(mode == Mode.CHECKPOINT ? "the archive to write (.tar.zst)" : "the archive to restore");
        Button choose = new Button("Choose\u2026");
        choose.setId(ID_CHOOSE);
        choose.setOnAction(e -> {
            File f = chooser.apply(stage);
            if (f != null) archive.setText(f.getAbsolutePath());
        });
        HBox.setHgrow(archive, Priority.ALWAYS);
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        grid.add(new Label("Archive"), 0, 0);
        grid.add(new HBox(6, archive, choose), 1, 0);
        GridPane.setHgrow(grid.getChildren().get(1), Priority.ALWAYS);
        name.setId(ID_NAME);
        name.setPromptText("the archive's own name when empty (it must not be in use)");
        leave.setId(ID_LEAVE);
        tcp.setId(ID_TCP);
        locks.setId(ID_LOCKS);
        HBox options = mode == Mode.CHECKPOINT ? new HBox(14, leave, tcp, locks) : new HBox(14, tcp, locks);
        if (mode == Mode.RESTORE) {
            grid.add(new Label("New name"), 0, 1);
            grid.add(name, 1, 1);
        }
        grid.add(new Label("Options"), 0, 2);
        grid.add(options, 1, 2);
        command.setId(ID_COMMAND);
        command.getStyleClass().add(Styles.COMMAND_FIELD);
        command.setWrapText(true);
        for (var p : List.of(archive.textProperty(), name.textProperty())) p.addListener((o, a, b) -> updateCommand());
        for (CheckBox b : List.of(leave, tcp, locks)) b.selectedProperty().addListener((o, a, v) -> updateCommand());

        start.setText(mode == Mode.CHECKPOINT ? "Checkpoint" : "Restore");
        start.setId(ID_START);
        start.setDefaultButton(true);
        start.setOnAction(e -> start());
        cancel.setId(ID_CANCEL);
        cancel.setOnAction(e -> {
            if (running.get()) cancel();
            else stage.close();
        });
        progress.setId(ID_PROGRESS);
        progress.setPrefWidth(220);
        status.setId(ID_STATUS);
        status.setWrapText(true);
        status.setText("Not started.");
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox bar = new HBox(8, progress, status, spring, start, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(status, Priority.SOMETIMES);

        reason.setId(ID_REASON);
        reason.setWrapText(true);
        reason.getStyleClass().add(Styles.FAILURE_CARD);
        reason.managedProperty().bind(reason.visibleProperty());
        reason.setVisible(false);
        output.setId(ID_OUTPUT);
        output.setEditable(false);
        output.getStyleClass().add(Styles.COMMAND_FIELD);
        output.setPromptText("podman's output appears here");
        VBox.setVgrow(output, Priority.ALWAYS);
        logTail.setId(ID_LOG_TAIL);
        logTail.setEditable(false);
        logTail.setPrefRowCount(5);
        logTail.getStyleClass().add(Styles.COMMAND_FIELD);
        logTail.managedProperty().bind(logTail.visibleProperty());
        logTail.setVisible(false);
        VBox box = new VBox(8, head, grid, new Label("Command"), command, bar, reason, new Label("podman's output"), output, logTail);
        box.setPadding(new Insets(10));
        return box;
    }

    private ContainerRequest request() {
        Path a = Path.of(archive.getText().trim());
        return mode == Mode.CHECKPOINT
                ? new ContainerRequest.Checkpoint(container.name(), a, leave.isSelected(), tcp.isSelected(), locks.isSelected())
                : new ContainerRequest.Restore(a, name.getText(), tcp.isSelected(), locks.isSelected());
    }

    private void updateCommand() {
        if (archive.getText().isBlank()) {
            command.setText("(name the archive)");
            return;
        }
        List<String> c = new java.util.ArrayList<>();
        c.add("podman");
        c.addAll(request().arguments());
        command.setText(ContainerCheckpoint.shellLine(c));
    }

    /** Runs podman (off the FX thread); the outcome comes back on the FX thread. */
    public void start() {
        if (running.get() || archive.getText().isBlank()) return;
        ContainerRequest r = request();
        running.set(true);
        outcome.set(null);
        start.setDisable(true);
        cancel.setText("Cancel");
        progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        status.setText("podman is running\u2026");
        status.getStyleClass().remove(Styles.STATUS_ERROR);
        reason.setVisible(false);
        logTail.setVisible(false);
        output.clear();
        lines = 0;
        Batched<String> out = new Batched<>(ui, batch -> {
            lines += batch.size();
            output.appendText(String.join("\n", batch) + "\n");
            status.setText("podman is running\u2026 (" + lines + (lines == 1 ? " line" : " lines") + " of output)");
        });
        op = host.container(r, e -> {
            if (e instanceof HostEvent.Step s) out.add(s.name().equals("start") || s.name().equals("restore-after-cancel") ? "$ " + s.detail() : s.detail());
        });
        op.result().whenComplete((o, err) -> ui.execute(() -> {
            out.flush();
            finished(o != null ? o : new ContainerOutcome(ContainerOutcome.Kind.FAILED, command.getText(), -1, List.of(),
                    "the host broke: " + err, null, List.of(), null, -1));
        }));
    }

    /** Stops podman (what it finished stays done); the outcome then says so. */
    public void cancel() {
        if (op != null) op.cancel();
        status.setText("Stopping podman\u2026");
    }

    private void finished(ContainerOutcome o) {
        running.set(false);
        start.setDisable(false);
        cancel.setText("Close");
        progress.setProgress(o.ok() ? 1 : 0);
        status.setText(summary(o));
        if (!o.ok()) status.getStyleClass().add(Styles.STATUS_ERROR);
        if (o.reason() != null && !o.ok()) {
            reason.setText((o.kind() == ContainerOutcome.Kind.CANCELLED ? "Cancelled: " : "Why: ") + o.reason()
                    + (o.criuLog() != null ? "\nCRIU's log: " + o.criuLog() : ""));
            reason.setVisible(true);
        }
        if (!o.criuLogTail().isEmpty()) {
            logTail.setText("CRIU's error lines:\n" + String.join("\n", o.criuLogTail()));
            logTail.setVisible(true);
        }
        outcome.set(o);
        onDone.accept(o);
    }

    /** One line: what happened. */
    public static String summary(ContainerOutcome o) {
        return switch (o.kind()) {
            case DONE -> o.bytes() >= 0 ? "Checkpointed: " + o.result() + " (" + human(o.bytes()) + ")."
                    : "Restored: container " + shortId(o.result()) + " runs again.";
            case FAILED -> "Failed (podman exit " + o.exit() + ").";
            case CANCELLED -> "Cancelled: podman was stopped.";
            case UNSUPPORTED -> "Not run: " + o.reason();
        };
    }

    private static String shortId(String id) {
        return id != null && id.matches("[0-9a-f]{64}") ? id.substring(0, 12) : String.valueOf(id);
    }

    private static String human(long bytes) {
        return bytes < 1024 * 1024 ? (bytes + 1023) / 1024 + " KiB" : String.format("%.1f MiB", bytes / 1048576.0);
    }

    private File chooseArchive(Window w) {
        FileChooser fc = new FileChooser();
        fc.setTitle(mode == Mode.CHECKPOINT ? "Write the checkpoint archive" : "Restore from a checkpoint archive");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Checkpoint archives", "*.tar", "*.tar.gz", "*.tar.zst"));
        return mode == Mode.CHECKPOINT ? fc.showSaveDialog(w) : fc.showOpenDialog(w);
    }

    /** Tests: replaces the OS file dialog of "Choose…". */
    public void setArchiveChooser(Function<Window, File> c) { chooser = c == null ? this::chooseArchive : c; }

    public Stage stage() { return stage; }

    public Mode mode() { return mode; }

    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }

    /** The last outcome, null while podman runs or before it ran. */
    public ReadOnlyObjectProperty<ContainerOutcome> outcomeProperty() { return outcome.getReadOnlyProperty(); }

    public void show() { stage.show(); }
}
