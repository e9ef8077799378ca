package org.criuatlas.ui.vm;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.graph.TidyTreeLayout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Live refresh: scans on a background executor (never on the FX thread), prepares rows, layout
 * and drawing there too, and hands the result to the view-model through the UI executor. Requests
 * arriving while a scan runs are coalesced into one more scan. Both executors are injected, so
 * tests run everything on their own thread.
 */
public final class RefreshController {
    private final GraphSource source;
    private final Executor background;
    private final Executor ui;
    private final ExplorerViewModel vm;
    private final TidyTreeLayout layout = new TidyTreeLayout();
    private final IntegerProperty intervalSeconds = new SimpleIntegerProperty(this, "intervalSeconds", 5);
    private final BooleanProperty paused = new SimpleBooleanProperty(this, "paused", false);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);

    // UI-thread state
    private boolean pendingScan;
    private boolean pendingPrepare;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> tick;

    // background state (one job at a time)
    private IpcGraph lastGraph;
    private Map<Integer, String> lastLabels = Map.of();

    public RefreshController(GraphSource source, Executor background, Executor ui, ExplorerViewModel vm) {
        this.source = source;
        this.background = background;
        this.ui = ui;
        this.vm = vm;
        vm.showKernelThreadsProperty().addListener((o, a, b) -> reprepare());
    }

    public IntegerProperty intervalSecondsProperty() { return intervalSeconds; }

    public BooleanProperty pausedProperty() { return paused; }

    /** True while a scan or preparation runs. */
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    /** Starts the periodic refresh on {@code timer} (its thread only posts requests to the UI executor). */
    public void startTimer(ScheduledExecutorService timer) {
        this.timer = timer;
        reschedule();
        intervalSeconds.addListener((o, a, b) -> reschedule());
    }

    private void reschedule() {
        if (tick != null) tick.cancel(false);
        long s = Math.max(1, intervalSeconds.get());
        tick = timer.scheduleWithFixedDelay(() -> ui.execute(() -> {
            if (!paused.get()) refreshNow();
        }), s, s, TimeUnit.SECONDS);
    }

    /** Intent: scan now (coalesced with a scan already running). */
    public void refreshNow() {
        if (busy.get()) {
            pendingScan = true;
            return;
        }
        start(true);
    }

    /** Intent: lay the graph out afresh (positions are otherwise kept across refreshes). */
    public void relayout() {
        background.execute(layout::reset);
        reprepare();
    }

    private void reprepare() {
        if (busy.get()) {
            pendingPrepare = true;
            return;
        }
        start(false);
    }

    private void start(boolean scan) {
        busy.set(true);
        boolean showKernel = vm.showKernelThreadsProperty().get();
        PlanViewModel.Request planAsked = vm.plan().request();
        background.execute(() -> {
            ExplorerViewModel.Prepared prepared;
            try {
                IpcGraph g = scan ? source.scan() : lastGraph;
                prepared = g == null ? null : prepare(g, showKernel, scan);
                // the plan of the new snapshot too: the planner is pure, the FX thread only swaps it in
                if (prepared != null && planAsked != null) {
                    prepared = new ExplorerViewModel.Prepared(prepared.graph(), prepared.rows(), prepared.diff(),
                            prepared.render(), planAsked, vm.plan().planFor(g, planAsked));
                }
            } catch (Exception | LinkageError e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                ui.execute(() -> finish(null, why));
                return;
            }
            ExplorerViewModel.Prepared p = prepared;
            ui.execute(() -> finish(p, null));
        });
    }

    private void finish(ExplorerViewModel.Prepared p, String error) {
        busy.set(false);
        if (p != null) vm.apply(p);
        if (error != null) vm.scanFailed(error);
        if (pendingScan) {
            pendingScan = false;
            pendingPrepare = false;
            start(true);
        } else if (pendingPrepare) {
            pendingPrepare = false;
            start(false);
        }
    }

    /** Runs on the background executor: diff, rows, stable layout, drawing. */
    ExplorerViewModel.Prepared prepare(IpcGraph g, boolean showKernel, boolean fresh) {
        GraphDiff diff = fresh ? GraphDiff.between(lastGraph, g) : GraphDiff.NONE;
        List<ProcessRow> rows = ProcessRows.of(g, showKernel);
        Map<Integer, List<Integer>> children = new HashMap<>();
        List<Integer> roots = new ArrayList<>();
        Map<Integer, String> labels = new HashMap<>(rows.size() * 2);
        for (ProcessRow r : rows) {
            labels.put(r.pid(), r.comm() + " " + r.pid());
            ProcessInfo parent = g.process(r.ppid());
            if (parent != null && r.ppid() != r.pid() && ProcessRows.visible(parent, showKernel)) {
                children.computeIfAbsent(r.ppid(), k -> new ArrayList<>()).add(r.pid());
            } else {
                roots.add(r.pid());
            }
        }
        Map<Integer, TidyTreeLayout.Point> before = layout.positions();
        Map<Integer, TidyTreeLayout.Point> pos = layout.update(new TidyTreeLayout.Forest(roots, children));
        List<RenderGraph.Ghost> ghosts = new ArrayList<>();
        for (int pid : diff.vanishedPids()) {
            TidyTreeLayout.Point pt = before.get(pid);
            String label = lastLabels.get(pid);
            if (pt != null && label != null && !pos.containsKey(pid)) {
                ghosts.add(new RenderGraph.Ghost(pid, (float) pt.x(), (float) pt.y(), label + " (gone)"));
            }
        }
        RenderGraph render = RenderGraph.build(g, pos, p -> ProcessRows.visible(p, showKernel), diff.appearedPids(), ghosts);
        lastGraph = g;
        lastLabels = labels;
        return new ExplorerViewModel.Prepared(g, rows, diff, render);
    }
}
