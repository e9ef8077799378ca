package org.criuatlas.cli;

import picocli.CommandLine.Command;

/** {@code criu-atlas bench <name>}: benchmarks that print figures next to the reference tools. Add one line per benchmark. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its figures next to the reference tools.",
        subcommands = {
                org.criuatlas.bench.ScanBenchmark.class,
                org.criuatlas.bench.RenderBenchCommand.class,
                org.criuatlas.bench.PlanBenchmark.class,
                org.criuatlas.bench.ImageBenchmark.class,
                org.criuatlas.bench.ArchiveBenchmark.class,
                org.criuatlas.bench.CriuBenchmark.class,
                org.criuatlas.bench.StartupBenchmark.class,
                org.criuatlas.bench.BridgeBenchmark.class,
        })
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
