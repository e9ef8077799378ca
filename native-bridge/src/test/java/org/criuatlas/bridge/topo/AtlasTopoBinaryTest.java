package org.criuatlas.bridge.topo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtlasTopoBinaryTest {

    @Test
    void extractsFromAJarOncePerContentAndRuns(@TempDir Path tmp) throws Exception {
        Path built = AtlasTopoBinary.locate();
        byte[] bytes = Files.readAllBytes(built);
        Path jar = tmp.resolve("res.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(AtlasTopoBinary.RESOURCE.substring(1)));
            j.write(bytes);
            j.closeEntry();
        }
        URL url = new URL("jar:" + jar.toUri() + "!" + AtlasTopoBinary.RESOURCE);
        Path bin = tmp.resolve("bin");
        Path first = AtlasTopoBinary.provide(url, bin);
        assertTrue(first.getFileName().toString().matches("atlas-topo-[0-9a-f]{16}"), first.toString());
        assertTrue(Files.isExecutable(first));
        assertArrayEquals(bytes, Files.readAllBytes(first));
        assertEquals(first, AtlasTopoBinary.provide(url, bin));
        try (var files = Files.list(bin)) {
            assertEquals(1, files.count(), "no temp files left next to the binary");
        }

        Process p = new ProcessBuilder(first.toString(), "--help").start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(err.startsWith("usage: atlas-topo"), err);
    }
}
