package org.criuatlas.bridge.archive;

import org.criuatlas.bridge.images.ImageDump;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A container checkpoint archive (podman {@code container checkpoint --export}, CRI-O / kubelet
 * checkpoint): the container's metadata around a CRIU dump, read without extracting it.
 *
 * @param path        the archive
 * @param compression how it was compressed
 * @param container   who the container was (config.dump, spec.dump, network.status)
 * @param sizes       sizes of its parts, as checkpointctl reports them
 * @param dump        the CRIU dump inside (checkpoint/): graph, obligations, CRIU statistics
 * @param processes   per process (pid as in the dump): command line, environment (only when asked
 *                    for), cwd and root
 * @param sockets     every socket of every process, of any family (the graph draws unix sockets only)
 * @param members     how many tar members the archive has
 * @param readNanos   how long the read took
 */
public record CheckpointArchive(Path path, Compression compression, ContainerInfo container, Sizes sizes, ImageDump dump,
                                Map<Integer, ProcessDetails> processes, List<SocketDetails> sockets, int members,
                                long readNanos) {
    public CheckpointArchive {
        processes = Map.copyOf(processes);
        sockets = List.copyOf(sockets);
    }

    public enum Compression {
        NONE, GZIP, ZSTD;

        public String word() { return name().toLowerCase(); }
    }

    /** Which engine wrote the archive: podman's own tag, the CRI-O tag, or the containerd (CRI) annotations. */
    public enum Engine {
        PODMAN("Podman"), CRIO("CRI-O"), CONTAINERD("containerd"), UNKNOWN("unknown");

        private final String label;

        Engine(String label) { this.label = label; }

        public String label() { return label; }
    }

    /**
     * @param engine         who wrote the archive, and how we know ({@code engineEvidence}: the annotation)
     * @param name           the container's name (CRI-O: the Kubernetes container name)
     * @param id             the container id
     * @param image          the image it runs (config.dump rootfsImageName)
     * @param runtime        the OCI runtime (runc, crun)
     * @param created        when the container was created (RFC 3339, as the engine wrote it; empty if unknown)
     * @param checkpointed   when it was checkpointed: config.dump's checkpointedTime, else the time of the
     *                       archive's checkpoint/inventory.img member ({@code checkpointedFrom} says which)
     * @param ip             addresses, comma-separated (network.status, or CRI-O's IP annotation)
     * @param mac            MAC addresses, comma-separated
     * @param networks       one row per network interface
     * @param pod            the Kubernetes pod (CRI-O, containerd), empty for podman
     * @param namespace      the Kubernetes namespace, empty for podman
     * @param command        the container's command (spec.dump process.args)
     * @param annotations    every spec.dump annotation
     * @param mounts         the OCI spec's mounts
     */
    public record ContainerInfo(Engine engine, String engineEvidence, String name, String id, String image, String runtime,
                                String created, String checkpointed, String checkpointedFrom, String ip, String mac,
                                List<NetworkInterface> networks, String pod, String namespace, List<String> command,
                                Map<String, String> annotations, List<Mount> mounts) {
        public ContainerInfo {
            networks = List.copyOf(networks);
            command = List.copyOf(command);
            annotations = Map.copyOf(annotations);
            mounts = List.copyOf(mounts);
        }

        /** The id as podman and checkpointctl print it (12 characters). */
        public String shortId() { return id.length() > 12 ? id.substring(0, 12) : id; }
    }

    public record NetworkInterface(String network, String iface, String ip, String mac, String gateway) {}

    public record Mount(String destination, String type, String source) {}

    /**
     * @param checkpointBytes  every regular file under checkpoint/ (checkpointctl's "checkpoint size")
     * @param memoryPagesBytes the pages-*.img files among them
     * @param rootfsDiffBytes  rootfs-diff.tar (files the container changed), 0 if absent
     * @param archiveBytes     the archive file as stored (compressed)
     * @param streamBytes      the uncompressed tar stream
     */
    public record Sizes(long checkpointBytes, long memoryPagesBytes, long rootfsDiffBytes, long archiveBytes, long streamBytes) {}

    /**
     * @param pid         the pid in the dump (the container's pid namespace)
     * @param cmdline     argv read from the process's dumped memory; empty if its pages are not in the dump
     * @param environment its environment (only when asked for: it often holds secrets), else empty
     * @param cwd         working directory, root: paths from fs-PID.img; empty for zombies
     * @param note        why cmdline or environment is missing or cut, empty when complete
     */
    public record ProcessDetails(int pid, List<String> cmdline, List<String> environment, String cwd, String root, String note) {
        public ProcessDetails {
            cmdline = List.copyOf(cmdline);
            environment = List.copyOf(environment);
        }
    }

    /**
     * One socket fd, of any family, as CRIU recorded it.
     *
     * @param family   "unix", "inet", "inet6", "netlink", "packet"
     * @param type     "stream", "dgram", "seqpacket", "raw", … (or the number)
     * @param protocol "tcp", "udp", … for inet, the netlink/packet protocol number otherwise
     * @param state    TCP state word for inet (ESTABLISHED, LISTEN…), unix state otherwise
     * @param local    address:port, or the unix name ("@name" abstract, "" unnamed)
     * @param remote   address:port of the peer, or the unix peer's inode
     */
    public record SocketDetails(int pid, int fd, long inode, String family, String type, String protocol, String state,
                                String local, String remote) {}
}
