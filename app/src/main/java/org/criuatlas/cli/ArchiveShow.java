package org.criuatlas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.criuatlas.bridge.archive.ArchiveReader;
import org.criuatlas.bridge.archive.CheckpointArchive;
import org.criuatlas.bridge.archive.CheckpointArchive.ContainerInfo;
import org.criuatlas.bridge.archive.CheckpointArchive.ProcessDetails;
import org.criuatlas.bridge.archive.CheckpointArchive.SocketDetails;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.InheritKeyCheck;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code show ARCHIVE}: a container checkpoint archive. Prints what checkpointctl's show and
 * inspect print (container, engine, times, network, sizes, process tree with command lines and, on
 * request, environments; files, sockets of every family, mounts, CRIU statistics) and then the
 * dump as {@code show DIR} prints it (graph, pipes, restore obligations). JSON: docs/archives.md.
 */
final class ArchiveShow {
    private ArchiveShow() {}

    static int run(Path archive, boolean json, boolean environment, List<String> inheritKeys) throws Exception {
        CheckpointArchive a;
        try {
            a = ArchiveReader.open(archive, ArchiveReader.Options.defaults().withEnvironment(environment));
        } catch (ImageFormatException e) {
            System.err.println("criu-atlas show: " + e.getMessage() + " (" + e.kind().toString().toLowerCase().replace('_', ' ') + ")");
            return e.kind() == ImageFormatException.Kind.NOT_A_DUMP ? 2 : 3;
        }
        List<InheritKeyCheck.Finding> findings = InheritKeyCheck.check(inheritKeys, a.dump().graph(), a.dump().obligations());
        if (json) {
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            om.findAndRegisterModules();
            om.writeValue(System.out, toJson(a, findings));
            System.out.println();
        } else {
            printText(System.out, a, findings);
        }
        return findings.stream().anyMatch(f -> f.severity() == InheritKeyCheck.Severity.ERROR) ? 1 : 0;
    }

    static Map<String, Object> toJson(CheckpointArchive a, List<InheritKeyCheck.Finding> findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("archive", a.path().toString());
        m.put("compression", a.compression().word());
        m.put("members", a.members());
        m.put("readMillis", a.readNanos() / 1e6);
        m.put("container", a.container());
        m.put("sizes", a.sizes());
        m.put("processTree", tree(a));
        m.put("socketsAllFamilies", a.sockets());
        m.put("images", ShowCommand.toJson(a.dump(), findings));
        return m;
    }

    /** The process tree, nested like checkpointctl's (roots first, children by pid). */
    static List<Map<String, Object>> tree(CheckpointArchive a) {
        IpcGraph g = a.dump().graph();
        List<Map<String, Object>> roots = new ArrayList<>();
        for (ProcessInfo p : g.processes().values()) {
            if (g.process(p.ppid()) == null) roots.add(node(a, p));
        }
        return roots;
    }

    private static Map<String, Object> node(CheckpointArchive a, ProcessInfo p) {
        IpcGraph g = a.dump().graph();
        ProcessDetails d = a.processes().get(p.pid());
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("pid", p.pid());
        n.put("comm", p.comm());
        n.put("state", ShowCommand.stateWord(p.state()));
        n.put("cmdline", d == null ? List.of() : d.cmdline());
        if (d != null && !d.environment().isEmpty()) n.put("environment", d.environment());
        n.put("cwd", d == null ? "" : d.cwd());
        n.put("root", d == null ? "" : d.root());
        if (d != null && !d.note().isEmpty()) n.put("note", d.note());
        List<Map<String, Object>> kids = new ArrayList<>();
        for (int c : g.children(p.pid())) kids.add(node(a, g.process(c)));
        n.put("children", kids);
        return n;
    }

