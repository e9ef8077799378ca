package org.criuatlas.bridge.archive;

import org.criuatlas.bridge.images.ImageFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The system zstd as the archive reader's decoder: chosen when /usr/bin/zstd is root's (it is on every
 * machine the project's scripts set up), output equal to aircompressor's, a cut stream an
 * EOFException, a damaged one an IOException with zstd's words, and no zstd process left behind
 * after a failed or abandoned read.
 */
class ZstdProcessTest {
    @TempDir Path tmp;

    @Test
    void decodesWhatTheZstdCommandWroteAsTheJavaDecoderDoes() throws Exception {
        Path zstd = ZstdProcess.binary().orElseThrow(() -> new AssertionError("no trusted zstd (scripts/setup-deps.sh installs it)"));
        assertTrue(ArchiveReader.zstdDecoder().startsWith("zstd (" + zstd));
        // a MiB of noise, a MiB of zeros, a MiB of text: what page data looks like to a compressor
        byte[] data = new byte[3 << 20];
        byte[] noise = new byte[1 << 20];
        new Random(7).nextBytes(noise);
        System.arraycopy(noise, 0, data, 0, noise.length);
        for (int i = 2 << 20; i < data.length; i++) data[i] = (byte) ('a' + i % 26);
        byte[] z = compress(data);
        try (InputStream in = ZstdProcess.start(zstd, new ByteArrayInputStream(z))) {
            assertArrayEquals(data, in.readAllBytes());
        }
        try (InputStream in = new io.airlift.compress.zstd.ZstdInputStream(new ByteArrayInputStream(z))) {
            assertArrayEquals(data, in.readAllBytes(), "the same bytes as the in-process decoder");
        }
        assertEquals(List.of(), zstdChildren());
    }

    @Test
    void cutAndDamagedStreamsAreErrorsAndLeaveNoProcess() throws Exception {
        Path zstd = ZstdProcess.binary().orElseThrow();
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        byte[] z = compress(data);
        try (InputStream in = ZstdProcess.start(zstd, new ByteArrayInputStream(Arrays.copyOf(z, z.length / 2)))) {
            EOFException e = assertThrows(EOFException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("cut short") && e.getMessage().contains("premature end"), e.getMessage());
        }
        byte[] bad = z.clone();
        for (int i = z.length / 2; i < z.length / 2 + 16; i++) bad[i] ^= 0x5a;
        try (InputStream in = ZstdProcess.start(zstd, new ByteArrayInputStream(bad))) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertFalse(e instanceof EOFException, e.toString());
            assertTrue(e.getMessage().startsWith("zstd could not decode it"), e.getMessage());
        }
        // abandoned after a few bytes (a limit, a cancel, a bad member): close ends the process
        InputStream in = ZstdProcess.start(zstd, new ByteArrayInputStream(compress(new byte[64 << 20])));
        assertEquals(4096, in.readNBytes(4096).length);
        in.close();
        assertEquals(List.of(), zstdChildren(), "no zstd left running");
    }

    @Test
    void aDamagedArchiveThroughTheReaderIsTypedAndLeavesNoProcess() throws Exception {
        byte[] tar = new byte[10240]; // not a tar at all, in a whole zstd stream: the tar reader gives up early
        new Random(5).nextBytes(tar);
        Path a = Files.write(tmp.resolve("garbage.tar.zst"), compress(tar));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ArchiveReader.open(a));
        assertNotNull(e.kind());
        assertEquals(List.of(), zstdChildren());
    }

    private byte[] compress(byte[] data) throws Exception {
        Path in = Files.write(tmp.resolve("in-" + System.nanoTime()), data);
        Process p = new ProcessBuilder("zstd", "-q", "-c", in.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertEquals(0, p.waitFor());
        return out.toByteArray();
    }

    /** zstd processes started by this JVM that still run (closed streams must not leave any). */
    private static List<Long> zstdChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/zstd")).orElse(false)).map(ProcessHandle::pid).toList();
    }
}
