package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The framing rules and the typed errors, on hand-built images (no root, no CRIU). */
class ImageFramingTest {
    @TempDir
    Path tmp;

    @Test
    void readsASyntheticDump() throws Exception {
        ImageDump d = ImageReader.open(SyntheticDump.write(tmp.resolve("d")));
        IpcGraph g = d.graph();
        assertEquals(3, g.processes().size());
        assertEquals('Z', g.process(102).state());
        assertEquals("proc101", g.process(101).comm());
        assertEquals("socket:[5000]", g.process(100).fd(3).target());
        assertEquals(5001, g.socket(5000).peer());
        assertEquals(10, g.socket(5001).recvQueue(), "4 + 6 queued bytes on a stream socket");
        assertEquals(3, g.pipe(6000).queuedBytes());
        assertEquals(101, g.pipe(6000).readers().get(0).pid());
        assertEquals(100, g.pipe(6000).writers().get(0).pid());
        assertTrue(g.socket(5003).externalPeer());
        assertEquals(SocketType.UNKNOWN, g.socket(5003).type());
        assertEquals(1, d.obligations().size());
        assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, d.obligations().get(0).kind());
        assertEquals("socket:[5002]", d.obligations().get(0).key());
        assertEquals(5869, d.dumpStats().frozenTimeUs());
        assertEquals("synthetic", d.criuRunId());
    }

    @Test
    void notADump() throws Exception {
        assertEquals(Kind.NOT_A_DUMP, assertThrows(ImageFormatException.class, () -> ImageReader.read(tmp)).kind());
        Path file = Files.writeString(tmp.resolve("x"), "hello");
        assertEquals(Kind.NOT_A_DUMP, assertThrows(ImageFormatException.class, () -> ImageReader.read(file)).kind());
        assertEquals(Kind.NOT_A_DUMP, assertThrows(ImageFormatException.class, () -> ImageReader.read(tmp.resolve("nope"))).kind());
    }

    @Test
    void wrongMagicNamesFileAndOffset() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        byte[] b = Files.readAllBytes(d.resolve("files.img"));
        b[4] ^= 1;
        Files.write(d.resolve("files.img"), b);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d));
        assertEquals(Kind.BAD_MAGIC, e.kind());
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().startsWith("files.img at byte 4:"), e.getMessage());
        // the inventory has no common magic: a common magic there is wrong too
        byte[] inv = Files.readAllBytes(d.resolve("inventory.img"));
        System.arraycopy(SyntheticDump.u32(ImageMagic.COMMON), 0, inv, 0, 4);
        Files.write(d.resolve("inventory.img"), inv);
        assertEquals(Kind.BAD_MAGIC, assertThrows(ImageFormatException.class, () -> ImageReader.read(d)).kind());
    }

    @Test
    void truncatedFiles() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        byte[] b = Files.readAllBytes(d.resolve("pstree.img"));
        Files.write(d.resolve("pstree.img"), Arrays.copyOf(b, 10)); // two bytes of a length word
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d));
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals(8, e.offset());
        Files.write(d.resolve("pstree.img"), Arrays.copyOf(b, 6)); // inside the magic
        assertEquals(Kind.TRUNCATED, assertThrows(ImageFormatException.class, () -> ImageReader.read(d)).kind());
        Files.write(d.resolve("pstree.img"), Arrays.copyOf(b, b.length - 1)); // inside the last entry
        e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d));
        assertEquals(Kind.BAD_LENGTH, e.kind());
    }

    @Test
    void lengthLargerThanTheFileIsRefusedBeforeAllocating() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        byte[] b = Files.readAllBytes(d.resolve("files.img"));
        System.arraycopy(SyntheticDump.u32(0xfffffff0), 0, b, 8, 4);
        Files.write(d.resolve("files.img"), b);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d));
        assertEquals(Kind.BAD_LENGTH, e.kind());
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("4294967280"), e.getMessage());
    }

    @Test
    void rawPayloadLongerThanTheFile() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        byte[] b = Files.readAllBytes(d.resolve("pipes-data.img"));
        Files.write(d.resolve("pipes-data.img"), Arrays.copyOf(b, b.length - 2));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d));
        assertEquals(Kind.TRUNCATED, e.kind());
        assertTrue(e.getMessage().contains("pipe data"), e.getMessage());
    }

    @Test
    void garbageProtobuf() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        byte[] junk = {0x0f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        byte[] img = new byte[8 + 4 + junk.length];
        System.arraycopy(SyntheticDump.u32(ImageMagic.COMMON), 0, img, 0, 4);
        System.arraycopy(SyntheticDump.u32(ImageMagic.PSTREE), 0, img, 4, 4);
        System.arraycopy(SyntheticDump.u32(junk.length), 0, img, 8, 4);
        System.arraycopy(junk, 0, img, 12, junk.length);
        Files.write(d.resolve("pstree.img"), img);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d));
        assertEquals(Kind.BAD_PROTOBUF, e.kind());
        assertEquals(12, e.offset());
    }

    @Test
    void missingImagesAndDanglingIds() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        Files.delete(d.resolve("core-101.img"));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d));
        assertEquals(Kind.MISSING_IMAGE, e.kind());
        assertTrue(e.file().endsWith("core-101.img"));

        Path d2 = SyntheticDump.write(tmp.resolve("d2"));
        SyntheticDump.w(d2, "fdinfo-2.img", SyntheticDump.image(ImageMagic.COMMON, ImageMagic.FDINFO,
                java.util.List.of(SyntheticDump.fd(7, 999, FdDecoder.FD_UNIXSK))));
        e = assertThrows(ImageFormatException.class, () -> ImageReader.read(d2));
        assertEquals(Kind.INCONSISTENT, e.kind());
        assertTrue(e.getMessage().contains("999"), e.getMessage());
        assertEquals(8, e.offset());
    }

    @Test
    void tooOldImage() throws Exception {
        Path d = SyntheticDump.write(tmp.resolve("d"));
        SyntheticDump.w(d, "inventory.img", SyntheticDump.image(0, ImageMagic.INVENTORY, java.util.List.of(
                org.criuatlas.bridge.images.proto.CriuImages.InventoryEntry.newBuilder().setImgVersion(2).build())));
        assertEquals(Kind.UNSUPPORTED_VERSION, assertThrows(ImageFormatException.class, () -> ImageReader.read(d)).kind());
    }
}
