package org.criuatlas.ui.bench;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.LabelPlacer;
import org.criuatlas.ui.theme.Palette;
import org.criuatlas.ui.graph.Rasterizer;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.graph.Viewport;
import org.criuatlas.ui.graph.PanBlit;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.PlanViewModel;
import org.criuatlas.ui.vm.RefreshController;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code criu-atlas bench render}: the graph view on a large made-up graph, on the software
 * pipeline: milliseconds per frame while panning (raster alone, and whole frames on screen
 * against a Canvas redraw of the same graph), the FX-thread cost of a refresh with changes, and
 * the heap the graph needs.
 */
public final class RenderBenchmark implements java.util.concurrent.Callable<Integer> {
    /** What to measure; the {@code bench render} command fills it from its options. */
    public record Settings(int nodes, int edges, int outside, int frames, int width, int height) {}

    private final int nodes;
    private final int edges;
    private final int outside;
    private final int frames;
    private final int width;
    private final int height;

    public RenderBenchmark(Settings s) {
        this.nodes = s.nodes();
        this.edges = s.edges();
        this.outside = s.outside();
        this.frames = s.frames();
        this.width = s.width();
        this.height = s.height();
    }

    private static final Executor SAME = Runnable::run;

    @Override
    public Integer call() throws Exception {
        System.setProperty("prism.order", System.getProperty("prism.order", "sw"));
        // pulses as fast as frames allow, so frame times below 16.7 ms are visible
        System.setProperty("javafx.animation.fullspeed", "true");
        System.out.printf("graph: %d processes, %d edges requested; view %dx%d; prism.order=%s%n", nodes, edges, width,
                height, System.getProperty("prism.order"));

        // -- heap and preparation (what the background thread does per refresh)
        System.gc();
        long heap0 = usedHeap();
        IpcGraph g = SyntheticGraphs.large(nodes, edges, 1, outside);
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel(new PlannerAdapter(Path.of("/tmp"))));
        RefreshController rc = new RefreshController(() -> g, SAME, SAME, vm);
        long t0 = System.nanoTime();
        rc.refreshNow();
        double prepareMs = (System.nanoTime() - t0) / 1e6;
        RenderGraph rg = vm.renderProperty().get();
        System.gc();
        long heap1 = usedHeap();
        System.out.printf("drawn: %d nodes (%d of them outside nodes), %d edges%n", rg.nodeCount, rg.outsideCount, rg.edgeCount);
        System.out.printf("background preparation (diff, rows, layout, drawing arrays): %.1f ms%n", prepareMs);
        System.out.printf("heap for the graph + view-model + drawing: %.1f MB (goal <= 300 MB)%n", (heap1 - heap0) / 1e6);

