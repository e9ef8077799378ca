package org.criuatlas.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The log lands in the state directory, rotates by size, and --debug adds detail and stderr. */
class AtlasLogTest {
    @TempDir
    Path tmp;

    @AfterEach
    void reset() throws Exception {
        System.clearProperty(AtlasLog.STATE_DIR_PROPERTY);
        System.clearProperty(AtlasLog.CONFIG_CLASS_PROPERTY);
        LogManager.getLogManager().readConfiguration(); // the JDK's defaults again for the other tests
    }

    @Test
    void theStateDirectoryFollowsXdg() {
        assertEquals(Path.of("/o"), AtlasLog.stateDirectory("/o", "/x", "/home/u"));
        assertEquals(Path.of("/x/criu-atlas"), AtlasLog.stateDirectory(null, "/x", "/home/u"));
        assertEquals(Path.of("/home/u/.local/state/criu-atlas"), AtlasLog.stateDirectory(null, "relative", "/home/u"));
        assertEquals(Path.of("/home/u/.local/state/criu-atlas"), AtlasLog.stateDirectory(null, null, "/home/u"));
    }

    @Test
    void infoGoesToTheFileAndDebugOnlyWithDebug() throws Exception {
        System.setProperty(AtlasLog.STATE_DIR_PROPERTY, tmp.toString());
        AtlasLog.configure(false);
        assertEquals(tmp.resolve("criu-atlas.0.log"), AtlasLog.file());
        System.Logger log = System.getLogger("org.criuatlas.test");
        log.log(System.Logger.Level.INFO, "an info line");
        log.log(System.Logger.Level.DEBUG, "a debug line");
        String text = Files.readString(AtlasLog.file());
        assertTrue(text.contains("INFO org.criuatlas.test: an info line"), text);
        assertFalse(text.contains("a debug line"), text);

        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            AtlasLog.configure(true); // the console handler binds System.err now
            log.log(System.Logger.Level.DEBUG, "a debug line");
        } finally {
            System.setErr(old);
        }
        assertTrue(Files.readString(AtlasLog.file()).contains("a debug line"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("a debug line"), "--debug echoes on stderr");
    }

    /** What java.util.logging does when it starts after configureOnFirstUse (readConfiguration is what it runs then). */
    @Test
    void onFirstUseJavaUtilLoggingSetsUpTheSameFile() throws Exception {
        System.setProperty(AtlasLog.STATE_DIR_PROPERTY, tmp.toString());
        AtlasLog.configureOnFirstUse();
        LogManager.getLogManager().readConfiguration();
        System.Logger log = System.getLogger("org.criuatlas.test.lazy");
        log.log(System.Logger.Level.INFO, "an info line on first use");
        log.log(System.Logger.Level.DEBUG, "a debug line");
        java.util.logging.Logger.getLogger("javafx.or.jdk").warning("another library's warning");
        assertTrue(AtlasLog.fileOpen());
        String text = Files.readString(tmp.resolve("criu-atlas.0.log"));
        assertTrue(text.contains("INFO org.criuatlas.test.lazy: an info line on first use"), text);
        assertTrue(text.contains("WARNING javafx.or.jdk: another library's warning"), text);
        assertFalse(text.contains("a debug line"), text);
    }

    @Test
    void onFirstUseWithoutAWritableFolderWarningsGoToStderr() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        System.setProperty(AtlasLog.STATE_DIR_PROPERTY, file.resolve("sub").toString());
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            AtlasLog.configureOnFirstUse();
            LogManager.getLogManager().readConfiguration(); // the console handler binds System.err when it is made
            System.getLogger("org.criuatlas.test.lazy").log(System.Logger.Level.INFO, "not shown");
            System.getLogger("org.criuatlas.test.lazy").log(System.Logger.Level.WARNING, "shown");
        } finally {
            System.setErr(old);
        }
        assertFalse(AtlasLog.fileOpen());
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("WARNING org.criuatlas.test.lazy: shown"), text);
        assertFalse(text.contains("not shown"), text);
    }

    @Test
    void theFileRotatesBySizeAndKeepsAFewOld() throws Exception {
        System.setProperty(AtlasLog.STATE_DIR_PROPERTY, tmp.toString());
        AtlasLog.configure(false);
        System.Logger log = System.getLogger("org.criuatlas.test");
        String line = "x".repeat(1000);
        for (int i = 0; i < (AtlasLog.FILE_LIMIT / 1000) * (AtlasLog.FILE_COUNT + 1); i++) log.log(System.Logger.Level.INFO, line);
        long files;
        try (Stream<Path> s = Files.list(tmp)) {
            files = s.filter(p -> p.getFileName().toString().matches("criu-atlas\\.\\d\\.log")).count();
        }
        assertEquals(AtlasLog.FILE_COUNT, files, "rotated, never more than the count");
        for (int g = 0; g < AtlasLog.FILE_COUNT; g++)
            assertTrue(Files.size(tmp.resolve("criu-atlas." + g + ".log")) <= AtlasLog.FILE_LIMIT + 2000, "generation " + g);
    }

    @Test
    void withoutAWritableFolderItStillWorks() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        System.setProperty(AtlasLog.STATE_DIR_PROPERTY, file.resolve("sub").toString()); // cannot be created
        AtlasLog.configure(false);
        assertFalse(AtlasLog.fileOpen());
        System.getLogger("org.criuatlas.test").log(System.Logger.Level.INFO, "nowhere to write, and no crash");
    }
}
