package org.criuatlas.cli;

import org.criuatlas.json.ArchiveJson;
import org.criuatlas.json.Json;

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
            throw new CliException(e.kind() == ImageFormatException.Kind.NOT_A_DUMP ? ExitCode.NOT_FOUND : ExitCode.UNREADABLE,
                    e.getMessage() + " (" + e.kind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")", e);
        }
        List<InheritKeyCheck.Finding> findings = InheritKeyCheck.check(inheritKeys, a.dump().graph(), a.dump().obligations());
        ArchiveJson doc = ArchiveJson.of(a, findings);
        if (json) {
            System.out.println(Json.write(doc));
        } else {
            printText(System.out, a, doc, findings);
        }
        return findings.stream().anyMatch(f -> f.severity() == InheritKeyCheck.Severity.ERROR) ? ExitCode.CHECK_SAYS_NO.code : ExitCode.OK.code;
    }

    static void printText(PrintStream out, CheckpointArchive a, ArchiveJson doc, List<InheritKeyCheck.Finding> findings) {
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
        for (ArchiveJson.TreeNode root : doc.processTree()) printNode(out, root, "  ");

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

    private static void printNode(PrintStream out, ArchiveJson.TreeNode n, String indent) {
        String state = ShowCommand.stateWord(n.state().charAt(0));
        out.printf("%s%s  %s%s  [%s]  cwd %s%n", indent, n.pid(), n.cmdline().isEmpty() ? n.comm() : String.join(" ", n.cmdline()),
                "alive".equals(state) ? "" : " (" + state + ")", n.comm(), n.cwd());
        if (!n.note().isEmpty()) out.printf("%s    note: %s%n", indent, n.note());
        for (String e : n.environment()) out.printf("%s    env %s%n", indent, e);
        for (ArchiveJson.TreeNode k : n.children()) printNode(out, k, indent + "  ");
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1 << 20) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1L << 30) return String.format("%.1f MiB", b / 1048576.0);
        return String.format("%.1f GiB", b / 1073741824.0);
    }
}
