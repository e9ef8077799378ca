package org.criuatlas.cli;

import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.PlanSet;
import org.criuatlas.plan.Selection;
import org.criuatlas.share.DotWriter;
import org.criuatlas.share.PlanMarkdown;
import org.criuatlas.share.SnapshotJson;
import org.criuatlas.ui.export.GraphPicture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas export}: the graph as PNG or SVG (the graph view's layout and styles), the
 * snapshot as JSON (the one model) or Graphviz DOT, the plan as Markdown.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the graph as a picture (png, svg: the window's layout and styles), the snapshot as data (json: the"
                + " same model as scan/show --json; dot: Graphviz) or the dump plan as Markdown (md), for the live machine"
                + " (--pid: those subtrees) or a dump's images (--images).")
public final class ExportCommand implements Callable<Integer> {
    public enum Format { PNG, SVG, JSON, DOT, MD }

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "Where to write (the format follows its extension unless --format says; - for stdout, text formats only).")
    Path output;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "png, svg, json, dot or md.")
    Format format;

    @Option(names = {"-p", "--pid"}, arity = "1..*", paramLabel = "PID",
            description = "Only these processes and their descendants; for md: the roots of the dumps to plan (required).")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--images", paramLabel = "DIR", description = "A dump's image directory instead of the live machine.")
    Path images;

    @Option(names = "--theme", paramLabel = "THEME", description = "png/svg: light (default) or dark.")
    String theme = "light";

    @Option(names = "--ext-unix-sk", description = "md: plan with --ext-unix-sk.")
    boolean extUnixSk;

    @Option(names = "--shell-job", description = "md: plan with --shell-job.")
    boolean shellJob;

    @Override
    public Integer call() throws Exception {
        Format f = format != null ? format : fromExtension(output);
        boolean stdout = output.toString().equals("-");
        if (stdout && (f == Format.PNG)) throw CriuRunOutput.usage("a PNG cannot go to stdout: name a file with -o");
        String t = theme.toLowerCase(Locale.ROOT);
        if (!t.equals("light") && !t.equals("dark")) throw CriuRunOutput.usage("--theme is light or dark, not " + theme);
        if (images != null && !pids.isEmpty()) throw CriuRunOutput.usage("--images and --pid do not go together: a dump holds its own processes");
        if (f == Format.MD && images != null) throw CriuRunOutput.usage("a plan is made of live processes: use --pid, not --images");
        if (f == Format.MD && pids.isEmpty()) throw CriuRunOutput.usage("md exports a dump plan: name its root with --pid");
        for (int pid : pids) if (!LiveProcesses.exists(pid)) throw new CliException(ExitCode.NOT_FOUND, "no process " + pid);
        if (!stdout && output.getParent() != null && !Files.isDirectory(output.getParent()))
            throw new CliException(ExitCode.NOT_FOUND, "no folder " + output.getParent() + " to write " + output.getFileName() + " into");

        ImageDump dump = images == null ? null : openDump(images);
        IpcGraph g;
        if (dump != null) g = dump.graph();
        else if (f == Format.MD) g = LiveGraph.scan();
        else g = LiveGraph.scan(pids.isEmpty() ? ScanScope.everything() : ScanScope.subtrees(new HashSet<>(pids)));
        String title = dump != null ? "CRIU dump " + images.toAbsolutePath()
                : "Live graph of " + g.meta().origin() + " at " + g.meta().takenAt() + (pids.isEmpty() ? "" : " (pid " + pids + ")");

        switch (f) {
            case PNG, SVG -> {
                if (stdout) {
                    Path tmp = Files.createTempFile("criu-atlas-export", ".svg");
                    try {
                        GraphPicture.write(g, title, "svg", t.equals("dark"), tmp);
                        System.out.write(Files.readAllBytes(tmp));
                        System.out.flush();
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                } else {
                    GraphPicture.write(g, title, f.name(), t.equals("dark"), output);
                }
            }
            case JSON -> emit(stdout, dump != null ? SnapshotJson.images(dump) : SnapshotJson.live(g));
            case DOT -> emit(stdout, DotWriter.write(g, title));
            case MD -> {
                Decisions d = new Decisions(Set.of(), extUnixSk, null, shellJob, Set.of(), Set.of());
                PlanSet set = DumpPlanner.planAll(g, new Selection(pids, Set.of(), Set.of()), d, LiveProcesses::exists);
                emit(stdout, PlanMarkdown.write(set, g));
            }
        }
        if (!stdout) System.err.println("export: wrote " + f.name().toLowerCase(Locale.ROOT) + " to " + output
                + " (" + Files.size(output) + " bytes, " + g.processes().size() + " processes)");
        return ExitCode.OK.code;
    }

    private void emit(boolean stdout, String text) throws IOException {
        if (stdout) {
            System.out.print(text);
            System.out.flush();
        } else {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        }
    }

    static Format fromExtension(Path out) {
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "png" -> Format.PNG;
            case "svg" -> Format.SVG;
            case "json" -> Format.JSON;
            case "dot", "gv" -> Format.DOT;
            case "md", "markdown" -> Format.MD;
            default -> throw CriuRunOutput.usage("cannot tell the format of " + out + " from its name: add --format png|svg|json|dot|md");
        };
    }

    private static ImageDump openDump(Path dir) {
        if (!Files.exists(dir)) throw new CliException(ExitCode.NOT_FOUND, "no folder " + dir);
        try {
            return Files.isRegularFile(dir) ? org.criuatlas.bridge.archive.ArchiveReader.open(dir).dump() : ImageReader.open(dir);
        } catch (ImageFormatException e) {
            throw new CliException(e.kind() == ImageFormatException.Kind.NOT_A_DUMP ? ExitCode.NOT_FOUND : ExitCode.UNREADABLE,
                    e.getMessage(), e);
        }
    }
}
