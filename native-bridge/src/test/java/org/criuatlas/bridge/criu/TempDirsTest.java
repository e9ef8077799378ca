package org.criuatlas.bridge.criu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TempDirsTest {
    @TempDir
    Path tmp;

    @Test
    void removesANestedTreeButNotItsSiblings() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("run/a/b"));
        Files.writeString(d.resolve("f"), "x");
        Files.writeString(tmp.resolve("run/g"), "y");
        Files.createSymbolicLink(tmp.resolve("run/link"), tmp.resolve("keep"));
        Files.writeString(tmp.resolve("keep"), "z");
        TempDirs.deleteQuietly(tmp.resolve("run"));
        assertFalse(Files.exists(tmp.resolve("run")));
        assertTrue(Files.exists(tmp.resolve("keep")), "a link is removed, not followed");
    }

    @Test
    void nullOrAbsentIsANoOp() {
        assertDoesNotThrow(() -> TempDirs.deleteQuietly(null));
        assertDoesNotThrow(() -> TempDirs.deleteQuietly(tmp.resolve("never-made")));
    }
}
