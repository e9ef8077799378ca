package org.criuatlas.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes the work dirs ({@code criu-atlas-restore-*} in the temp folder) that restores made while the tests ran. The
 * product keeps them on purpose (the restore board's log lens reads criu's log there afterwards; the system ages
 * its temp folder), but a test run leaves the machine as it found it. Only folders that were not there when the
 * session opened go; registered for every module that has this test-jar through {@code META-INF/services}.
 */
public final class RestoreWorkDirSweep implements LauncherSessionListener {
    static final String PREFIX = "criu-atlas-restore-";

    private final Set<Path> before = new HashSet<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        before.clear();
        before.addAll(workDirs(tempFolder()));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        for (Path d : workDirs(tempFolder())) {
            if (!before.contains(d)) deleteTree(d);
        }
    }

    static Path tempFolder() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Set<Path> workDirs(Path tmp) {
        Set<Path> out = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path p : ds) if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) out.add(p);
        } catch (IOException | RuntimeException ignored) {
            // nothing to sweep
        }
        return out;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left for the system's own aging of its temp folder
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // as above
        }
    }
}
