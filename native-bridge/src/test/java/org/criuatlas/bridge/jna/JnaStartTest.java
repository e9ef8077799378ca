package org.criuatlas.bridge.jna;

import org.criuatlas.bridge.criu.LibC;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library folders JNA gets instead of running ldconfig hold the libc this JVM really mapped. */
class JnaStartTest {
    @Test
    void theFoldersHoldTheLibcThisProcessMapped() throws IOException {
        assertTrue(LibC.getpid() > 0); // JNA loaded through LibC, after JnaStart
        String folders = System.getProperty(JnaStart.PROPERTY);
        assertTrue(folders != null && !folders.isBlank(), "set before JNA loaded: " + folders);
        String libc = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(p -> p.matches(".*/libc\\.so\\.6$") || p.matches(".*/libc-[0-9.]+\\.so$"))
                .findFirst().orElseThrow();
        Path dir = Path.of(libc).toRealPath().getParent();
        boolean listed = Arrays.stream(folders.split(":")).map(Path::of).filter(Files::isDirectory).anyMatch(d -> {
            try {
                return d.toRealPath().equals(dir);
            } catch (IOException e) {
                return false;
            }
        });
        assertTrue(listed, "libc at " + libc + " (in " + dir + ") is in one of " + folders);
    }

    @Test
    void architecturesMapToTheirMultiarchFolders() {
        assertEquals("/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/lib:/lib", JnaStart.platformLibraryPath("amd64"));
        assertTrue(JnaStart.platformLibraryPath("aarch64").startsWith("/usr/lib/aarch64-linux-gnu:"));
        assertEquals("/usr/lib64:/lib64:/usr/lib:/lib", JnaStart.platformLibraryPath("sparc"));
    }
}