    static void printText(PrintStream out, CheckpointArchive a, List<InheritKeyCheck.Finding> findings) {
        ContainerInfo c = a.container();
        out.printf("Checkpoint archive %s (%s, %d members, read in %.1f ms)%n", a.path(), a.compression().word(), a.members(),
                a.readNanos() / 1e6);
        out.printf("  Container:     %s%n", c.name().isEmpty() ? "(no name)" : c.name());
        out.printf("  Image:         %s%n", c.image());
        out.printf("  ID:            %s%n", c.id());
        out.printf("  Runtime:       %s%n", c.runtime());
        out.printf("  Created:       %s%n", c.created());
        if (!c.checkpointed().isEmpty()) out.printf("  Checkpointed:  %s  (%s)%n", c.checkpointed(), c.checkpointedFrom());
        out.printf("  Engine:        %s  (%s)%n", c.engine().label(), c.engineEvidence());
        if (!c.pod().isEmpty()) out.printf("  Pod:           %s  namespace %s%n", c.pod(), c.namespace());
        if (!c.ip().isEmpty()) out.printf("  IP:            %s%n", c.ip());
        if (!c.mac().isEmpty()) out.printf("  MAC:           %s%n", c.mac());
        for (CheckpointArchive.NetworkInterface n : c.networks()) {
            out.printf("  Network:       %s (%s) ip %s mac %s gateway %s%n", n.network(), n.iface(), n.ip(), n.mac(), n.gateway());
        }
        out.printf("  Checkpoint size: %s (memory pages %s)%n", bytes(a.sizes().checkpointBytes()), bytes(a.sizes().memoryPagesBytes()));
        if (a.sizes().rootfsDiffBytes() > 0) out.printf("  Root FS diff size: %s%n", bytes(a.sizes().rootfsDiffBytes()));
        out.printf("  Archive: %s stored, %s as tar%n", bytes(a.sizes().archiveBytes()), bytes(a.sizes().streamBytes()));
        if (!c.command().isEmpty()) out.printf("  Command:       %s%n", String.join(" ", c.command()));

        out.println();
        out.println("Process tree");
        for (Map<String, Object> root : tree(a)) printNode(out, root, "  ");

        out.println();
        out.println("Sockets (every family)");
        if (a.sockets().isEmpty()) out.println("  none");
        for (SocketDetails s : a.sockets()) {
            out.printf("  pid %d fd %d  %s %s%s%s  %s%s%n", s.pid(), s.fd(), s.family(), s.type(),
                    s.protocol().isEmpty() ? "" : " " + s.protocol(), s.state().isEmpty() ? "" : " " + s.state(),
                    s.local().isEmpty() ? "(unnamed)" : s.local(), s.remote().isEmpty() ? "" : " -> " + s.remote());
        }

        out.println();
        out.println("Mounts");
        for (CheckpointArchive.Mount mt : c.mounts()) out.printf("  %s  type %s  source %s%n", mt.destination(), mt.type(), mt.source());

        out.println();
        ShowCommand.printText(out, a.dump(), findings);
    }

    @SuppressWarnings("unchecked")
    private static void printNode(PrintStream out, Map<String, Object> n, String indent) {
        List<String> cmd = (List<String>) n.get("cmdline");
        out.printf("%s%s  %s%s  [%s]  cwd %s%n", indent, n.get("pid"), cmd.isEmpty() ? n.get("comm") : String.join(" ", cmd),
                "alive".equals(n.get("state")) ? "" : " (" + n.get("state") + ")", n.get("comm"), n.get("cwd"));
        if (n.containsKey("note")) out.printf("%s    note: %s%n", indent, n.get("note"));
        List<String> env = (List<String>) n.get("environment");
        if (env != null) for (String e : env) out.printf("%s    env %s%n", indent, e);
        for (Map<String, Object> k : (List<Map<String, Object>>) n.get("children")) printNode(out, k, indent + "  ");
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1 << 20) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1L << 30) return String.format("%.1f MiB", b / 1048576.0);
        return String.format("%.1f GiB", b / 1073741824.0);
    }
}
