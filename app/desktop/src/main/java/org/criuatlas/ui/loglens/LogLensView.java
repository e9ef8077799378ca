package org.criuatlas.ui.loglens;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.cell.PropertyValueFactory;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.theme.Themes;
import org.criuatlas.model.IpcGraph;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The log lens: the typed diagnoses at the top, the filters, then every line of a CRIU log in a
 * virtualised table (number, time, pid, level, source, message); inodes and pids the loaded graph
 * knows are links. Binds to {@link LogLensViewModel}; no parsing or I/O here.
 */
public final class LogLensView extends BorderPane {
    public static final String ID = "log-lens";
    public static final String ID_TABLE = "log-lens-table";
    public static final String ID_DIAGNOSES = "log-lens-diagnoses";
    public static final String ID_ERRORS_ONLY = "log-lens-errors-only";
    public static final String ID_FILTER = "log-lens-filter";
    public static final String ID_SUMMARY = "log-lens-summary";
    public static final String STYLE_DIAGNOSIS = "log-lens-diagnosis";
    public static final String STYLE_LINK = "log-link";
    public static final String STYLE_ERROR_ROW = "log-error";

    private final LogLensViewModel vm;

    public LogLensView(LogLensViewModel vm) {
        this.vm = vm;
        setId(ID);

        Label title = new Label();
        title.textProperty().bind(Bindings.concat("CRIU log: ", vm.sourceProperty()));
        title.getStyleClass().add(Styles.WINDOW_HEADING);
        Label summary = new Label();
        summary.setId(ID_SUMMARY);
        summary.textProperty().bind(Bindings.when(vm.errorProperty().isEmpty()).then(vm.summaryProperty()).otherwise(vm.errorProperty()));

        VBox diagnoses = new VBox(6);
        diagnoses.setId(ID_DIAGNOSES);
        vm.diagnoses().addListener((javafx.collections.ListChangeListener<CriuDiagnosis>) c -> fillDiagnoses(diagnoses));
        fillDiagnoses(diagnoses);

        CheckBox errors = new CheckBox("Errors");
        errors.selectedProperty().bindBidirectional(vm.showErrorsProperty());
        CheckBox warnings = new CheckBox("Warnings");
        warnings.selectedProperty().bindBidirectional(vm.showWarningsProperty());
        CheckBox info = new CheckBox("Info/debug");
        info.selectedProperty().bindBidirectional(vm.showInfoProperty());
        CheckBox errorsOnly = new CheckBox("Errors only");
        errorsOnly.setId(ID_ERRORS_ONLY);
        errorsOnly.selectedProperty().bindBidirectional(vm.errorsOnlyProperty());
        TextField filter = new TextField();
        filter.setId(ID_FILTER);
        filter.setPromptText("filter text");
        filter.textProperty().bindBidirectional(vm.textProperty());
        HBox.setHgrow(filter, Priority.ALWAYS);
        Label shown = new Label();
        shown.textProperty().bind(Bindings.size(vm.visible()).asString("%,d shown"));
        HBox filters = new HBox(10, errors, warnings, info, errorsOnly, filter, shown);
        filters.setAlignment(javafx.geometry.Pos.CENTER_LEFT);

        VBox top = new VBox(6, title, summary, diagnoses, filters);
        top.setPadding(new Insets(8));
        setTop(top);
        setCenter(table());
    }

