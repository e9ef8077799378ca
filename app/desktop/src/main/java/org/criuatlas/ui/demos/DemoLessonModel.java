package org.criuatlas.ui.demos;

import org.criuatlas.ui.fx.FxThread;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The state behind the lesson pane, without a toolkit: which demo is shown, whether it runs, the
 * status line, the lesson's steps with live pids and inodes filled in. Intents in ({@link #show},
 * {@link #startOrStop}, {@link #selectRoot}), read-only properties out; the runner's work happens on
 * its own thread and comes back through {@code ui}.
 */
public final class DemoLessonModel implements AutoCloseable {
    private final DemoRunner runner;
    private final Executor ui;
    private final Consumer<StartedDemo> onStarted;
    private final Consumer<DemoRunner.Change> listener = c -> uiRun(() -> onChange(c));

    private final ReadOnlyObjectWrapper<Demo> demo = new ReadOnlyObjectWrapper<>(this, "demo");
    private final ReadOnlyObjectWrapper<DemoRunner.State> state = new ReadOnlyObjectWrapper<>(this, "state", DemoRunner.State.STOPPED);
    private final ReadOnlyObjectWrapper<StartedDemo> started = new ReadOnlyObjectWrapper<>(this, "started");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper buttonText = new ReadOnlyStringWrapper(this, "buttonText", "Start");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper lookFor = new ReadOnlyStringWrapper(this, "lookFor", "");
    private final ReadOnlyStringWrapper why = new ReadOnlyStringWrapper(this, "why", "");
    private final ObservableList<String> steps = FXCollections.observableArrayList();
    // one wrapper: listeners on a fresh unmodifiable wrapper per call are weak and vanish with it at GC
    private final ObservableList<String> stepsView = FXCollections.unmodifiableObservableList(steps);

    /**
     * @param ui        runs UI updates (FxThread.EXECUTOR in the app, a direct executor in tests)
     * @param onStarted told when a demo this pane started is running, and on "select root"
     */
    public DemoLessonModel(DemoRunner runner, Demo initial, Executor ui, Consumer<StartedDemo> onStarted) {
        this.runner = Objects.requireNonNull(runner);
        this.ui = Objects.requireNonNull(ui);
        this.onStarted = onStarted == null ? s -> {} : onStarted;
        runner.addListener(listener);
        show(initial);
    }

    public ReadOnlyObjectProperty<Demo> demoProperty() { return demo.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<DemoRunner.State> stateProperty() { return state.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<StartedDemo> startedProperty() { return started.getReadOnlyProperty(); }
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }
    public ReadOnlyStringProperty buttonTextProperty() { return buttonText.getReadOnlyProperty(); }
    /** True while starting or stopping: the button waits. */
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }
    public ReadOnlyStringProperty lookForProperty() { return lookFor.getReadOnlyProperty(); }
    public ReadOnlyStringProperty whyProperty() { return why.getReadOnlyProperty(); }
    public ObservableList<String> steps() { return stepsView; }
    public List<Demo> demos() { return DemoCatalog.all(); }

    /** Shows {@code d}'s lesson; if it already runs (e.g. started from the menu) the pane says so. */
    public void show(Demo d) {
        demo.set(Objects.requireNonNull(d));
        StartedDemo s = runner.running(d).orElse(null);
        setState(s != null ? DemoRunner.State.RUNNING : DemoRunner.State.STOPPED, s, null);
    }

    public void startOrStop() {
        if (busy.get()) return;
        if (state.get() == DemoRunner.State.RUNNING) stop();
        else start();
    }

    public void start() {
        Demo d = demo.get();
        setState(DemoRunner.State.STARTING, null, null);
        runner.start(d).whenComplete((s, e) -> uiRun(() -> {
            if (!d.equals(demo.get())) return;
            if (e == null) {
                setState(DemoRunner.State.RUNNING, s, null);
                onStarted.accept(s);
            } else if (!(e instanceof java.util.concurrent.CancellationException)) {
                setState(DemoRunner.State.FAILED, null, e);
            }
        }));
    }

    public void stop() {
        Demo d = demo.get();
        setState(DemoRunner.State.STOPPING, started.get(), null);
        runner.stop(d).whenComplete((v, e) -> uiRun(() -> {
            if (!d.equals(demo.get()) || state.get() != DemoRunner.State.STOPPING) return;
            setState(e == null ? DemoRunner.State.STOPPED : DemoRunner.State.FAILED, null, e);
        }));
    }

    /** Hands the running demo to the window again (select its root on the graph). */
    public void selectRoot() {
        StartedDemo s = started.get();
        if (s != null) onStarted.accept(s);
    }

    private void onChange(DemoRunner.Change c) {
        if (!c.demo().equals(demo.get())) return;
        setState(c.state(), c.started(), c.error());
    }

    private void setState(DemoRunner.State st, StartedDemo s, Throwable error) {
        state.set(st);
        started.set(st == DemoRunner.State.RUNNING || st == DemoRunner.State.STOPPING ? s : null);
        busy.set(st == DemoRunner.State.STARTING || st == DemoRunner.State.STOPPING);
        buttonText.set(switch (st) {
            case STARTING -> "Starting…";
            case RUNNING -> "Stop";
            case STOPPING -> "Stopping…";
            case STOPPED, FAILED -> "Start";
        });
        Demo d = demo.get();
        status.set(switch (st) {
            case STARTING -> "starting…";
            case RUNNING -> s == null ? "running" : "running — plan from " + d.rootProcess() + " (pid " + s.rootPid() + "); pids: " + s.pidText();
            case STOPPING -> "stopping: killing and reaping its processes…";
            case STOPPED -> "stopped";
            case FAILED -> "failed: " + message(error);
        });
        Lesson.Values v = Lesson.Values.of(started.get());
        Lesson l = d.lesson();
        summary.set(Lesson.render(l.summary(), v));
        lookFor.set(Lesson.render(l.lookFor(), v));
        why.set(Lesson.render(l.why(), v));
        steps.setAll(l.numberedSteps(v));
    }

    private static String message(Throwable e) {
        if (e == null) return "unknown error";
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) e = e.getCause();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private void uiRun(Runnable r) {
        ui.execute(r);
    }

    /** Stops listening to the runner (the demos keep running: the runner owns them). */
    @Override
    public void close() {
        runner.removeListener(listener);
    }
}
