package org.criuatlas.ui.loglens;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.model.IpcGraph;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The log lens without a toolkit: any CRIU log (from the app or a plain {@code criu} run) parsed on
 * the background executor into structured rows, the typed diagnoses, filters (levels, errors only,
 * text) and links from the inodes and pids in a line to the loaded graph's objects.
 * State changes happen on the {@code ui} executor only.
 */
public final class LogLensViewModel {
    /** Logs bigger than this are refused with a clear message instead of filling the heap. */
    public static final long MAX_BYTES = 512L * 1024 * 1024;

    /** Where a log's text comes from: the host that wrote it (over a bridge it is a remote file). */
    @FunctionalInterface
    public interface LogSource {
        String read(Path log, long maxBytes) throws IOException;

        /** A file of this machine. */
        LogSource LOCAL_FILE = (log, max) -> {
            long size = Files.size(log);
            if (size > max)
                throw new IOException("the file is " + (size >> 20) + " MiB; the lens reads logs up to " + (max >> 20) + " MiB");
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        };
    }

    private final Executor background;
    private final Executor ui;
    private final LogSource logs;
    private final AtomicInteger generation = new AtomicInteger();

    private final ObjectProperty<IpcGraph> graph = new SimpleObjectProperty<>(this, "graph");
    private final ObjectProperty<LinkTarget> linkTarget = new SimpleObjectProperty<>(this, "linkTarget", LinkTarget.NONE);
    private final ReadOnlyStringWrapper source = new ReadOnlyStringWrapper(this, "source", "");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ObservableList<LogRow> rows = FXCollections.observableArrayList();
    private final FilteredList<LogRow> visible = new FilteredList<>(rows);
    private final ObservableList<CriuDiagnosis> diagnoses = FXCollections.observableArrayList();
    // one read-only view each, kept: a wrapper listens weakly, so a throw-away one would drop listeners when collected
    private final ObservableList<LogRow> rowsView = FXCollections.unmodifiableObservableList(rows);
    private final ObservableList<CriuDiagnosis> diagnosesView = FXCollections.unmodifiableObservableList(diagnoses);
    private final BooleanProperty showErrors = new SimpleBooleanProperty(this, "showErrors", true);
    private final BooleanProperty showWarnings = new SimpleBooleanProperty(this, "showWarnings", true);
    private final BooleanProperty showInfo = new SimpleBooleanProperty(this, "showInfo", true);
    private final BooleanProperty errorsOnly = new SimpleBooleanProperty(this, "errorsOnly", false);
    private final StringProperty text = new SimpleStringProperty(this, "text", "");

    /** Reads logs from files of this machine. */
    public LogLensViewModel(Executor background, Executor ui) {
        this(background, ui, LogSource.LOCAL_FILE);
    }

    public LogLensViewModel(Executor background, Executor ui, LogSource logs) {
        this.background = Objects.requireNonNull(background);
        this.ui = Objects.requireNonNull(ui);
        this.logs = Objects.requireNonNull(logs);
        showErrors.addListener((o, a, b) -> refilter());
        showWarnings.addListener((o, a, b) -> refilter());
        showInfo.addListener((o, a, b) -> refilter());
        errorsOnly.addListener((o, a, b) -> refilter());
        text.addListener((o, a, b) -> refilter());
    }

    // ---- state -------------------------------------------------------------------------------

    /** The graph whose objects the links point at; null for no links. */
    public ObjectProperty<IpcGraph> graphProperty() { return graph; }
    public ObjectProperty<LinkTarget> linkTargetProperty() { return linkTarget; }
    public ReadOnlyStringProperty sourceProperty() { return source.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty loadingProperty() { return loading.getReadOnlyProperty(); }
    public ReadOnlyStringProperty errorProperty() { return error.getReadOnlyProperty(); }
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }
    /** Every line of the log. */
    public ObservableList<LogRow> rows() { return rowsView; }
    /** The lines the filters let through (what the table shows). */
    public FilteredList<LogRow> visible() { return visible; }
    public ObservableList<CriuDiagnosis> diagnoses() { return diagnosesView; }
    public BooleanProperty showErrorsProperty() { return showErrors; }
    public BooleanProperty showWarningsProperty() { return showWarnings; }
    public BooleanProperty showInfoProperty() { return showInfo; }
    public BooleanProperty errorsOnlyProperty() { return errorsOnly; }
    public StringProperty textProperty() { return text; }

    // ---- intents -----------------------------------------------------------------------------

    /** Reads and parses {@code log} on the background executor. */
    public void open(Path log) {
        int gen = begin(log.toString());
        background.execute(() -> {
            try {
                parsed(gen, CriuLogParser.parse(logs.read(log, MAX_BYTES)));
            } catch (IOException | RuntimeException e) {
                ui.execute(() -> {
                    if (generation.get() != gen) return;
                    loading.set(false);
                    error.set("Cannot read " + log + ": " + e.getMessage());
                });
            }
        });
    }

    /** Shows a log held in memory (e.g. one the app just ran), parsed on the background executor. */
    public void openText(String name, String logText) {
        int gen = begin(name);
        background.execute(() -> parsed(gen, CriuLogParser.parse(logText)));
    }

    /** The links of a row's message with the current graph. */
    public List<LogLink> links(LogRow row) {
        return LogLinks.extract(row.line(), graph.get());
    }

    public void follow(LogLink link) {
        LinkTarget t = linkTarget.get();
        if (t != null && link != null) t.open(link);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private int begin(String name) {
        int gen = generation.incrementAndGet();
        source.set(name);
        loading.set(true);
        error.set("");
        summary.set("Reading\u2026");
        return gen;
    }

    private void parsed(int gen, List<CriuLogLine> lines) {
        List<LogRow> rs = new ArrayList<>(lines.size());
        int errors = 0, warnings = 0;
        boolean failed = false;
        for (CriuLogLine l : lines) {
            rs.add(new LogRow(l));
            if (l.level() == CriuLogLine.Level.ERROR) errors++;
            if (l.level() == CriuLogLine.Level.WARN) warnings++;
            String m = l.message();
            if (m.startsWith("Dumping FAILED") || m.startsWith("Restoring FAILED")) failed = true;
        }
        List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(lines, failed || errors > 0);
        String sum = String.format("%,d lines · %,d errors · %,d warnings%s", lines.size(), errors, warnings,
                failed ? " · the run FAILED" : "");
        ui.execute(() -> {
            if (generation.get() != gen) return;
            rows.setAll(rs);
            diagnoses.setAll(ds);
            summary.set(sum);
            loading.set(false);
        });
    }

    private void refilter() {
        visible.setPredicate(predicate());
    }

    /** The filters as one predicate (pure: reads the properties once). */
    Predicate<LogRow> predicate() {
        boolean e = showErrors.get(), w = showWarnings.get(), i = showInfo.get(), only = errorsOnly.get();
        String needle = text.get() == null ? "" : text.get().strip().toLowerCase(Locale.ROOT);
        if (e && w && i && !only && needle.isEmpty()) return null;
        return r -> {
            CriuLogLine.Level lv = r.line().level();
            if (only && lv != CriuLogLine.Level.ERROR) return false;
            if (lv == CriuLogLine.Level.ERROR && !e) return false;
            if (lv == CriuLogLine.Level.WARN && !w) return false;
            if (lv == CriuLogLine.Level.INFO && !i) return false;
            return needle.isEmpty() || r.line().raw().toLowerCase(Locale.ROOT).contains(needle);
        };
    }
}
