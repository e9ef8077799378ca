package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.bridge.images.proto.CriuImages.ImageDumpStatsEntry;
import org.criuatlas.bridge.images.proto.CriuImages.ImageRestoreStatsEntry;
import org.criuatlas.bridge.images.proto.CriuImages.ImageStatsEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one stats reader on hand-built stats files (no root, no CRIU; the live runs are in CriuDumpRestoreTest). */
class CriuStatsTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(tmp.resolve(name), bytes);
    }

    private static byte[] stats(ImageStatsEntry e) {
        return SyntheticDump.image(ImageMagic.SERVICE, ImageMagic.STATS, List.of(e));
    }

    @Test
    void dumpFigures() throws Exception {
        Path f = write(CriuStats.DUMP_FILE, stats(ImageStatsEntry.newBuilder().setDump(ImageDumpStatsEntry.newBuilder()
                .setFreezingTime(95).setFrozenTime(5869).setMemdumpTime(689).setMemwriteTime(111)
                .setPagesScanned(39).setPagesSkippedParent(2).setPagesWritten(26).setPagesLazy(1)).build()));
        CriuStats s = CriuStats.read(f).orElseThrow();
        assertEquals(new CriuStats.Dump(95, 5869, 689, 111, 39, 2, 26, 1), s.dump());
        assertNull(s.restore());
    }

    @Test
    void restoreFiguresAndUnsignedTimes() throws Exception {
        Path f = write(CriuStats.RESTORE_FILE, stats(ImageStatsEntry.newBuilder().setRestore(ImageRestoreStatsEntry.newBuilder()
                .setPagesCompared(7).setPagesSkippedCow(3).setForkingTime(-1).setRestoreTime(4000).setPagesRestored(12)).build()));
        CriuStats s = CriuStats.read(f).orElseThrow();
        assertEquals(new CriuStats.Restore(7, 3, 0xffff_ffffL, 4000, 12), s.restore(), "uint32 times are not negative");
        assertNull(s.dump());
    }

    @Test
    void missingOrEmptyIsNoStats() throws Exception {
        assertTrue(CriuStats.read(tmp.resolve("nope")).isEmpty());
        Path head = write("head-only", SyntheticDump.image(ImageMagic.SERVICE, ImageMagic.STATS, List.of()));
        assertTrue(CriuStats.read(head).isEmpty());
    }

    @Test
    void badInputIsATypedError() throws Exception {
        byte[] good = stats(ImageStatsEntry.newBuilder().setDump(ImageDumpStatsEntry.newBuilder().setFrozenTime(5)).build());
        Path wrongMagic = write("wrong-magic", SyntheticDump.image(ImageMagic.SERVICE, ImageMagic.INVENTORY, List.of()));
        assertEquals(Kind.BAD_MAGIC, assertThrows(ImageFormatException.class, () -> CriuStats.read(wrongMagic)).kind());
        Path shortHead = write("short-head", Arrays.copyOf(good, 6));
        assertEquals(Kind.TRUNCATED, assertThrows(ImageFormatException.class, () -> CriuStats.read(shortHead)).kind());
        Path cut = write("cut", Arrays.copyOf(good, good.length - 1));
        assertEquals(Kind.BAD_LENGTH, assertThrows(ImageFormatException.class, () -> CriuStats.read(cut)).kind());
        byte[] junk = good.clone();
        junk[12] = (byte) 0xff; // the entry's first tag byte: field 31, wire type 7 (invalid)
        Path garbled = write("garbled", junk);
        assertEquals(Kind.BAD_PROTOBUF, assertThrows(ImageFormatException.class, () -> CriuStats.read(garbled)).kind());
    }
}
