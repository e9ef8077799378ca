package org.criuatlas.bridge.archive;

import io.airlift.compress.zstd.ZstdOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.criuatlas.bridge.archive.CheckpointArchive.Compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds checkpoint archives for tests the way podman lays them out (metadata at the top,
 * checkpoint/ in name order), from an image directory plus hand-written engine JSON, in any of the
 * three compressions; members can be hostile (links, "..", absolute names, FIFOs).
 */
public final class TestArchives {
    private TestArchives() {}

    public record Member(String name, byte[] data, byte type, String link) {
        public static Member file(String name, byte[] data) { return new Member(name, data, TarConstants.LF_NORMAL, null); }

        public static Member file(String name, String text) { return file(name, text.getBytes(StandardCharsets.UTF_8)); }

        public static Member dir(String name) { return new Member(name, new byte[0], TarConstants.LF_DIR, null); }

        public static Member symlink(String name, String target) { return new Member(name, new byte[0], TarConstants.LF_SYMLINK, target); }

        public static Member hardlink(String name, String target) { return new Member(name, new byte[0], TarConstants.LF_LINK, target); }

        public static Member fifo(String name) { return new Member(name, new byte[0], TarConstants.LF_FIFO, null); }
    }

    /** podman-like config.dump / spec.dump / network.status for a container {@code name}. */
    public static List<Member> podmanMetadata(String name) {
        String id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        return List.of(
                Member.file("config.dump", "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"rootfsImageName\":\"localhost/atlas-busybox:latest\","
                        + "\"runtime\":\"runc\",\"createdTime\":\"2026-12-05T07:34:28.855830903Z\"}"),
                Member.file("spec.dump", "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\",\"-c\",\"sleep 9\"]},"
                        + "\"annotations\":{\"io.container.manager\":\"libpod\"},"
                        + "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}]}"),
                Member.file("network.status", "{\"podman\":{\"interfaces\":{\"eth0\":{\"subnets\":[{\"ipnet\":\"10.88.0.7/16\","
                        + "\"gateway\":\"10.88.0.1\"}],\"mac_address\":\"0a:58:0a:58:00:07\"}}}}"));
    }

    /** CRI-O's: the Kubernetes names only in annotations (what the kubelet checkpoint API writes). */
    public static List<Member> crioMetadata() {
        return List.of(
                Member.file("config.dump", "{\"id\":\"c0ffee\",\"name\":\"k8s_counter_counters_default_1\","
                        + "\"rootfsImageName\":\"quay.io/example/counter:latest\",\"runtime\":\"crun\","
                        + "\"createdTime\":\"2026-02-13T16:19:51Z\",\"checkpointedTime\":\"2026-02-13T16:20:09Z\"}"),
                Member.file("spec.dump", "{\"annotations\":{\"io.container.manager\":\"cri-o\","
                        + "\"io.kubernetes.cri-o.Metadata\":\"{\\\"name\\\":\\\"counter\\\",\\\"attempt\\\":1}\","
                        + "\"io.kubernetes.cri-o.IP.0\":\"10.244.0.12\",\"io.kubernetes.cri-o.Created\":\"2026-02-13T16:19:51.1Z\","
                        + "\"io.kubernetes.pod.name\":\"counters\",\"io.kubernetes.pod.namespace\":\"default\"}}"));
    }

    /** Every file of {@code dir} as checkpoint/NAME, in name order (as podman writes them). */
    public static List<Member> checkpoint(Path dir) throws IOException {
        List<Member> out = new ArrayList<>();
        out.add(Member.dir("checkpoint/"));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) out.add(Member.file("checkpoint/" + p.getFileName(), Files.readAllBytes(p)));
        }
        return out;
    }

    public static byte[] tar(List<Member> members) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        // blocks of one record: the tar ends right after its two end-of-archive records, like Go's archive/tar (podman)
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b, 512)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Member m : members) {
                TarArchiveEntry e = new TarArchiveEntry(m.name(), m.type(), true);
                if (m.link() != null) e.setLinkName(m.link());
                if (m.type() == TarConstants.LF_NORMAL) e.setSize(m.data().length);
                e.setMode(m.type() == TarConstants.LF_DIR ? 0755 : 0644);
                t.putArchiveEntry(e);
                if (m.type() == TarConstants.LF_NORMAL) t.write(m.data());
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    public static byte[] compress(byte[] tar, Compression c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = switch (c) {
            case GZIP -> new GZIPOutputStream(b);
            case ZSTD -> new ZstdOutputStream(b);
            case NONE -> b;
        }) {
            o.write(tar);
        }
        return b.toByteArray();
    }

    public static Path write(Path file, List<Member> members, Compression c) throws IOException {
        Files.write(file, compress(tar(members), c));
        return file;
    }
}
