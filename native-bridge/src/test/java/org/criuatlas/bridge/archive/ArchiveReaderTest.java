package org.criuatlas.bridge.archive;

import org.criuatlas.bridge.archive.CheckpointArchive.Compression;
import org.criuatlas.bridge.archive.CheckpointArchive.Engine;
import org.criuatlas.bridge.archive.TestArchives.Member;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.bridge.images.ImageMagic;
import org.criuatlas.bridge.images.ImageReadControl;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.images.SyntheticDump;
import org.criuatlas.bridge.images.proto.CriuImages;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Archives built from hand-written images (no root, no podman): the archive gives the same graph as
 * the folder it was made of, in every compression; the engine's metadata, command lines and
 * environments are read; hostile, corrupt and cut archives are typed errors that write nothing.
 * Real podman archives: {@code PodmanArchiveTest}.
 */
class ArchiveReaderTest {
    @TempDir
    Path tmp;

    static final long ARG_PAGE = 0x7ffd_0000_0000L;
    static final byte[] ARGV = "app\0--flag\0value with spaces\0".getBytes(StandardCharsets.UTF_8);
    static final byte[] ENVP = "HOME=/root\0SECRET=s3cret\0".getBytes(StandardCharsets.UTF_8);

    private static byte[] image(int magic, List<? extends com.google.protobuf.MessageLite> entries) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(SyntheticDump.u32Public(ImageMagic.COMMON));
        b.writeBytes(SyntheticDump.u32Public(magic));
        for (var m : entries) {
            byte[] body = m.toByteArray();
            b.writeBytes(SyntheticDump.u32Public(body.length));
            b.writeBytes(body);
        }
        return b.toByteArray();
    }

    /**
     * The synthetic dump plus memory images for pid 100: a pagemap whose first entry lives in a parent
     * dump (no pages here), a present entry of 3 pages, then the page with argv and envp; so argv is at
     * offset 3 * 4096 of pages-7.img, not 5 * 4096 (the parent entry's pages do not count).
     */
    private Path dumpWithMemory() throws IOException {
        Path d = SyntheticDump.write(tmp.resolve("dump"));
        long argStart = ARG_PAGE + 0x10, argEnd = argStart + ARGV.length;
        long envStart = argEnd, envEnd = envStart + ENVP.length;
        Files.write(d.resolve("mm-100.img"), image(ImageMagic.MM, List.of(CriuImages.MmEntry.newBuilder()
                .setMmArgStart(argStart).setMmArgEnd(argEnd).setMmEnvStart(envStart).setMmEnvEnd(envEnd).build())));
        Files.write(d.resolve("pagemap-100.img"), image(ImageMagic.PAGEMAP, List.of(
                CriuImages.PagemapEntry.newBuilder().setVaddr(7).build(), // the head: pages_id 7
                CriuImages.PagemapEntry.newBuilder().setVaddr(0x400000).setNrPages(2).setFlags(1).build(), // PE_PARENT
                CriuImages.PagemapEntry.newBuilder().setVaddr(0x600000).setNrPages(3).setFlags(4).build(), // PE_PRESENT
                CriuImages.PagemapEntry.newBuilder().setVaddr(ARG_PAGE).setCompatNrPages(1).setFlags(4).build())));
        byte[] pages = new byte[4 * 4096];
        Arrays.fill(pages, 0, 3 * 4096, (byte) 'x'); // other pages: garbage a wrong offset would show
        System.arraycopy(ARGV, 0, pages, 3 * 4096 + 0x10, ARGV.length);
        System.arraycopy(ENVP, 0, pages, 3 * 4096 + 0x10 + ARGV.length, ENVP.length);
        Files.write(d.resolve("pages-7.img"), pages);
        return d;
    }

    private List<Member> podmanArchive(Path dump) throws IOException {
        List<Member> m = new ArrayList<>(TestArchives.podmanMetadata("counter"));
        m.add(Member.file("stats-dump", Files.readAllBytes(dump.resolve("stats-dump"))));
        m.addAll(TestArchives.checkpoint(dump).stream().filter(x -> !x.name().equals("checkpoint/stats-dump")).toList());
        m.add(Member.file("rootfs-diff.tar", new byte[2048]));
        return m;
    }

    private static void assertSameGraph(IpcGraph want, IpcGraph got) {
        assertEquals(want.summary(), got.summary());
        for (ProcessInfo p : want.processes().values()) {
            ProcessInfo q = got.process(p.pid());
            assertEquals(p.comm(), q.comm());
            assertEquals(p.ppid(), q.ppid());
            assertEquals(p.state(), q.state());
            assertEquals(p.fds(), q.fds(), "fds of " + p.pid());
        }
        assertEquals(want.sockets(), got.sockets());
        assertEquals(want.pipes(), got.pipes());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void podmanArchiveReadsLikeItsFolderInEveryCompression(Compression c) throws Exception {
        Path dump = dumpWithMemory();
        Path a = TestArchives.write(tmp.resolve("counter.tar" + (c == Compression.NONE ? "" : c == Compression.GZIP ? ".gz" : ".zst")),
                podmanArchive(dump), c);
        CheckpointArchive ar = ArchiveReader.open(a);
        ImageDump dir = ImageReader.open(dump);
        assertEquals(c, ar.compression());
        assertSameGraph(dir.graph(), ar.dump().graph());
        assertEquals(dir.obligations(), ar.dump().obligations());
        assertEquals(5869, ar.dump().dumpStats().frozenTimeUs(), "podman's top-level stats-dump");

        var ci = ar.container();
        assertEquals(Engine.PODMAN, ci.engine());
        assertEquals("counter", ci.name());
        assertEquals("0123456789ab", ci.shortId());
        assertEquals("localhost/atlas-busybox:latest", ci.image());
        assertEquals("runc", ci.runtime());
        assertEquals("2026-12-05T07:34:28.855830903Z", ci.created());
        assertEquals("10.88.0.7", ci.ip());
        assertEquals("0a:58:0a:58:00:07", ci.mac());
        assertEquals("10.88.0.1", ci.networks().get(0).gateway());
        assertEquals(List.of("sh", "-c", "sleep 9"), ci.command());
        assertEquals("/proc", ci.mounts().get(0).destination());
        assertFalse(ci.checkpointed().isEmpty(), "from the inventory member's time when config.dump has none");

        long checkpointBytes;
        try (Stream<Path> s = Files.list(dump)) {
            checkpointBytes = s.filter(p -> !p.getFileName().toString().equals("stats-dump")).mapToLong(p -> p.toFile().length()).sum();
        }
        assertEquals(checkpointBytes, ar.sizes().checkpointBytes());
        assertEquals(4 * 4096, ar.sizes().memoryPagesBytes());
        assertEquals(2048, ar.sizes().rootfsDiffBytes());
        assertEquals(Files.size(a), ar.sizes().archiveBytes());

        assertEquals(List.of("app", "--flag", "value with spaces"), ar.processes().get(100).cmdline());
        assertEquals(List.of(), ar.processes().get(100).environment(), "the environment only on request");
        assertEquals(List.of(), ar.processes().get(101).cmdline(), "101 has no mm image");
        assertFalse(ar.processes().get(101).note().isEmpty());

        CheckpointArchive withEnv = ArchiveReader.open(a, ArchiveReader.Options.defaults().withEnvironment(true));
        assertEquals(List.of("HOME=/root", "SECRET=s3cret"), withEnv.processes().get(100).environment());
    }

    @Test
    void pagesBeforeTheirPagemapStillGiveTheCommandLine() throws Exception {
        Path dump = dumpWithMemory();
        List<Member> m = new ArrayList<>(podmanArchive(dump));
        Member pages = m.stream().filter(x -> x.name().equals("checkpoint/pages-7.img")).findFirst().orElseThrow();
        m.remove(pages);
        m.add(1, pages); // before every image
        CheckpointArchive ar = ArchiveReader.open(TestArchives.write(tmp.resolve("odd-order.tar.zst"), m, Compression.ZSTD));
        assertEquals(List.of("app", "--flag", "value with spaces"), ar.processes().get(100).cmdline());
    }

    @Test
    void crioArchiveIsRecognisedByItsKubernetesAnnotations() throws Exception {
        Path dump = dumpWithMemory();
        List<Member> m = new ArrayList<>(TestArchives.crioMetadata());
        m.addAll(TestArchives.checkpoint(dump));
        // kubelet's checkpoint API writes a plain tar named checkpoint-POD_NAMESPACE-CONTAINER-TIME.tar
        Path a = TestArchives.write(tmp.resolve("checkpoint-counters_default-counter-2026-02-13T16:20:09Z.tar"), m, Compression.NONE);
        var ci = ArchiveReader.open(a).container();
        assertEquals(Engine.CRIO, ci.engine());
        assertEquals("counter", ci.name(), "from io.kubernetes.cri-o.Metadata, not config.dump's k8s_ name");
        assertEquals("counters", ci.pod());
        assertEquals("default", ci.namespace());
        assertEquals("10.244.0.12", ci.ip());
        assertEquals("2026-02-13T16:19:51.1Z", ci.created());
        assertEquals("2026-02-13T16:20:09Z", ci.checkpointed());
        assertEquals("config.dump checkpointedTime", ci.checkpointedFrom());
        assertEquals("quay.io/example/counter:latest", ci.image());
        assertEquals("crun", ci.runtime());
    }

    // ---- bad archives: typed errors, nothing written ----------------------------------------------

    /** Every file under {@code root} with its size and modification time. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }

    /** Reads {@code archive}, expecting {@code kind}; asserts that nothing appeared or changed in the folder tree. */
    private ImageFormatException refused(Path archive, Kind kind, Path... mustNotExist) throws IOException {
        Map<String, String> before = snapshot(tmp);
        long t0 = System.nanoTime();
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ArchiveReader.open(archive));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(before, snapshot(tmp), "the read wrote nothing");
        for (Path p : mustNotExist) assertFalse(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS), p + " was written");
        assertTrue(ms < 5000, "took " + ms + " ms");
        return e;
    }

    @Test
    void pathTraversingAndEscapingMembersAreRefused() throws Exception {
        Path dump = dumpWithMemory();
        List<Member> good = podmanArchive(dump);
        String unique = "atlas-escape-" + ProcessHandle.current().pid();
        Path outside = tmp.resolve("..").normalize().resolve(unique);
        Path absolute = Path.of("/tmp", unique + "-abs");
        Map<String, Member> hostile = Map.of(
                "dot-dot", Member.file("checkpoint/../../" + unique, "x"),
                "absolute", Member.file(absolute.toString(), "x"),
                "symlink-absolute", Member.symlink("checkpoint/evil", "/etc/passwd"),
                "symlink-climbs", Member.symlink("checkpoint/evil", "../../" + unique),
                "hardlink-climbs", Member.hardlink("checkpoint/evil", "../" + unique),
                "duplicate-image", Member.file("checkpoint/pstree.img", "not the first one"));
        for (var h : hostile.entrySet()) {
            for (Compression c : Compression.values()) {
                List<Member> m = new ArrayList<>(good);
                m.add(m.size() - 1, h.getValue()); // after the images, before rootfs-diff.tar
                Path a = TestArchives.write(tmp.resolve(h.getKey() + "." + c.word()), m, c);
                ImageFormatException e = refused(a, Kind.UNSAFE_ENTRY, outside, absolute);
                assertTrue(e.getMessage().contains("refused") || e.getMessage().contains("twice"), e.getMessage());
                Files.delete(a);
            }
        }
        // a link that stays inside is fine (nothing in checkpoint/ should be one, but it does not escape)
        List<Member> m = new ArrayList<>(good);
        m.add(Member.symlink("artifacts/latest", "../config.dump"));
        assertEquals(3, ArchiveReader.open(TestArchives.write(tmp.resolve("inner-link.tar"), m, Compression.NONE))
                .dump().graph().processes().size());
    }

    @Test
    void imageThatIsAFifoOrLinkInTheArchiveIsNotRead() throws Exception {
        Path dump = dumpWithMemory();
        List<Member> m = new ArrayList<>(podmanArchive(dump));
        m.removeIf(x -> x.name().equals("checkpoint/pstree.img"));
        m.add(Member.fifo("checkpoint/pstree.img"));
        ImageFormatException e = refused(TestArchives.write(tmp.resolve("fifo-member.tar"), m, Compression.NONE), Kind.NOT_REGULAR_FILE);
        assertTrue(e.file().endsWith("checkpoint/pstree.img"), e.file());
        List<Member> l = new ArrayList<>(podmanArchive(dump));
        l.removeIf(x -> x.name().equals("checkpoint/files.img"));
        l.add(Member.symlink("checkpoint/files.img", "pstree.img"));
        assertEquals(Kind.NOT_REGULAR_FILE, refused(TestArchives.write(tmp.resolve("link-member.tar"), l, Compression.NONE),
                Kind.NOT_REGULAR_FILE).kind());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void truncatedArchivesAreTypedErrorsAtEveryCut(Compression c) throws Exception {
        byte[] whole = TestArchives.compress(TestArchives.tar(podmanArchive(dumpWithMemory())), c);
        byte[] tarOnly = TestArchives.tar(podmanArchive(dumpWithMemory()));
        List<Integer> cuts = new ArrayList<>(List.of(whole.length / 4, whole.length / 2, whole.length * 9 / 10));
        if (c == Compression.NONE) {
            cuts.add(512 * 3 + 100); // inside a header
            cuts.add(tarOnly.length - 1024); // right before the end-of-archive records: every member complete, the end missing
        } else {
            cuts.add(whole.length - 10); // the compressed stream's last bytes (checksum, end of frame)
        }
        for (int cut : cuts) {
            Path a = tmp.resolve("cut-" + cut + "." + c.word());
            Files.write(a, Arrays.copyOf(whole, cut));
            ImageFormatException e = refused(a, Kind.TRUNCATED);
            assertTrue(e.getMessage().contains("ends early"), e.getMessage());
            Files.delete(a);
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void corruptArchivesAreTypedErrors(Compression c) throws Exception {
        byte[] whole = TestArchives.compress(TestArchives.tar(podmanArchive(dumpWithMemory())), c);
        Function<Integer, byte[]> flip = at -> {
            byte[] b = whole.clone();
            for (int i = at; i < at + 16 && i < b.length; i++) b[i] ^= 0x5a;
            return b;
        };
        // a plain tar: a header in the middle (its checksum no longer matches)
        if (c == Compression.NONE) {
            byte[] tar = whole.clone();
            int header = headerOffset(tar, "checkpoint/files.img");
            for (int i = header + 2; i < header + 18; i++) tar[i] ^= 0x5a;
            ImageFormatException e = refused(Files.write(tmp.resolve("corrupt.tar"), tar), Kind.CORRUPT_ARCHIVE);
            assertTrue(e.getMessage().contains("damaged"), e.getMessage());
            return;
        }
        // compressed: deflate has no checksum per block, so damage shows as whatever the garbage makes first
        // (a bad zstd block, a bad tar header, a name twice, the gzip CRC at the end): any typed error, nothing written
        for (int at : new int[] {30, whole.length / 3, whole.length / 2}) {
            Path a = Files.write(tmp.resolve("corrupt-" + at + "." + c.word()), flip.apply(at));
            Map<String, String> before = snapshot(tmp);
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> ArchiveReader.open(a));
            assertTrue(Set.of(Kind.CORRUPT_ARCHIVE, Kind.TRUNCATED, Kind.UNSAFE_ENTRY, Kind.BAD_MAGIC, Kind.BAD_LENGTH,
                    Kind.BAD_PROTOBUF, Kind.INCONSISTENT, Kind.NOT_A_DUMP).contains(e.kind()), e.kind() + ": " + e.getMessage());
            assertEquals(before, snapshot(tmp));
            System.out.printf("corrupt %s at %d: %s%n", c.word(), at, e.getMessage());
        }
    }

    /** Where the header of member {@code name} starts in a plain tar. */
    private static int headerOffset(byte[] tar, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            if (Arrays.equals(Arrays.copyOfRange(tar, off, off + n.length), n) && tar[off + n.length] == 0) return off;
        }
        throw new AssertionError(name + " not in the tar");
    }

    @Test
    void notAnArchiveAndOtherCompressions() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "just some text, not a tar\n".repeat(100));
        assertEquals(Kind.NOT_A_DUMP, refused(text, Kind.NOT_A_DUMP).kind());
        Path xz = Files.write(tmp.resolve("a.tar.xz"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2});
        assertTrue(refused(xz, Kind.UNSUPPORTED_FORMAT).getMessage().contains("xz"));
        // a tar without a dump: the engine's JSON only
        Path meta = TestArchives.write(tmp.resolve("meta-only.tar"), TestArchives.podmanMetadata("x"), Compression.NONE);
        assertTrue(refused(meta, Kind.NOT_A_DUMP).getMessage().contains("without a CRIU dump"));
    }

    @Test
    void fifoGivenAsTheArchiveIsATypedErrorWithoutWaiting() throws Exception {
        Path fifo = tmp.resolve("archive.tar.zst");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        long t0 = System.nanoTime();
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ArchiveReader.open(fifo));
        assertEquals(Kind.NOT_REGULAR_FILE, e.kind());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void limitsAndCancel() throws Exception {
        Path a = TestArchives.write(tmp.resolve("counter.tar.zst"), podmanArchive(dumpWithMemory()), Compression.ZSTD);
        var few = new ArchiveReader.Options(false, new ArchiveReader.Limits(5, 512L << 20, 64L << 30, 64L << 20), new ImageReadControl());
        assertEquals(Kind.LIMIT_EXCEEDED, assertThrows(ImageFormatException.class, () -> ArchiveReader.open(a, few)).kind());
        var tiny = new ArchiveReader.Options(false, new ArchiveReader.Limits(1000, 100, 64L << 30, 64L << 20), new ImageReadControl());
        assertEquals(Kind.LIMIT_EXCEEDED, assertThrows(ImageFormatException.class, () -> ArchiveReader.open(a, tiny)).kind());
        ImageReadControl cancelled = new ImageReadControl();
        cancelled.cancel();
        var opts = new ArchiveReader.Options(false, ArchiveReader.Limits.DEFAULT, cancelled);
        assertEquals(Kind.CANCELLED, assertThrows(ImageFormatException.class, () -> ArchiveReader.open(a, opts)).kind());
    }
}
