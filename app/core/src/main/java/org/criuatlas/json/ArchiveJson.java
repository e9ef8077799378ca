package org.criuatlas.json;

import org.criuatlas.bridge.archive.CheckpointArchive;
import org.criuatlas.bridge.images.InheritKeyCheck;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code criu-atlas show ARCHIVE --json}: a container checkpoint archive — the container around the dump
 * (what checkpointctl's show and inspect print) and the dump itself as {@code show DIR} prints it
 * ({@code images}, the same {@link ShowJson}). docs/archives.md.
 */
public record ArchiveJson(int schema, String command, String archive, String compression, int members, double readMillis,
                          Container container, Sizes sizes, List<TreeNode> processTree, List<SocketDetail> socketsAllFamilies,
                          ShowJson images) {

    /** The container as its engine recorded it; times as the engine wrote them, {@code checkpointedFrom} says where that one came from. */
    public record Container(String engine, String engineEvidence, String name, String id, String image, String runtime, String created,
                            String checkpointed, String checkpointedFrom, String ip, String mac, List<Network> networks, String pod,
                            String namespace, List<String> containerCommand, Map<String, String> annotations, List<ContainerMount> mounts) {}

    /** One network interface of the container. */
    public record Network(String network, String iface, String ip, String mac, String gateway) {}

    /** One mount of the OCI spec. */
    public record ContainerMount(String destination, String type, String source) {}

    /** Sizes in bytes: the checkpoint (its memory pages), the changed files, the archive as stored and uncompressed. */
    public record Sizes(long checkpointBytes, long memoryPagesBytes, long rootfsDiffBytes, long archiveBytes, long streamBytes) {}

    /** A process of the tree with its children; {@code environment} only with {@code --env}. */
    public record TreeNode(int pid, String comm, String state, List<String> cmdline, List<String> environment, String cwd, String root,
                           String note, List<TreeNode> children) {}

    /** One socket fd of any family as CRIU recorded it. */
    public record SocketDetail(int pid, int fd, long inode, String family, String type, String protocol, String state, String local,
                               String remote) {}

    public static ArchiveJson of(CheckpointArchive a, List<InheritKeyCheck.Finding> findings) {
        CheckpointArchive.ContainerInfo c = a.container();
        Container container = new Container(c.engine().name().toLowerCase(Locale.ROOT), c.engineEvidence(), c.name(), c.id(), c.image(),
                c.runtime(), c.created(), c.checkpointed(), c.checkpointedFrom(), c.ip(), c.mac(),
                c.networks().stream().map(n -> new Network(n.network(), n.iface(), n.ip(), n.mac(), n.gateway())).toList(),
                c.pod(), c.namespace(), c.command(), c.annotations(),
                c.mounts().stream().map(m -> new ContainerMount(m.destination(), m.type(), m.source())).toList());
        CheckpointArchive.Sizes s = a.sizes();
        return new ArchiveJson(Json.SCHEMA_VERSION, "show", a.path().toString(), a.compression().word(), a.members(), a.readNanos() / 1e6,
                container, new Sizes(s.checkpointBytes(), s.memoryPagesBytes(), s.rootfsDiffBytes(), s.archiveBytes(), s.streamBytes()),
                tree(a), a.sockets().stream().map(x -> new SocketDetail(x.pid(), x.fd(), x.inode(), x.family(), x.type(), x.protocol(),
                        x.state(), x.local(), x.remote())).toList(),
                ShowJson.of(a.dump(), findings));
    }

    /** Roots first, children by pid (as checkpointctl nests them). */
    private static List<TreeNode> tree(CheckpointArchive a) {
        IpcGraph g = a.dump().graph();
        List<TreeNode> roots = new ArrayList<>();
        for (ProcessInfo p : g.processes().values()) if (g.process(p.ppid()) == null) roots.add(node(a, g, p));
        return roots;
    }

    private static TreeNode node(CheckpointArchive a, IpcGraph g, ProcessInfo p) {
        CheckpointArchive.ProcessDetails d = a.processes().get(p.pid());
        List<TreeNode> kids = new ArrayList<>();
        for (int c : g.children(p.pid())) kids.add(node(a, g, g.process(c)));
        return new TreeNode(p.pid(), p.comm(), String.valueOf(p.state()), d == null ? List.of() : d.cmdline(),
                d == null ? List.of() : d.environment(), d == null ? "" : d.cwd(), d == null ? "" : d.root(), d == null ? "" : d.note(), kids);
    }
}
