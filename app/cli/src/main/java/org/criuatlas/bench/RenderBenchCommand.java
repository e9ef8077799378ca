package org.criuatlas.bench;

import org.criuatlas.ui.bench.RenderBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code criu-atlas bench render}: the options of the graph-view benchmark; the benchmark itself
 * lives with the view it measures (desktop module).
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Time the graph view: frames while panning (against a Canvas redraw), a refresh with changes, heap.")
public final class RenderBenchCommand implements Callable<Integer> {
    @Option(names = "--nodes", description = "Processes (default: ${DEFAULT-VALUE}).")
    int nodes = 5000;
    @Option(names = "--edges", description = "Edges in all, parent/child included (default: ${DEFAULT-VALUE}).")
    int edges = 10000;
    @Option(names = "--outside", description = "Socket pairs whose peer no visible process holds, drawn as outside nodes (default: ${DEFAULT-VALUE}).")
    int outside = 0;
    @Option(names = "--frames", description = "Frames per measurement (default: ${DEFAULT-VALUE}).")
    int frames = 120;
    @Option(names = "--width", description = "View width in pixels (default: ${DEFAULT-VALUE}).")
    int width = 1600;
    @Option(names = "--height", description = "View height in pixels (default: ${DEFAULT-VALUE}).")
    int height = 1000;

    @Override
    public Integer call() throws Exception {
        return new RenderBenchmark(new RenderBenchmark.Settings(nodes, edges, outside, frames, width, height)).call();
    }
}
