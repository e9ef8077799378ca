package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.bridge.images.proto.CriuImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's image-reader rules on hostile folders: only regular files are opened (no link is
 * followed, no FIFO waited on), entries and bytes are capped, lengths are unsigned, a read can be
 * cancelled. Each hostile case is timed and its allocations measured (every JVM thread's allocated
 * bytes, so work on the fork-join pool counts too); nothing here sleeps.
 */
class ImageReaderSafetyTest {
    @TempDir
    Path tmp;

    private static final long MIB = 1 << 20;

    /** The outcome of one read: its error, wall time and bytes allocated by all threads. */
    record Measured(ImageFormatException error, long nanos, long allocated) {
        double millis() { return nanos / 1e6; }
    }

    private static long allAllocated() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = mx.getAllThreadIds();
        long sum = 0;
        for (long a : mx.getThreadAllocatedBytes(ids)) if (a > 0) sum += a;
        return sum;
    }

    private static Measured measure(ImageReadCall call) {
        long a0 = allAllocated();
        long t0 = System.nanoTime();
        ImageFormatException err = assertThrows(ImageFormatException.class, call::run);
        long nanos = System.nanoTime() - t0;
        return new Measured(err, nanos, allAllocated() - a0);
    }

    @FunctionalInterface
    interface ImageReadCall {
        void run() throws Exception;
    }

    private Path dump() throws IOException {
        return SyntheticDump.write(tmp.resolve("d"));
    }

    /** The head of pstree.img (both magic words), then a hole up to {@code size} bytes. */
    private static void sparse(Path file, long size, byte[] afterHead) throws IOException {
        Files.deleteIfExists(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(SyntheticDump.u32(ImageMagic.COMMON));
            f.write(SyntheticDump.u32(ImageMagic.PSTREE));
            f.write(afterHead);
            f.setLength(size);
        }
        // sparse for real: the file claims its size but holds (almost) no blocks
        assertEquals(size, Files.size(file));
    }

    @Test
    void sparseGigabytePstreeIsATypedErrorFastAndSmall() throws Exception {
        Path d = dump();
        sparse(d.resolve("pstree.img"), 1L << 30, new byte[0]);
        Measured m = measure(() -> ImageReader.open(d));
        assertEquals(Kind.BAD_PROTOBUF, m.error().kind(), m.error().getMessage());
        assertEquals(8, m.error().offset(), "the first (empty) entry after the magic words");
        assertTrue(m.error().getMessage().startsWith("pstree.img at byte 8:"), m.error().getMessage());
        assertTrue(m.nanos() < TimeUnit.SECONDS.toNanos(2), "took " + m.millis() + " ms");
        assertTrue(m.allocated() < 64 * MIB, "allocated " + m.allocated() / MIB + " MiB");
        System.out.printf("sparse 1 GiB pstree.img: %s in %.1f ms, %d KiB allocated%n", m.error().kind(), m.millis(),
                m.allocated() >> 10);
    }

    @Test
    void lengthWordsAreUnsignedPastTwoGigabytes() throws Exception {
        Path d = dump();
        // a length word of 0x90000000 (negative as a Java int) with more than that many bytes left in the file
        sparse(d.resolve("pstree.img"), 3L << 30, SyntheticDump.u32(0x9000_0000));
        Measured m = measure(() -> ImageReader.open(d));
        assertEquals(Kind.BAD_LENGTH, m.error().kind(), m.error().getMessage());
        assertTrue(m.error().getMessage().contains("entry length 2415919104 exceeds"), m.error().getMessage());
        assertTrue(m.nanos() < TimeUnit.SECONDS.toNanos(2), "took " + m.millis() + " ms");
        assertTrue(m.allocated() < 64 * MIB, "allocated " + m.allocated() / MIB + " MiB");
    }

    private static void mkfifo(Path p) throws Exception {
        Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        assertEquals(0, pr.waitFor(), new String(pr.getInputStream().readAllBytes()));
    }

    @Test
    void fifoNamedInventoryIsATypedErrorWithoutWaiting() throws Exception {
        Path d = dump();
        Files.delete(d.resolve("inventory.img"));
        mkfifo(d.resolve("inventory.img"));
        Measured m = measure(() -> ImageReader.open(d));
        assertEquals(Kind.NOT_REGULAR_FILE, m.error().kind(), m.error().getMessage());
        assertTrue(m.error().getMessage().contains("is a FIFO"), m.error().getMessage());
        assertTrue(m.nanos() < TimeUnit.SECONDS.toNanos(1), "took " + m.millis() + " ms");
        System.out.printf("FIFO inventory.img: %s in %.1f ms%n", m.error().kind(), m.millis());
    }

    @Test
    void fifoAsAPerTaskImageOnThePoolIsATypedErrorToo() throws Exception {
        Path d = dump();
        Files.delete(d.resolve("core-101.img"));
        mkfifo(d.resolve("core-101.img"));
        Measured m = measure(() -> ImageReader.open(d));
        assertEquals(Kind.NOT_REGULAR_FILE, m.error().kind());
        assertTrue(m.error().file().endsWith("core-101.img"), m.error().file());
        assertTrue(m.nanos() < TimeUnit.SECONDS.toNanos(1), "took " + m.millis() + " ms");
    }

    @Test
    void symlinkedImageIsRefusedNotFollowed() throws Exception {
        Path d = dump();
        // the link points at a perfectly good copy: refused because it is a link, whatever it points at
        Path real = Files.copy(d.resolve("pstree.img"), tmp.resolve("elsewhere-pstree.img"));
        Files.delete(d.resolve("pstree.img"));
        Files.createSymbolicLink(d.resolve("pstree.img"), real);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.open(d));
        assertEquals(Kind.NOT_REGULAR_FILE, e.kind());
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        // the inventory (which decides "is this a dump") too
        Path d2 = SyntheticDump.write(tmp.resolve("d2"));
        Path inv = Files.move(d2.resolve("inventory.img"), tmp.resolve("inv.img"));
        Files.createSymbolicLink(d2.resolve("inventory.img"), inv);
        assertEquals(Kind.NOT_REGULAR_FILE, assertThrows(ImageFormatException.class, () -> ImageReader.open(d2)).kind());
        // a dangling link is not "missing" either
        Path d3 = SyntheticDump.write(tmp.resolve("d3"));
        Files.delete(d3.resolve("stats-dump"));
        Files.createSymbolicLink(d3.resolve("stats-dump"), tmp.resolve("no-such-file"));
        assertEquals(Kind.NOT_REGULAR_FILE, assertThrows(ImageFormatException.class, () -> ImageReader.open(d3)).kind());
    }

    @Test
    void theFolderItselfMayBeReachedThroughALink() throws Exception {
        Path d = dump();
        Path link = Files.createSymbolicLink(tmp.resolve("via-link"), d);
        assertEquals(3, ImageReader.open(link).graph().processes().size());
    }

    @Test
    void directoryNamedLikeAnImageIsRefused() throws Exception {
        Path d = dump();
        Files.delete(d.resolve("files.img"));
        Files.createDirectory(d.resolve("files.img"));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.open(d));
        assertEquals(Kind.NOT_REGULAR_FILE, e.kind());
        assertTrue(e.getMessage().contains("a directory"), e.getMessage());
    }

    /** pstree.img with {@code n} distinct, valid entries. */
    private static byte[] bigPstree(int n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(SyntheticDump.u32(ImageMagic.COMMON));
        b.writeBytes(SyntheticDump.u32(ImageMagic.PSTREE));
        for (int pid = 1; pid <= n; pid++) {
            byte[] e = CriuImages.PstreeEntry.newBuilder().setPid(pid).setPpid(0).setPgid(1).setSid(1).build().toByteArray();
            b.writeBytes(SyntheticDump.u32(e.length));
            b.writeBytes(e);
        }
        return b.toByteArray();
    }

    @Test
    void entriesPerImageAreCapped() throws Exception {
        Path d = dump();
        Files.write(d.resolve("pstree.img"), bigPstree(20_000));
        ImageReadControl c = new ImageReadControl(new ImageReadControl.Limits(10_000, 256 * MIB));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.open(d, c));
        assertEquals(Kind.LIMIT_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("more than 10000 entries"), e.getMessage());
        assertTrue(e.file().endsWith("pstree.img"));
    }

    @Test
    void bytesInTotalAreCapped() throws Exception {
        Path d = dump();
        Files.write(d.resolve("pstree.img"), bigPstree(20_000));
        ImageReadControl c = new ImageReadControl(new ImageReadControl.Limits(1 << 20, MIB));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.open(d, c));
        assertEquals(Kind.LIMIT_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("more than 1048576 bytes"), e.getMessage());
        assertTrue(c.keptBytes() > MIB && c.keptBytes() < MIB + 200, "stopped at the entry that crossed: " + c.keptBytes());
    }

    @Test
    void defaultLimitsReadTheWholeSyntheticDumpAndCountWhatTheyKept() throws Exception {
        ImageReadControl c = new ImageReadControl();
        assertEquals(3, ImageReader.open(dump(), c).graph().processes().size());
        assertTrue(c.keptBytes() > 0 && c.keptBytes() < 64 * 1024, "kept " + c.keptBytes());
    }

    @Test
    void cancelStopsTheReadAtTheNextFile() throws Exception {
        Path d = dump();
        ImageReadControl c = new ImageReadControl();
        c.cancel();
        assertEquals(Kind.CANCELLED, assertThrows(ImageFormatException.class, () -> ImageReader.open(d, c)).kind());

        // cancelled in the middle: the source cancels when the reader asks for the second process's core image
        ImageReadControl mid = new ImageReadControl();
        List<String> opened = new ArrayList<>();
        try (ImageDirectory dir = ImageDirectory.open(d)) {
            ImageSource cancelling = new ImageSource() {
                @Override public Path location() { return dir.location(); }
                @Override public Path pathOf(String name) { return dir.pathOf(name); }
                @Override public int fileCount() { return dir.fileCount(); }
                @Override public void close() {}
                @Override
                public ImageFile openIfPresent(String name, ImageReadControl control) throws ImageFormatException {
                    synchronized (opened) {
                        opened.add(name);
                    }
                    if (name.equals("core-101.img")) control.cancel();
                    return dir.openIfPresent(name, control);
                }
            };
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.read(cancelling, mid));
            assertEquals(Kind.CANCELLED, e.kind());
        }
        assertTrue(opened.contains("core-101.img"));
        assertTrue(!opened.contains("files.img") && !opened.contains("stats-dump"), "stopped before the later images: " + opened);
    }
}