    private TableView<LogRow> table() {
        TableView<LogRow> t = new TableView<>(vm.visible());
        t.setId(ID_TABLE);
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        t.getColumns().add(column("#", 55, r -> Integer.toString(r.number())));
        t.getColumns().add(column("Time", 80, LogRow::timeText));
        t.getColumns().add(column("PID", 60, LogRow::pidText));
        t.getColumns().add(column("Level", 50, LogRow::levelText));
        t.getColumns().add(column("Source", 150, LogRow::source));
        TableColumn<LogRow, LogRow> msg = new TableColumn<>("Message");
        msg.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue()));
        msg.setCellFactory(c -> new MessageCell());
        msg.setPrefWidth(700);
        t.getColumns().add(msg);
        t.setRowFactory(tv -> new javafx.scene.control.TableRow<>() {
            @Override
            protected void updateItem(LogRow r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().remove(STYLE_ERROR_ROW);
                if (!empty && r != null && r.line().isError()) getStyleClass().add(STYLE_ERROR_ROW);
            }
        });
        t.setPlaceholder(new Label("No lines (yet)."));
        // links depend on the graph: redraw when it changes
        vm.graphProperty().addListener((o, a, b) -> t.refresh());
        return t;
    }

    private static TableColumn<LogRow, String> column(String name, double width, Function<LogRow, String> f) {
        TableColumn<LogRow, String> c = new TableColumn<>(name);
        c.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyStringWrapper(f.apply(cd.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** The message, with the numbers the graph knows as links. */
    private final class MessageCell extends TableCell<LogRow, LogRow> {
        @Override
        protected void updateItem(LogRow r, boolean empty) {
            super.updateItem(r, empty);
            if (empty || r == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            List<LogLink> links = vm.links(r);
            if (links.isEmpty()) {
                setGraphic(null);
                setText(r.message());
                return;
            }
            String m = r.message();
            TextFlow flow = new TextFlow();
            int at = 0;
            for (LogLink l : links) {
                if (l.start() < at) continue;
                if (l.start() > at) flow.getChildren().add(new Text(m.substring(at, l.start())));
                Hyperlink h = new Hyperlink(m.substring(l.start(), l.end()));
                h.getStyleClass().add(STYLE_LINK);
                h.setPadding(Insets.EMPTY);
                h.setUserData(l);
                h.setAccessibleText(l.objectKey());
                h.setOnAction(e -> vm.follow(l));
                flow.getChildren().add(h);
                at = l.end();
            }
            if (at < m.length()) flow.getChildren().add(new Text(m.substring(at)));
            setText(null);
            setGraphic(flow);
        }
    }

    private void fillDiagnoses(VBox box) {
        box.getChildren().clear();
        for (CriuDiagnosis d : vm.diagnoses()) {
            Label what = new Label(d.what());
            what.setWrapText(true);
            what.getStyleClass().add(Styles.FAILURE_TITLE);
            Label fix = new Label("Fix: " + d.fix());
            fix.setWrapText(true);
            what.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            fix.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            Hyperlink line = new Hyperlink("log line " + d.logLine());
            line.setOnAction(e -> {
                TableView<?> t = (TableView<?>) lookup("#" + ID_TABLE);
                vm.visible().stream().filter(r -> r.number() == d.logLine()).findFirst().ifPresent(r -> {
                    @SuppressWarnings("unchecked") TableView<LogRow> tt = (TableView<LogRow>) t;
                    tt.getSelectionModel().select(r);
                    tt.scrollTo(r);
                });
            });
            VBox v = new VBox(2, what, fix, line);
            v.getStyleClass().addAll(STYLE_DIAGNOSIS, Styles.FAILURE_CARD);
            box.getChildren().add(v);
        }
    }

    // ---- factories -------------------------------------------------------------------------

    /** A lens node for {@code vm}. */
    public static LogLensView create(LogLensViewModel vm) {
        return new LogLensView(vm);
    }

    /**
     * Opens {@code log} in a window of its own (File → Open log…, a dump's "Open log in the lens").
     *
     * @param vm     a view-model that reads through the host
     * @param graph  the loaded graph for links, or null
     * @param target what a link click does (e.g. {@link LinkTarget#pinning})
     */
    public static Stage openStage(Window owner, LogLensViewModel vm, Path log, IpcGraph graph, LinkTarget target, Themes themes) {
        vm.graphProperty().set(graph);
        vm.linkTargetProperty().set(target == null ? LinkTarget.NONE : target);
        Stage s = new Stage();
        if (owner != null) s.initOwner(owner);
        s.setTitle("CRIU log \u2014 " + log.getFileName());
        s.setScene(themes.style(new Scene(create(vm), 1100, 700)));
        vm.open(log);
        s.show();
        return s;
    }
}