        // -- raster alone (no toolkit): labels + rasterizer while panning, at fit and at a readable zoom
        int[] px = new int[width * height];
        Rasterizer r = new Rasterizer();
        GraphPaint paint = GraphPaint.of(rg, null, null, false);
        Viewport fit = Viewport.fit(rg.minX, rg.minY, rg.maxX, rg.maxY, width, height, 40, 1.2);
        Viewport readable = new Viewport(GraphView.READABLE_SCALE, 40 - rg.minX * GraphView.READABLE_SCALE, 40);
        for (Viewport start : List.of(fit, readable)) {
            double[] ms = new double[frames];
            double[] cpu = new double[frames];
            Viewport v = start;
            // thread CPU time as well: on a shared machine the wall clock also counts other processes' turns
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int i = -20; i < frames; i++) {
                v = v.panBy(i % 40 < 20 ? 7 : -7, 3 * (i % 2 == 0 ? 1 : -1));
                long f0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
                var labels = LabelPlacer.place(rg, paint, v, width, height, 7, 15);
                r.draw(px, width, height, rg, paint, v, Palette.LIGHT, labels);
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - f0) / 1e6;
                    cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                }
            }
            System.out.printf("raster only (labels + pixels), %s, every frame drawn whole: median %.1f ms, p95 %.1f ms; CPU time median %.1f ms%n",
                    start == fit ? "whole graph" : "readable zoom", median(ms), p95(ms), median(cpu));
        }
        // the same pans the way the view draws them: the previous frame's pixels moved, only what is new drawn
        for (Viewport start : List.of(fit, readable)) {
            double[] ms = new double[frames];
            double[] cpu = new double[frames];
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            Viewport v = start;
            var labels = LabelPlacer.place(rg, paint, v, width, height, 7, 15);
            var ov = org.criuatlas.ui.graph.Overview.none(rg);
            r.draw(px, width, height, rg, paint, v, Palette.LIGHT, labels, ov, null, null);
            var drawn = new PanBlit.Drawn(rg, paint, Palette.LIGHT, ov, v, width, height, labels);
            for (int i = -20; i < frames; i++) {
                v = v.panBy(i % 40 < 20 ? 7 : -7, 3 * (i % 2 == 0 ? 1 : -1));
                long f0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
                labels = LabelPlacer.place(rg, paint, v, width, height, 7, 15);
                drawn = PanBlit.frame(r, px, drawn, rg, paint, v, Palette.LIGHT, labels, ov, width, height, null, null);
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - f0) / 1e6;
                    cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                }
            }
            System.out.printf("raster only (labels + pixels), %s, panning as the view draws it (previous frame moved): median %.1f ms, p95 %.1f ms; CPU time median %.1f ms%n",
                    start == fit ? "whole graph" : "readable zoom", median(ms), p95(ms), median(cpu));
        }

        if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            System.out.println("no DISPLAY: on-screen frames skipped (run under Xvfb: xvfb-run ./criu-atlas bench render)");
            return 0;
        }
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
        try {
            onScreen(vm, rc, g);
        } finally {
            Platform.exit();
        }
        return 0;
    }

    private void onScreen(ExplorerViewModel vm, RefreshController rc, IpcGraph g) throws Exception {
        GraphView view = new GraphView();
        Stage[] stage = new Stage[1];
        fx(() -> {
            view.renderProperty().bind(vm.renderProperty());
            view.paintProperty().set(GraphPaint.of(vm.renderProperty().get(), null, null, false));
            stage[0] = new Stage();
            stage[0].setScene(new Scene(new StackPane(view), width, height));
            stage[0].show();
        });
        Thread.sleep(500);
        fx(view::fit);
        // whole frames: pan every pulse; pulse-to-pulse time includes the software render of the scene
        double[] raster = new double[frames];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime(), frames0 = view.framesPresented();
        // the raster runs on its own thread: count the frames that reach the screen, not the pulses
        double[] pulse = framesWhilePanning(v -> {
            view.viewportProperty().set(view.getViewport().panBy(v, v / 2.0));
        }, () -> view.lastFrameMillis(), raster, view);
        System.out.printf("on screen, GraphView: FX-thread work per presented frame median %.1f ms (p95 %.1f); "
                + "interval between presented frames median %.1f ms (p95 %.1f) (goal <= 16 ms)%n", median(raster), p95(raster), median(pulse), p95(pulse));
        // CPU is what other processes cannot take away: the whole JVM's CPU per frame (all threads, GC included)
        System.out.printf("on screen, GraphView: process CPU per presented frame %.1f ms over %d frames (machine load %.1f on %d cores)%n",
                (os.getProcessCpuTime() - cpu0) / 1e6 / Math.max(1, view.framesPresented() - frames0), view.framesPresented() - frames0,
                os.getSystemLoadAverage(), os.getAvailableProcessors());

        // the reference: the same graph redrawn on a Canvas every frame
        Canvas canvas = new Canvas(width, height);
        RenderGraph rg = vm.renderProperty().get();
        Viewport[] cv = {view.getViewport()};
        fx(() -> stage[0].getScene().setRoot(new StackPane(canvas)));
        // three frames first: when a redraw takes more than 200 ms (20,000 edges on the software pipeline take
        // seconds), those are the figure, so the reference never takes minutes; else the full run
        java.util.function.IntConsumer canvasPan = d -> {
            cv[0] = cv[0].panBy(d, d / 2.0);
            drawCanvas(canvas.getGraphicsContext2D(), rg, cv[0]);
        };
        double[] canvasPulse = framesWhilePanning(canvasPan, () -> -1, new double[3], null, 3, 1);
        if (median(canvasPulse) <= 200) canvasPulse = framesWhilePanning(canvasPan, () -> -1, new double[frames], null);
        System.out.printf("on screen, Canvas redraw (reference): frame interval median %.1f ms (p95 %.1f)%n",
                median(canvasPulse), p95(canvasPulse));
        System.out.printf("ratio GraphView/Canvas frame: %.2f%n", median(pulse) / median(canvasPulse));
        fx(() -> stage[0].getScene().setRoot(new StackPane(view)));
        Thread.sleep(300);

        // a refresh with changes: 100 processes gone, 100 new. FX thread = apply (+ the plan made in the background)
        // + paint + overlay in the layout pass; the pixels come from the raster thread and are presented later
        // (measured apart), and a redraw done wholly on the FX thread is shown as an upper bound
        IpcGraph changed = SyntheticGraphs.large(nodes + 100, edges + 100, 1, outside);
        int planRoot = subtreeOfAbout(g, 100);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (boolean planned : new boolean[]{false, true}) {
            fx(() -> {
                if (planned) vm.plan().planSubtree(planRoot);
                else vm.plan().clear();
            });
            int runs = 15;
            double[] apply = new double[runs], applyCpu = new double[runs], present = new double[runs], whole = new double[runs];
            double[] prepare = new double[runs], prepareCpu = new double[runs];
            // a live window refreshes every few seconds for hours: time it warm (the first refreshes
            // also compile the preparation's code), untimed warm-up rounds first
            // one controller, as in the window: it diffs against the previous snapshot and keeps the layout
            IpcGraph[] source = {g};
            List<Runnable> toFx = new ArrayList<>();
            RefreshController bg = new RefreshController(() -> source[0], SAME, toFx::add, vm);
            for (int w = 0; w < 20; w++) {
                source[0] = w % 2 == 0 ? changed : g;
                bg.refreshNow();
                fx(() -> toFx.forEach(Runnable::run));
                toFx.clear();
            }
            for (int i = 0; i < runs; i++) {
                source[0] = i % 2 == 0 ? changed : g;
                // prepared on this (background) thread, applied on the FX thread
                long p0 = System.nanoTime(), pc0 = threads.getCurrentThreadCpuTime();
                bg.refreshNow();
                prepare[i] = (System.nanoTime() - p0) / 1e6;
                prepareCpu[i] = (threads.getCurrentThreadCpuTime() - pc0) / 1e6;
                long[] took = new long[2];
                long before = view.framesPresented();
                fx(() -> {
                    long a = System.nanoTime(), ac = threads.getCurrentThreadCpuTime();
                    toFx.forEach(Runnable::run);
                    toFx.clear();
                    view.paintProperty().set(GraphPaint.of(vm.renderProperty().get(), null, vm.plan().getOutcome(), true));
                    view.layout();
                    took[0] = System.nanoTime() - a;
                    took[1] = threads.getCurrentThreadCpuTime() - ac;
                });
                apply[i] = took[0] / 1e6;
                applyCpu[i] = took[1] / 1e6;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (view.framesPresented() == before && System.nanoTime() < deadline) Thread.sleep(2);
                present[i] = view.lastFrameMillis();
                fx(() -> {
                    long a = System.nanoTime();
                    view.redrawNow();
                    took[0] = System.nanoTime() - a;
                });
                whole[i] = apply[i] + took[0] / 1e6;
            }
            System.out.printf("refresh with changes (+/-100 processes)%s: prepared off the FX thread (diff, rows, layout) median %.1f ms,"
                            + " max %.1f ms (goal <= 50 ms), its thread's CPU median %.1f ms; FX-thread cost median %.1f ms, max %.1f ms (goal <= 50 ms),"
                            + " FX-thread CPU median %.1f ms; presenting the new frame %.1f ms; with the pixels drawn on the FX thread"
                            + " too (upper bound) %.1f ms%n",
                    planned ? " while a plan of " + vm.plan().getOutcome().pids().size() + " processes with "
                            + vm.plan().getOutcome().crossings().size() + " crossings is shown" : "",
                    median(prepare), Arrays.stream(prepare).max().orElse(0), median(prepareCpu),
                    median(apply), Arrays.stream(apply).max().orElse(0), median(applyCpu), median(present), median(whole));
        }
        fx(() -> stage[0].hide());
    }

    /** The process whose subtree size is nearest to {@code size}. */
    private static int subtreeOfAbout(IpcGraph g, int size) {
        int best = 1, diff = Integer.MAX_VALUE;
        for (int pid : g.processes().keySet()) {
            if (pid <= 2) continue;
            int d = Math.abs(g.subtree(pid).size() - size);
            if (d < diff) {
                diff = d;
                best = pid;
            }
        }
        return best;
    }

    /**
     * Pans a little every pulse and returns {@link #frames} frame intervals: pulse to pulse for a
     * Canvas (it draws within the pulse), presented frame to presented frame for a GraphView.
     */
    private double[] framesWhilePanning(java.util.function.IntConsumer panStep, java.util.function.DoubleSupplier work,
                                        double[] workOut, GraphView presented) throws Exception {
        return framesWhilePanning(panStep, work, workOut, presented, frames, 20);
    }

    /** {@code count} frames after {@code warmUp} (a slow reference gets fewer: a Canvas redraw of 20,000 edges takes seconds). */
    private double[] framesWhilePanning(java.util.function.IntConsumer panStep, java.util.function.DoubleSupplier work,
                                        double[] workOut, GraphView presented, int frames, int warmUp) throws Exception {
        double[] intervals = new double[frames];
        CompletableFuture<Void> done = new CompletableFuture<>();
        int[] n = {-warmUp};
        int[] pulses = {0};
        long[] last = {0};
        long[] seen = {presented == null ? 0 : presented.framesPresented()};
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long at = now;
                boolean frame = true;
                if (presented != null) {
                    frame = presented.framesPresented() != seen[0];
                    seen[0] = presented.framesPresented();
                    at = presented.lastPresentedAt();
                }
                if (frame) {
                    if (last[0] != 0 && n[0] >= 0 && n[0] < frames) {
                        intervals[n[0]] = (at - last[0]) / 1e6;
                        workOut[n[0]] = work.getAsDouble();
                    }
                    last[0] = at;
                    n[0]++;
                }
                if (n[0] > frames || ++pulses[0] > 20 * frames) {
                    stop();
                    done.complete(null);
                    return;
                }
                panStep.accept(pulses[0] % 40 < 20 ? 6 : -6);
            }
        };
        Platform.runLater(timer::start);
        done.get(300, TimeUnit.SECONDS);
        return intervals;
    }

    private static void drawCanvas(GraphicsContext gc, RenderGraph g, Viewport v) {
        gc.setFill(Color.WHITE);
        gc.fillRect(0, 0, gc.getCanvas().getWidth(), gc.getCanvas().getHeight());
        gc.setStroke(Color.GRAY);
        gc.setLineWidth(1);
        for (int e = 0; e < g.edgeCount; e++) {
            gc.strokeLine(v.toScreenX(g.x[g.from[e]]), v.toScreenY(g.y[g.from[e]]), v.toScreenX(g.x[g.to[e]]), v.toScreenY(g.y[g.to[e]]));
        }
        gc.setFill(Color.STEELBLUE);
        double r = Rasterizer.nodeRadius(v.scale());
        for (int i = 0; i < g.nodeCount; i++) gc.fillOval(v.toScreenX(g.x[i]) - r, v.toScreenY(g.y[i]) - r, 2 * r, 2 * r);
    }

    private static void fx(Runnable r) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                r.run();
                f.complete(null);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        f.get(60, TimeUnit.SECONDS);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[s.length / 2];
    }

    static double p95(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.95) - 1)];
    }
}
