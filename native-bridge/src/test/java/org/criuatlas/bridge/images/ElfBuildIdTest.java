package org.criuatlas.bridge.images;

import org.criuatlas.testing.ElfFiles;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Build-ids of real programs against {@code readelf -n}, and what a crafted or truncated file gets:
 * no build-id and no exception, quickly; a FIFO is refused without blocking.
 */
class ElfBuildIdTest {
    static final Path DIR = Path.of("target", "elf-build-id").toAbsolutePath();

    @Test
    void realProgramsAgreeWithReadelf() throws Exception {
        for (String f : new String[] {"/usr/bin/sleep", "/usr/bin/python3", "/bin/sh"}) {
            Path real = Path.of(f).toRealPath();
            Optional<String> ours = ElfBuildId.of(real, false);
            assertTrue(ours.isPresent(), f);
            assertEquals(readelf(real), ours, f);
        }
    }

    @Test
    void notElfOrBrokenElfHasNone() throws Exception {
        Files.createDirectories(DIR);
        byte[] sleep = Files.readAllBytes(Path.of("/usr/bin/sleep"));
        Path text = write("text", "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), ElfBuildId.of(text, false));
        assertEquals(Optional.empty(), ElfBuildId.of(write("empty", new byte[0]), false));
        assertEquals(Optional.empty(), ElfBuildId.of(write("header-only", Arrays.copyOf(sleep, 60)), false));

        // the header claims 65,535 program headers far past the end of the file
        byte[] many = Arrays.copyOf(sleep, sleep.length);
        ByteBuffer.wrap(many).order(ByteOrder.LITTLE_ENDIAN).putShort(0x38, (short) 0xffff);
        assertEquals(Optional.empty(), ElfBuildId.of(write("many-phdrs", many), false));

        // the build-id note claims a descriptor past its segment's end
        byte[] badNote = Arrays.copyOf(sleep, sleep.length);
        int note = ElfFiles.indexOf(badNote, java.util.HexFormat.of().parseHex(readelf(Path.of("/usr/bin/sleep")).orElseThrow())) - 16;
        assertTrue(note > 0);
        ByteBuffer.wrap(badNote).order(ByteOrder.LITTLE_ENDIAN).putInt(note + 4, 0x7fff_ffff);
        assertEquals(Optional.empty(), ElfBuildId.of(write("bad-note", badNote), false));

        // the same program with one byte of its build-id changed: a different id, as CRIU would see it
        byte[] rebuilt = Arrays.copyOf(sleep, sleep.length);
        rebuilt[note + 16] ^= 0x5a;
        Optional<String> a = ElfBuildId.of(Path.of("/usr/bin/sleep"), true), b = ElfBuildId.of(write("rebuilt", rebuilt), false);
        assertTrue(a.isPresent() && b.isPresent());
        assertNotEquals(a, b);
        assertEquals(readelf(DIR.resolve("rebuilt")), b);
    }

    @Test
    void aFifoOrALinkIsRefusedWithoutBlocking() throws Exception {
        Files.createDirectories(DIR);
        Path fifo = DIR.resolve("fifo");
        Files.deleteIfExists(fifo);
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        long t0 = System.nanoTime();
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ElfBuildId.of(fifo, false));
        assertEquals(ImageFormatException.Kind.NOT_REGULAR_FILE, e.kind());
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "answered at once");

        Path link = DIR.resolve("link");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/usr/bin/sleep"));
        assertThrows(ImageFormatException.class, () -> ElfBuildId.of(link, false));
        assertEquals(ElfBuildId.of(Path.of("/usr/bin/sleep"), false), ElfBuildId.of(link, true), "followed when asked");
    }

    static Path write(String name, byte[] b) throws Exception {
        return Files.write(DIR.resolve(name), b);
    }

    static Optional<String> readelf(Path file) throws Exception {
        return ElfFiles.readelfBuildId(file);
    }
}
